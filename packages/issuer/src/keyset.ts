import { base64urlDecode } from "@fedkit/core/provider";
import { IssuerKeyContextError, issuerConfigError } from "./errors.js";
import { rsaMembersAgree } from "./rsa-check.js";

/**
 * The signing algorithms the site issuer supports: RS256 (the default, because Entra accepts only RS256) and
 * ES256 (accepted by AWS and GCP). Other algorithms are refused: not every cloud verifies them.
 *
 * @example
 * ```ts
 * ISSUER_ALGORITHMS.includes("ES384" as IssuerAlgorithm); // false
 * ```
 * @public
 */
export const ISSUER_ALGORITHMS = ["RS256", "ES256"] as const;

/** A signing algorithm of {@link ISSUER_ALGORITHMS}. @public */
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number];

/** A public JSON Web Key as published in the issuer's JWKS. @public */
export interface PublicJwk {
  readonly kty: "RSA" | "EC";
  readonly kid: string;
  readonly alg: IssuerAlgorithm;
  readonly use: "sig";
  readonly n?: string;
  readonly e?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

/**
 * One entry of the key document. The entry holding private material (`d` of a JWK, or `pkcs8`: base64 or PEM
 * PKCS#8) is the current signing key; every other entry is a public key that is only published (`status`
 * `next` before it signs, `previous` after it stopped).
 * @public
 */
export interface IssuerKeyEntry {
  readonly kid: string;
  readonly alg: IssuerAlgorithm;
  readonly kty?: "RSA" | "EC";
  readonly status?: "current" | "next" | "previous";
  readonly pkcs8?: string;
  readonly [member: string]: unknown;
}

/**
 * The value of the key-set environment variable (`FEDKIT_ISSUER_KEYS`), one per deploy context:
 * `{"v":1,"context":"production","keys":[<current private JWK or pkcs8>, <next public JWK>, <previous public JWK>]}`.
 * @public
 */
export interface IssuerKeyDocument {
  readonly v: 1;
  /**
   * The deploy context these keys belong to (`production`, `deploy-preview`, ...). Mandatory: a key set is refused
   * without it, and refused in any other context than this one.
   */
  readonly context: string;
  readonly keys: readonly IssuerKeyEntry[];
}

/** A key document after validation and import: the signing key is a non-extractable `CryptoKey`. @public */
export interface IssuerKeySet {
  /** The deploy context the key set names; a site issuer refuses it in any other context. */
  readonly context: string;
  readonly signingKey: { readonly kid: string; readonly alg: IssuerAlgorithm; readonly key: CryptoKey };
  /** The public keys to publish: the current key first, then next and previous keys. */
  readonly publicKeys: readonly PublicJwk[];
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
/** Deploy contexts (`production`, `deploy-preview`, `branch-deploy`, `dev`, a branch name). */
const CONTEXT = /^[A-Za-z0-9._/-]{1,100}$/;
/**
 * An RSA modulus of 2048 bits or more, in base64url as a JWK spells it: 342 characters encode 256 bytes. A text
 * test, not a decode: text outside the alphabet is refused as a short modulus (a config error), never thrown.
 */
const RSA_MODULUS = /^[\w-]{342,}$/;
const PRIVATE_MEMBERS = "d p q dp dq qi pkcs8".split(" ");

/**
 * WebCrypto parameters per algorithm, for import, generation, signing and verifying alike (WebCrypto ignores the
 * members an operation does not use).
 * @internal
 */
export function algorithmParams(alg: IssuerAlgorithm): RsaHashedImportParams & EcKeyImportParams {
  return alg === "RS256"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", namedCurve: "" }
    : { name: "ECDSA", hash: "SHA-256", namedCurve: "P-256" };
}

/**
 * The public half of a JWK entry: the members a JWKS publishes, private ones and lifecycle notes dropped.
 *
 * @example
 * ```ts
 * const { document } = await generateIssuerKeys({ context: "production" });
 * toPublicJwk(document.keys[0]!).d; // undefined
 * ```
 * @public
 */
export function toPublicJwk(entry: IssuerKeyEntry): PublicJwk {
  const e = entry as Record<string, string>;
  return entry.alg === "RS256"
    ? { kty: "RSA", kid: entry.kid, alg: "RS256", use: "sig", n: e["n"]!, e: e["e"]! }
    : { kty: "EC", kid: entry.kid, alg: "ES256", use: "sig", crv: "P-256", x: e["x"]!, y: e["y"]! };
}

/**
 * Validates and imports a key document. Every problem is a `config` FederationError naming the variable and the
 * entry, never the key material. The document must name its deploy `context`; pass `expectedContext` to refuse
 * (with {@link IssuerKeyContextError}) a key set of another context here rather than at the first mint.
 *
 * @example
 * ```ts
 * const keys = await importIssuerKeySet(process.env.FEDKIT_ISSUER_KEYS, "FEDKIT_ISSUER_KEYS", "production");
 * ```
 * @public
 */
export async function importIssuerKeySet(
  text: string | undefined,
  variable = "FEDKIT_ISSUER_KEYS",
  expectedContext?: string,
): Promise<IssuerKeySet> {
  // Every message starts with the variable's name; the default hint names the command that makes a valid set.
  const fail = (
    message: string,
    hint = `Store \`npx --no-install fedkit keys generate --context <context>\`'s output in ${variable}.`,
  ) => issuerConfigError(variable + message, hint);
  let doc: { v?: unknown; context?: unknown; keys?: unknown } | null;
  try {
    doc = JSON.parse(text as string);
  } catch {
    // No cause: a JSON parser's message may quote the variable's text, which holds the private key.
    throw fail(text?.trim() ? " is not valid JSON." : " is not set.");
  }
  const { v, context, keys } = doc ?? {};
  if (v !== 1 || !Array.isArray(keys) || keys.length === 0) throw fail(' needs "v": 1 and non-empty "keys".');
  if (typeof context !== "string" || !CONTEXT.test(context))
    throw fail(context === undefined ? ' has no "context".' : ".context is not a deploy context name.");
  if (expectedContext !== undefined && context !== expectedContext) {
    throw new IssuerKeyContextError(context, expectedContext, variable);
  }
  keys.forEach((entry: Partial<IssuerKeyEntry> | null, index) => {
    const kid = entry?.kid;
    if (
      typeof kid !== "string" ||
      !KID.test(kid) ||
      !ISSUER_ALGORITHMS.includes(entry?.alg as IssuerAlgorithm)
    )
      throw fail(`.keys[${index}] needs a kid (${KID.source}) and alg RS256 or ES256.`);
  });
  const entries = keys as IssuerKeyEntry[];
  const privates = entries.filter((entry) => PRIVATE_MEMBERS.some((m) => entry[m] !== undefined));
  if (privates.length !== 1)
    throw fail(
      ` must hold exactly one private key; found ${privates.length}.`,
      "Keep only the current key private.",
    );
  const current = privates[0]!;
  const where = (entry: IssuerKeyEntry) => `${variable} key ${entry.kid}`;
  const imported = await importSigningKey(current, where(current));
  // The current key is published first.
  const publicKeys = [
    imported.publicKey,
    ...entries.filter((entry) => entry !== current).map((entry) => publicJwk(entry, where(entry))),
  ];
  if (new Set(publicKeys.map((k) => k.kid)).size !== publicKeys.length) throw fail(" repeats a kid.");
  return { context, signingKey: { kid: current.kid, alg: current.alg, key: imported.key }, publicKeys };
}

/** The public JWK of an entry, refusing a wrong type, a missing member or an RSA modulus under 2048 bits. */
function publicJwk(entry: IssuerKeyEntry, where: string): PublicJwk {
  const { kty, n, e, crv, x, y } = entry;
  if (
    entry.alg === "RS256"
      ? kty !== "RSA" || !RSA_MODULUS.test(n as string) || typeof e !== "string"
      : kty !== "EC" || crv !== "P-256" || typeof x !== "string" || typeof y !== "string"
  ) {
    throw issuerConfigError(
      `${where} must be ${entry.alg === "RS256" ? "an RSA JWK of 2048 bits or more" : "an EC P-256 JWK"}.`,
      "Use the keys `fedkit keys generate` writes.",
    );
  }
  return toPublicJwk(entry);
}

async function importSigningKey(entry: IssuerKeyEntry, where: string) {
  const { alg, pkcs8 } = entry;
  const params = algorithmParams(alg);
  const subtle = crypto.subtle;
  const importError = (cause?: unknown) =>
    issuerConfigError(
      `${where} could not be imported as an ${alg} private key.`,
      "Use a complete private JWK or PKCS#8 key.",
      cause,
    );
  let jwk: JsonWebKey;
  try {
    // The public half of a PKCS#8 key is only reachable through a JWK export, so this one import is extractable;
    // the key kept for signing below is not. Standard or url-safe base64 (a PEM body), whitespace allowed.
    jwk =
      typeof pkcs8 === "string"
        ? await subtle.exportKey(
            "jwk",
            await subtle.importKey(
              "pkcs8",
              base64urlDecode(
                pkcs8
                  .replace(/-----[A-Z ]+-----|\s+/g, "")
                  .replace(/\+/g, "-")
                  .replace(/\//g, "_"),
              ) as Uint8Array<ArrayBuffer>,
              params,
              true,
              ["sign"],
            ),
          )
        : // Members WebCrypto would check against the import are left out; unknown ones (kid, status) it ignores.
          ({ ...entry, alg: undefined, use: undefined, key_ops: undefined, ext: undefined } as JsonWebKey);
  } catch (cause) {
    throw importError(cause);
  }
  const publicKey = publicJwk({ ...(jwk as IssuerKeyEntry), kid: entry.kid, alg }, where);
  let agree: boolean | undefined;
  let key: CryptoKey;
  try {
    key = await subtle.importKey("jwk", jwk, params, false, ["sign"]);
    // RSA: the members' arithmetic instead of a test signature (cheap on a fresh isolate). EC, or an RSA JWK
    // without its CRT members: some runtimes import an inconsistent private JWK without complaint, so one
    // signature is verified with the public half.
    agree = alg === "RS256" ? rsaMembersAgree(jwk) : undefined;
    if (agree === undefined) {
      const data = new Uint8Array(8);
      const verifyKey = await subtle.importKey("jwk", publicKey, params, false, ["verify"]);
      agree = await subtle.verify(params, verifyKey, await subtle.sign(params, key, data), data);
    }
  } catch (cause) {
    throw importError(cause);
  }
  if (!agree)
    throw issuerConfigError(
      `${where}: the private key does not match its public members.`,
      "Copy the whole generated value again.",
    );
  return { key, publicKey };
}
