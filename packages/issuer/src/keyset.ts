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
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "pkcs8"];

/** Standard or url-safe base64, whitespace allowed (PEM bodies, JWK members), through core's one decoder. */
const base64Decode = (text: string) =>
  base64urlDecode(
    text.replace(/\s+/g, "").replace(/\+/g, "-").replace(/\//g, "_"),
  ) as Uint8Array<ArrayBuffer>;

/** WebCrypto parameters per algorithm. @internal */
export function algorithmParams(alg: IssuerAlgorithm): RsaHashedImportParams | EcKeyImportParams {
  return alg === "RS256"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
    : { name: "ECDSA", namedCurve: "P-256" };
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
  const hint = `Generate one with \`npx --no-install fedkit keys generate --context <context>\` and store it in ${variable}, a secret per deploy context.`;
  if (text === undefined || text.trim() === "") {
    throw issuerConfigError(`The site issuer's key set ${variable} is not set in this deploy context.`, hint);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw issuerConfigError(`${variable} is not valid JSON.`, hint, cause);
  }
  const { context, entries } = checkDocument(doc, variable, hint);
  if (expectedContext !== undefined && context !== expectedContext) {
    throw new IssuerKeyContextError(context, expectedContext, variable);
  }
  const privates = entries.filter((entry) => PRIVATE_MEMBERS.some((m) => entry[m] !== undefined));
  if (privates.length !== 1) {
    throw issuerConfigError(
      `${variable} must hold exactly one private (current) key; found ${privates.length}.`,
      "Keep only the current key private; next and previous keys are public JWKs.",
    );
  }
  const current = privates[0]!;
  const imported = await importSigningKey(current, variable);
  const others = entries.filter((entry) => entry !== current).map((entry) => publicJwk(entry, variable));
  const publicKeys = [imported.publicKey, ...others];
  const kids = new Set(publicKeys.map((k) => k.kid));
  if (kids.size !== publicKeys.length) {
    throw issuerConfigError(`${variable} repeats a kid; every key needs its own kid.`, hint);
  }
  return { context, signingKey: { kid: current.kid, alg: current.alg, key: imported.key }, publicKeys };
}

function checkDocument(doc: unknown, variable: string, hint: string) {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw issuerConfigError(`${variable} must be a JSON object with "v": 1 and "keys".`, hint);
  }
  const { v, context, keys } = doc as { v?: unknown; context?: unknown; keys?: unknown };
  if (v !== 1)
    throw issuerConfigError(`${variable} has an unsupported version ${JSON.stringify(v)}; expected 1.`, hint);
  if (typeof context !== "string" || !CONTEXT.test(context)) {
    throw issuerConfigError(
      context === undefined
        ? `${variable} has no "context": every key set must name the deploy context it belongs to.`
        : `${variable}.context must be a deploy context name (${CONTEXT.source}).`,
      `Regenerate it with \`npx --no-install fedkit keys generate --context <context>\`, or add "context": "<context>".`,
    );
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    throw issuerConfigError(`${variable}.keys must be a non-empty array.`, hint);
  }
  keys.forEach((entry: Partial<IssuerKeyEntry> | null, index) => {
    const kid = entry?.kid;
    if (typeof kid !== "string" || !KID.test(kid) || (entry?.alg !== "RS256" && entry?.alg !== "ES256")) {
      throw issuerConfigError(
        `${variable}.keys[${index}] needs a kid matching ${KID.source} and alg RS256 or ES256.`,
        hint,
      );
    }
  });
  return { context, entries: keys as IssuerKeyEntry[] };
}

function publicJwk(entry: IssuerKeyEntry, variable: string): PublicJwk {
  const where = `${variable} key ${entry.kid}`;
  if (entry.alg === "RS256") {
    const { n, e } = entry as { n?: unknown; e?: unknown };
    if (entry.kty !== "RSA" || typeof n !== "string" || typeof e !== "string") {
      throw issuerConfigError(
        `${where} must be an RSA JWK with kty "RSA", n and e.`,
        "Re-export the key as a JWK.",
      );
    }
    if (base64Decode(n).length < 256) {
      throw issuerConfigError(
        `${where} is shorter than 2048 bits.`,
        "Generate a 2048-bit (or larger) RSA key.",
      );
    }
    return { kty: "RSA", kid: entry.kid, alg: "RS256", use: "sig", n, e };
  }
  const { crv, x, y } = entry as { crv?: unknown; x?: unknown; y?: unknown };
  if (entry.kty !== "EC" || crv !== "P-256" || typeof x !== "string" || typeof y !== "string") {
    throw issuerConfigError(`${where} must be an EC P-256 JWK with x and y.`, "Re-export the key as a JWK.");
  }
  return { kty: "EC", kid: entry.kid, alg: "ES256", use: "sig", crv, x, y };
}

async function importSigningKey(entry: IssuerKeyEntry, variable: string) {
  const params = algorithmParams(entry.alg);
  const where = `${variable} key ${entry.kid}`;
  try {
    let jwk: JsonWebKey;
    if (typeof entry.pkcs8 === "string") {
      // The public half of a PKCS#8 key is only reachable through a JWK export, so this one import is
      // extractable; the key kept for signing below is not.
      const der = base64Decode(entry.pkcs8.replace(/-----[A-Z ]+-----/g, ""));
      const temporary = await crypto.subtle.importKey("pkcs8", der, params, true, ["sign"]);
      jwk = await crypto.subtle.exportKey("jwk", temporary);
    } else {
      const {
        kid: _kid,
        alg: _alg,
        status: _status,
        use: _use,
        key_ops: _ops,
        ext: _ext,
        ...members
      } = entry;
      jwk = members as JsonWebKey;
    }
    const key = await crypto.subtle.importKey("jwk", jwk, params, false, ["sign"]);
    const publicKey = publicJwk(
      { ...(jwk as Record<string, unknown>), kid: entry.kid, alg: entry.alg },
      variable,
    );
    // RSA: the members' arithmetic instead of a test signature (cheap on a fresh isolate); EC, or an RSA JWK
    // without its CRT members: one signature verified with the public half.
    const agree = entry.alg === "RS256" ? rsaMembersAgree(jwk) : undefined;
    if (agree === false) throw MISMATCH;
    if (agree === undefined) await checkPair(key, publicKey, params);
    return { key, publicKey };
  } catch (cause) {
    if (cause instanceof Error && cause.name === "FederationError") throw cause;
    if (cause === MISMATCH) {
      throw issuerConfigError(
        `${where}: the private key does not match its public members.`,
        "Copy the whole generated value again.",
      );
    }
    throw issuerConfigError(
      `${where} could not be imported as an ${entry.alg} private key.`,
      "Use a complete private JWK (or PKCS#8) of the declared alg.",
      cause,
    );
  }
}

const MISMATCH = Symbol("mismatch");

// Some runtimes import an inconsistent private JWK without complaint; a key that signs what its own public half
// cannot verify would only fail later at the cloud, so one test signature here turns it into a config error.
async function checkPair(key: CryptoKey, jwk: PublicJwk, params: RsaHashedImportParams | EcKeyImportParams) {
  const verifyKey = await crypto.subtle.importKey("jwk", jwk as JsonWebKey, params, false, ["verify"]);
  const sign = params.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : params.name;
  const data = new TextEncoder().encode("fedkit key check");
  const signature = await crypto.subtle.sign(sign, key, data);
  if (!(await crypto.subtle.verify(sign, verifyKey, signature, data))) throw MISMATCH;
}
