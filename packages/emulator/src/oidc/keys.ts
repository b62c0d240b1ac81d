import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";

/** Algorithms the built-in IdP signs with. @public */
export type IdpAlgorithm = "RS256" | "ES256";

/** One signing key of the IdP. @internal */
export interface SigningKey {
  readonly kid: string;
  readonly alg: IdpAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Generates a key pair and its public JWK (`use: sig`, `alg`, `kid`). @internal */
export async function createSigningKey(alg: IdpAlgorithm, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: false });
  const jwk = await exportJWK(publicKey);
  return { kid, alg, privateKey, publicJwk: { ...jwk, kid, alg, use: "sig" } };
}

/**
 * The IdP's key ring: every published key, and per algorithm the one that signs. `rotate` publishes a new key and
 * makes it the signer; the old one stays published (tokens it signed still verify) until `retire`.
 * @internal
 */
export class KeyRing {
  readonly #keys: SigningKey[] = [];
  readonly #current = new Map<IdpAlgorithm, SigningKey>();
  #defaultAlg: IdpAlgorithm = "RS256";
  #counter = 0;

  async add(alg: IdpAlgorithm, kid?: string): Promise<SigningKey> {
    this.#counter += 1;
    const id = kid ?? `${alg.toLowerCase()}-${this.#counter}-${crypto.randomUUID().slice(0, 8)}`;
    if (this.#keys.some((key) => key.kid === id)) throw new TypeError(`a key with kid ${id} already exists`);
    const key = await createSigningKey(alg, id);
    if (this.#keys.length === 0) this.#defaultAlg = alg;
    this.#keys.push(key);
    this.#current.set(alg, key);
    return key;
  }

  retire(kid: string): void {
    const index = this.#keys.findIndex((key) => key.kid === kid);
    if (index < 0) throw new TypeError(`no IdP key with kid ${kid}`);
    const [removed] = this.#keys.splice(index, 1);
    if (removed && this.#current.get(removed.alg) === removed) {
      const next = this.#keys.filter((key) => key.alg === removed.alg).at(-1);
      if (next) this.#current.set(removed.alg, next);
      else this.#current.delete(removed.alg);
    }
  }

  /** The key that signs: by kid, else the current key for `alg` (default: the first configured algorithm). */
  signer(alg?: IdpAlgorithm, kid?: string): SigningKey {
    if (kid !== undefined) {
      const key = this.#keys.find((candidate) => candidate.kid === kid);
      if (!key) throw new TypeError(`no IdP key with kid ${kid}`);
      return key;
    }
    const key = this.#current.get(alg ?? this.#defaultAlg);
    if (!key)
      throw new TypeError(`the IdP has no ${alg ?? this.#defaultAlg} key; call idp.rotate("${alg}") first`);
    return key;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((key) => ({ ...key.publicJwk })) };
  }
}
