/**
 * The Google services of the emulator: STS (`urls.gcpSts`), IAM Credentials (`urls.iamCredentials`) and Cloud
 * Storage (`urls.gcs`), each on its own loopback listener, sharing one {@link GcpState}.
 *
 * @packageDocumentation
 */
import type { ServiceDefinition } from "../services.js";
import { validateGcpConfig } from "./config.js";
import { handleGcs } from "./gcs.js";
import { createIdTokenSigner, handleIamCredentials } from "./iam-credentials.js";
import { gcpState, seedBuckets } from "./state.js";
import { handleSts } from "./sts.js";

export type * from "./config.js";
export type { GcpPrincipal, GcpState, GcpToken, GcsObject } from "./state.js";
export { addGcpProvider, gcpState, gcpStateOf } from "./state.js";

const enabled = (config: { gcp?: unknown }) => config.gcp !== undefined;

/** Google STS. @internal */
export const gcpStsService: ServiceDefinition = {
  name: "gcpSts",
  enabled,
  configSection: "gcp",
  validateConfig: validateGcpConfig,
  create(ctx) {
    const state = gcpState(ctx);
    seedBuckets(state, ctx.config.gcp ?? {}, ctx.now());
    return (request) => handleSts(request, ctx);
  },
};

/** IAM Credentials. @internal */
export const iamCredentialsService: ServiceDefinition = {
  name: "iamCredentials",
  enabled,
  async create(ctx) {
    const signer = await createIdTokenSigner();
    return (request) => handleIamCredentials(request, ctx, signer);
  },
};

/** Cloud Storage JSON API. @internal */
export const gcsService: ServiceDefinition = {
  name: "gcs",
  enabled,
  create(ctx) {
    seedBuckets(gcpState(ctx), ctx.config.gcp ?? {}, ctx.now());
    return (request) => handleGcs(request, ctx);
  },
};

/** The three, in start order, for `services.ts`. @internal */
export const gcpServices: ServiceDefinition[] = [gcpStsService, iamCredentialsService, gcsService];
