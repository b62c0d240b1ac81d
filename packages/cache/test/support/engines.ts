// Engines ("isolates") sharing one store, a counting provider, and unsigned subject tokens: what the driver
// suites use to prove single flight and outage behaviour through the real engine.
import type { Credentials, Provider } from "@fedkit/core";
import { base64url, utf8 } from "@fedkit/core/provider";

/** AWS-shaped credentials of this suite's own (core knows no cloud's credential type). */
export interface AwsCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** An unsigned JWT for `sub`, valid for a day (an `unverified` token: its cache key is its hash). */
export function subjectJwt(sub: string): string {
  const part = (value: unknown) => base64url(utf8(JSON.stringify(value)));
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss: "https://idp.test", sub, aud: "sts.amazonaws.com", iat: now, exp: now + 86_400 })}.c2ln`;
}

/** A provider that counts its exchanges and takes `delayMs` for each. */
export function countingProvider(delayMs = 20): Provider<AwsCredentials> & { exchanges: number } {
  const provider = {
    cloud: "aws",
    key: "role=arn:aws:iam::123456789012:role/shared-cache-test",
    audience: "sts.amazonaws.com",
    target: { role: "arn:aws:iam::123456789012:role/shared-cache-test" },
    exchanges: 0,
    async exchange() {
      provider.exchanges++;
      const n = provider.exchanges;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return {
        credentials: {
          kind: "aws" as const,
          accessKeyId: `ASIATEST${String(n).padStart(12, "0")}`,
          secretAccessKey: `engine-secret-${n}`,
          sessionToken: `engine-session-${n}`,
          expiresAt: Date.now() + 3_600_000,
        },
      };
    },
  };
  return provider;
}
