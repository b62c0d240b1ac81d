import { algorithmParams, type IssuerAlgorithm, type IssuerKeySet, type PublicJwk } from "./keyset.js";

/**
 * What signs the issuer's tokens. The issuer hands over the JWS signing input (`<header>.<payload>` as bytes)
 * and expects the raw JWS signature back: PKCS#1 v1.5 bytes for RS256, the 64-byte `r || s` for ES256 (not DER;
 * a KMS that returns DER must convert). The private key never has to be in this process: a WebCrypto key
 * imported from the key-set variable ({@link webCryptoSigner}), an HSM or a cloud KMS all fit.
 *
 * @example
 * ```ts
 * const signer: IssuerSigner = {
 *   kid: publicJwk.kid,
 *   alg: "ES256",
 *   publicJwk,
 *   context: "production",
 *   sign: (data) => kms.sign({ keyId, message: data }), // returns r || s
 * };
 * const issuer = createSiteIssuer({ siteUrl, siteId, context: "production", signer });
 * ```
 * @public
 */
export interface IssuerSigner {
  /** The key id the JWS header carries; must be published in the issuer's JWKS. */
  readonly kid: string;
  readonly alg: IssuerAlgorithm;
  /** The public half, as the JWKS publishes it (`kid` and `alg` equal to the signer's). */
  readonly publicJwk: PublicJwk;
  /**
   * The deploy context this key belongs to. When present, an issuer of another context refuses the signer
   * before it signs; a signer without it (a KMS key) is bound to a context by whoever builds it.
   */
  readonly context?: string;
  /** Signs the JWS signing input and returns the raw signature. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * The default signer: the non-extractable WebCrypto key of an imported key set.
 *
 * @example
 * ```ts
 * const signer = webCryptoSigner(await importIssuerKeySet(process.env.FEDKIT_ISSUER_KEYS));
 * const signature = await signer.sign(new TextEncoder().encode("header.payload"));
 * ```
 * @public
 */
export function webCryptoSigner(keySet: IssuerKeySet): IssuerSigner {
  const { kid, alg, key } = keySet.signingKey;
  const publicJwk = keySet.publicKeys.find((k) => k.kid === kid);
  if (publicJwk === undefined) {
    throw new TypeError(`webCryptoSigner(): no public key for signing kid ${kid}.`);
  }
  const params = algorithmParams(alg);
  return {
    kid,
    alg,
    publicJwk,
    context: keySet.context,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign(params, key, data as Uint8Array<ArrayBuffer>));
    },
  };
}
