/**
 * A running emulator with a workload identity pool trusting its own IdP, a service account and a bucket, and
 * fedkit providers pointed at it.
 */
import {
  addGcpProvider,
  type Emulator,
  type GcpProviderConfig,
  type GcpState,
  gcpStateOf,
  startEmulator,
} from "@fedkit/emulator";
import { type GcpProviderOptions, gcpProvider } from "../src/index.js";

export const PROJECT_NUMBER = "123456";
export const POOL = "netlify";
export const SA = "reader@fedkit-emulator.iam.gserviceaccount.com";
export const OTHER_SA = "writer@fedkit-emulator.iam.gserviceaccount.com";
export const BUCKET = "private-reports";
export const OBJECT = "daily/report.csv";
export const BODY = "date,total\n2026-01-01,42\n";
export const SUBJECT = "site:abc123:context:production:function:read-report";
export const CLAIMS = { site_id: "abc123", context: "production", function: "read-report" };

export interface Fixture {
  readonly emulator: Emulator;
  readonly state: GcpState;
  /** `//iam.googleapis.com/…/providers/site` trusting the emulator's IdP. */
  readonly audience: string;
  /** Options reaching the emulator (custom endpoints opted in). */
  readonly options: GcpProviderOptions;
  mint(overrides?: {
    sub?: string;
    aud?: string;
    claims?: Record<string, unknown>;
    ttlSeconds?: number;
  }): Promise<string>;
  provider(extra?: Partial<GcpProviderOptions>): ReturnType<typeof gcpProvider>;
}

export const PROVIDER_CONFIG: Omit<GcpProviderConfig, "issuerUri"> = {
  providerId: "site",
  attributeMapping: {
    "google.subject": "assertion.sub",
    "attribute.site": "assertion.site_id",
    "attribute.context": "assertion.context",
    "attribute.function": "assertion.function",
  },
  attributeCondition: 'assertion.site_id == "abc123" && assertion.context == "production"',
};

/**
 * `uploadJwks`: give the provider the IdP's JWKS up front (as Google allows) instead of discovery over HTTP; the
 * provider contract suite disables `globalThis.fetch`, which the in-process emulator would otherwise use.
 */
export async function startFixture(setup: { uploadJwks?: boolean } = {}): Promise<Fixture> {
  const poolPrincipal = `principalSet://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${POOL}`;
  const emulator = await startEmulator({
    gcp: {
      projectNumber: PROJECT_NUMBER,
      pools: [{ poolId: POOL, providers: [] }],
      serviceAccounts: [
        {
          email: SA,
          bindings: [
            {
              role: "roles/iam.workloadIdentityUser",
              members: [`${poolPrincipal}/attribute.function/read-report`],
            },
          ],
        },
        { email: OTHER_SA, bindings: [] },
      ],
      buckets: [
        {
          name: BUCKET,
          bindings: [
            { role: "roles/storage.objectViewer", members: [`serviceAccount:${SA}`] },
            { role: "roles/storage.objectAdmin", members: [`${poolPrincipal}/attribute.site/abc123`] },
          ],
          objects: { [OBJECT]: BODY },
        },
      ],
    },
  });
  const state = gcpStateOf(emulator);
  const jwks = setup.uploadJwks ? await (await fetch(`${emulator.urls.idp}/jwks`)).json() : undefined;
  const audience = addGcpProvider(state, POOL, {
    ...PROVIDER_CONFIG,
    issuerUri: emulator.urls.idp,
    ...(jwks ? { jwks } : {}),
  });
  const options: GcpProviderOptions = {
    audience,
    stsEndpoint: emulator.urls.gcpSts!,
    iamCredentialsEndpoint: emulator.urls.iamCredentials!,
    allowCustomEndpoint: true,
  };
  return {
    emulator,
    state,
    audience,
    options,
    mint: (o = {}) =>
      emulator.idp.mint({
        sub: o.sub ?? SUBJECT,
        aud: o.aud ?? `https:${audience}`,
        claims: { ...CLAIMS, ...o.claims },
        ...(o.ttlSeconds ? { ttlSeconds: o.ttlSeconds } : {}),
      }),
    provider: (extra = {}) => gcpProvider({ ...options, ...extra }),
  };
}
