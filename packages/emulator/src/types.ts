import type { AwsControl } from "./aws/control.js";
import type { EmulatorUrls } from "./context.js";
import type { OidcIdp } from "./oidc/idp.js";
import type { EmulatorState } from "./state.js";

/** Options of `startEmulator` besides the config. @public */
export interface StartOptions {
  /** The clock every service uses (epoch ms); tests move it to expire tokens, sessions and caches. */
  now?: () => number;
}

/** A running emulator. @public */
export interface Emulator {
  /** One loopback listener per service; no trailing slash. */
  readonly urls: Readonly<EmulatorUrls>;
  /** PEM of the CA that signed the TLS certificates (when `tls` is on): give it to clients as their trust root. */
  readonly ca?: string;
  /** The built-in OIDC identity provider (issuer = `urls.idp`). */
  readonly idp: OidcIdp;
  /** Programmatic IAM and S3 seeding. */
  readonly aws: AwsControl;
  /** Everything the services hold, for tests. */
  readonly state: EmulatorState;
  /** Closes every listener and its open connections. Safe to call twice. */
  stop(): Promise<void>;
}
