/**
 * What the Google services hold: compiled providers, service accounts, buckets with objects, issued tokens.
 * Stored in `ctx.state.services` under `"gcp"`, shared by the three listeners.
 *
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context.js";
import { type CompiledCel, compileCel } from "./cel.js";
import { type GcpBinding, type GcpConfig, type GcpProviderConfig, validateGcpProvider } from "./config.js";

/** A provider ready to evaluate. @public */
export interface GcpProviderState {
  readonly config: GcpProviderConfig;
  readonly poolId: string;
  readonly poolDisabled: boolean;
  /** `//iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<id>`. */
  readonly resource: string;
  /** `iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>`, the principal prefix. */
  readonly poolPath: string;
  readonly mapping: ReadonlyArray<readonly [string, CompiledCel]>;
  readonly condition: CompiledCel | undefined;
}

/** Who a bearer token speaks for. @public */
export type GcpPrincipal =
  | {
      readonly kind: "federated";
      readonly poolPath: string;
      readonly subject: string;
      readonly attributes: Readonly<Record<string, string | readonly string[]>>;
      readonly groups: readonly string[];
    }
  | { readonly kind: "service_account"; readonly email: string };

/** An access token the emulator issued. @public */
export interface GcpToken {
  readonly principal: GcpPrincipal;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** A stored GCS object. @public */
export interface GcsObject {
  body: Uint8Array;
  contentType: string;
  generation: number;
  updated: number;
  md5: string;
  /** CRC32C (Castagnoli), big-endian, base64: what GCS reports and client libraries verify. */
  crc32c: string;
  metadata?: Record<string, string>;
}

/** The Google services' state. @public */
export interface GcpState {
  readonly projectNumber: string;
  readonly projectId: string;
  readonly providers: Map<string, GcpProviderState>;
  readonly serviceAccounts: Map<
    string,
    { bindings: GcpBinding[]; disabled: boolean; allowLifetimeExtension: boolean; uniqueId: string }
  >;
  readonly buckets: Map<string, { bindings: GcpBinding[]; objects: Map<string, GcsObject> }>;
  readonly tokens: Map<string, GcpToken>;
  /** Requests each Google endpoint received, for tests and benchmarks (`sts`, `generateAccessToken`, …). */
  readonly calls: Map<string, number>;
}

/** The GCP state of an emulator (created on first use from `ctx.config.gcp`). @public */
export function gcpState(ctx: EmulatorContext): GcpState {
  const existing = ctx.state.services.get("gcp") as GcpState | undefined;
  if (existing) return existing;
  const state = createGcpState(ctx.config.gcp ?? {});
  ctx.state.services.set("gcp", state);
  return state;
}

/** Builds a stored object (md5 and crc32c as GCS reports them). @internal */
export function makeObject(
  body: Uint8Array,
  contentType: string,
  generation: number,
  now: number,
): GcsObject {
  const md5 = createHash("md5").update(body).digest("base64");
  return { body, contentType, generation, updated: now, md5, crc32c: crc32c(body) };
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C of `body` as GCS encodes it (4 bytes big-endian, base64). @internal */
export function crc32c(body: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}

function createGcpState(config: GcpConfig): GcpState {
  const projectNumber = config.projectNumber ?? "123456789012";
  const providers = new Map<string, GcpProviderState>();
  for (const pool of config.pools ?? []) {
    for (const provider of pool.providers) {
      const compiled = compileProvider(projectNumber, pool.poolId, pool.disabled === true, provider);
      providers.set(compiled.resource, compiled);
    }
  }
  let uniqueId = 100_000_000_000_000_000_000n;
  return {
    projectNumber,
    projectId: config.projectId ?? "fedkit-emulator",
    providers,
    serviceAccounts: new Map(
      (config.serviceAccounts ?? []).map((sa) => [
        sa.email,
        {
          bindings: sa.bindings ?? [],
          disabled: sa.disabled === true,
          allowLifetimeExtension: sa.allowLifetimeExtension === true,
          uniqueId: String(++uniqueId),
        },
      ]),
    ),
    buckets: new Map(),
    tokens: new Map(),
    calls: new Map(),
  };
}

function compileProvider(
  projectNumber: string,
  poolId: string,
  poolDisabled: boolean,
  config: GcpProviderConfig,
): GcpProviderState {
  const poolPath = `iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}`;
  return {
    config,
    poolId,
    poolDisabled,
    resource: `//${poolPath}/providers/${config.providerId}`,
    poolPath,
    mapping: Object.entries(config.attributeMapping ?? { "google.subject": "assertion.sub" }).map(
      ([target, source]) => [target, compileCel(source, ["assertion"])] as const,
    ),
    condition: config.attributeCondition
      ? compileCel(config.attributeCondition, ["assertion", "google", "attribute"])
      : undefined,
  };
}

/**
 * Adds (or replaces) a workload identity pool provider at run time, e.g. one trusting the emulator's own IdP,
 * whose URL is only known once it started. Validated like the config; returns the provider's resource name.
 *
 * @example
 * ```ts
 * const resource = addGcpProvider(gcpStateOf(emulator), "pool", { providerId: "idp", issuerUri: emulator.urls.idp });
 * ```
 * @throws ConfigError for an invalid provider (CEL errors included).
 * @public
 */
export function addGcpProvider(state: GcpState, poolId: string, config: GcpProviderConfig): string {
  validateGcpProvider(config, `gcp.pools[${poolId}].providers[${config.providerId}]`);
  const compiled = compileProvider(state.projectNumber, poolId, false, config);
  state.providers.set(compiled.resource, compiled);
  return compiled.resource;
}

/** The GCP state of a running emulator (tests read `calls`, `tokens`, `buckets`). @public */
export function gcpStateOf(emulator: { state: { services: Map<string, unknown> } }): GcpState {
  const state = emulator.state.services.get("gcp") as GcpState | undefined;
  if (!state) throw new Error("the emulator runs no GCP services: pass a gcp section to startEmulator");
  return state;
}

/** Seeds the configured buckets. @internal */
export function seedBuckets(state: GcpState, config: GcpConfig, now: number): void {
  for (const bucket of config.buckets ?? []) {
    if (state.buckets.has(bucket.name)) continue;
    const objects = new Map<string, GcsObject>();
    for (const [name, body] of Object.entries(bucket.objects ?? {})) {
      objects.set(name, makeObject(new TextEncoder().encode(body), "text/plain; charset=utf-8", 1, now));
    }
    state.buckets.set(bucket.name, { bindings: bucket.bindings ?? [], objects });
  }
}

/** Counts a call (tests and the benchmark read `calls`). @internal */
export function countCall(state: GcpState, name: string): void {
  state.calls.set(name, (state.calls.get(name) ?? 0) + 1);
}
