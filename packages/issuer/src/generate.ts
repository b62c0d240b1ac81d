import { base64url } from "@fedkit/core/provider";
import {
  algorithmParams,
  ISSUER_ALGORITHMS,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  type PublicJwk,
  toPublicJwk,
} from "./keyset.js";

/** Options of {@link generateIssuerKeys}. @public */
export interface GenerateIssuerKeysOptions {
  /** `RS256` (default, 2048-bit; Entra needs it) or `ES256`. */
  readonly alg?: IssuerAlgorithm;
  /** The deploy context the key set is for (mandatory); recorded in the document and checked at runtime. */
  readonly context: string;
  /** The key id; default `<context>-<yyyymmdd>-<random>`. */
  readonly kid?: string;
  readonly now?: () => number;
}

/** A freshly generated key set: the secret variable value and the public key to publish. @public */
export interface GeneratedIssuerKeys {
  /** The document for the key-set variable (contains the private key: treat as a secret). */
  readonly document: IssuerKeyDocument;
  /** `JSON.stringify(document)`: paste it as the context's value of `FEDKIT_ISSUER_KEYS`. */
  readonly secret: string;
  readonly publicJwk: PublicJwk;
}

/**
 * Generates a signing key for one deploy context, as a document ready for `FEDKIT_ISSUER_KEYS`.
 *
 * @example
 * ```ts
 * const { secret, publicJwk } = await generateIssuerKeys({ context: "production" });
 * ```
 * @public
 */
export async function generateIssuerKeys(options: GenerateIssuerKeysOptions): Promise<GeneratedIssuerKeys> {
  if (typeof options?.context !== "string" || options.context === "") {
    throw new TypeError(
      'generateIssuerKeys: pass the deploy context the keys are for, e.g. { context: "production" }; a key set is only accepted in its own context.',
    );
  }
  const alg = options.alg ?? "RS256";
  if (!ISSUER_ALGORITHMS.includes(alg)) {
    throw new TypeError(
      `generateIssuerKeys: alg ${JSON.stringify(alg)} is not supported; use RS256 (every cloud, Entra needs it) or ES256 (AWS and GCP).`,
    );
  }
  const params =
    alg === "RS256"
      ? { ...algorithmParams(alg), modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : algorithmParams(alg);
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const date = new Date((options.now ?? Date.now)()).toISOString().slice(0, 10).replace(/-/g, "");
  const kid =
    options.kid ?? `${options.context}-${date}-${base64url(crypto.getRandomValues(new Uint8Array(4)))}`;
  const { key_ops: _ops, ext: _ext, alg: _alg, ...members } = jwk;
  const entry = { ...members, kid, alg, status: "current" } as IssuerKeyEntry;
  const document: IssuerKeyDocument = { v: 1, context: options.context, keys: [entry] };
  return { document, secret: JSON.stringify(document), publicJwk: toPublicJwk(entry) };
}

/**
 * Rotation, step 1: publishes `next` (a public JWK) alongside the current key. Deploy this at least 24 hours
 * before step 2 so every verifier's JWKS cache has seen the key before it signs.
 * @public
 */
export function stageNextKey(current: IssuerKeyDocument, next: PublicJwk): IssuerKeyDocument {
  const keys = current.keys.filter((k) => k.status !== "next" && k.kid !== next.kid);
  return { ...current, keys: [...keys, { ...next, status: "next" }] };
}

/**
 * Rotation, step 2: the staged key's private document becomes current; the old current key stays published as
 * `previous` (remove it after the verifiers' cache time plus the token lifetime). Older keys are dropped. Both
 * documents must be of the same deploy context.
 * @throws TypeError when a document has no private key, or the two name different contexts.
 * @public
 */
export function promoteNextKey(current: IssuerKeyDocument, next: IssuerKeyDocument): IssuerKeyDocument {
  const signing = next.keys.find((k) => k.d !== undefined);
  const old = current.keys.find((k) => k.d !== undefined);
  if (signing === undefined || old === undefined) {
    throw new TypeError("promoteNextKey(): both documents need a private JWK (the current key of each).");
  }
  if (current.context !== next.context) {
    throw new TypeError(
      `promoteNextKey(): the current key set is for context "${current.context}" and the next for "${next.context}"; a key moves only within its own context.`,
    );
  }
  const keys: IssuerKeyEntry[] = [
    { ...signing, status: "current" },
    { ...toPublicJwk(old), status: "previous" },
  ];
  return { v: 1, context: current.context, keys };
}
