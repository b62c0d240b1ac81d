import type { EmulatorConfig } from "./config.js";
import type { OidcIdp } from "./oidc/idp.js";
import type { IssuerVerifier } from "./oidc/verifier.js";
import type { EmulatorState } from "./state.js";

/** One loopback URL per running service, no trailing slash. @public */
export interface EmulatorUrls {
  idp: string;
  sts: string;
  s3: string;
  gcpSts?: string;
  iamCredentials?: string;
  gcs?: string;
  entra?: string;
  /** Emulated SaaS token services and echo APIs, one per configured name under `/<name>`. */
  saas?: string;
  /** Emulated platform OIDC issuers (GitHub Actions, GitLab CI, Vercel, …), one per `/<platform>`. */
  platforms?: string;
}

/**
 * What every service handler gets: the validated config, the injected clock, the shared issuer verifier, the
 * state, and the URLs of all listeners.
 * @public
 */
export interface EmulatorContext {
  readonly config: EmulatorConfig;
  /** Epoch ms from the injected clock; services never call `Date.now()` directly. */
  now(): number;
  /** Verifies federated tokens the way clouds do (discovery + JWKS, cached on `now`). */
  readonly issuers: IssuerVerifier;
  readonly state: EmulatorState;
  readonly urls: Readonly<EmulatorUrls>;
  readonly idp: OidcIdp;
  /** A `fetch` that trusts the emulator's CA (for reaching its own https listeners). */
  readonly fetch: typeof fetch;
  /** PEM of the CA, when TLS is on. */
  readonly ca: string | undefined;
  /** A fresh request id (UUID) for responses and errors. */
  requestId(): string;
}
