// The peer of every cache-hit row: the AWS SDK v3's credential memoizer (`memoize(provider, isExpired,
// requiresRefresh)` from @smithy/property-provider) with the SDK's 5-minute expiry window, around a provider
// that answers at once. One definition, so every suite compares against the same peer.
import { memoize } from "@smithy/property-provider";

/**
 * A primed memoized provider: its first call has resolved, so each later call is a hit.
 * @returns {Promise<() => Promise<object>>}
 */
export async function memoizedSdkProvider() {
  const provider = memoize(
    async () => ({
      accessKeyId: "ASIA",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date(Date.now() + 3_600_000),
    }),
    (c) => c.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000,
    (c) => c.expiration !== undefined,
  );
  await provider();
  return provider;
}
