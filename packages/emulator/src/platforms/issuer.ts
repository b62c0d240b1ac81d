import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import {
  type FlyMachine,
  type GithubActionsJob,
  githubActionsShape,
  gitlabCiShape,
  type PlatformInputs,
  type PlatformName,
  type Shape,
} from "./shapes.js";
import {
  awsShape,
  cloudflareWorkersShape,
  denoDeployShape,
  flyShape,
  kubernetesShape,
  vercelShape,
} from "./shapes-runtime.js";

/** Algorithms the platform issuers sign with. @public */
export type PlatformAlgorithm = "RS256" | "ES256" | "ES384";

/** Options of {@link PlatformIssuers.mint}. @public */
export interface PlatformMintOptions {
  /** `aud`; default the platform's documented default (GitHub: the owner URL, Vercel: the team URL, …). */
  audience?: string | string[];
  /** Lifetime; default the platform's documented one. */
  ttlSeconds?: number;
  /** One of the platform's documented algorithms; default its default (Cloudflare and Deno: ES256). */
  alg?: PlatformAlgorithm;
  /** Extra or overriding claims (so `{ exp: past }` makes an expired token). */
  claims?: Record<string, unknown>;
}

const SHAPES: { [P in PlatformName]: (input: PlatformInputs[P]) => Shape } = {
  "github-actions": githubActionsShape,
  "gitlab-ci": gitlabCiShape,
  vercel: vercelShape,
  "deno-deploy": denoDeployShape,
  "cloudflare-workers": cloudflareWorkersShape,
  "fly-io": flyShape,
  kubernetes: kubernetesShape,
  aws: awsShape,
};

/** Documented algorithms per platform, default first. */
const ALGORITHMS: Record<PlatformName, readonly PlatformAlgorithm[]> = {
  "github-actions": ["RS256"],
  "gitlab-ci": ["RS256"],
  vercel: ["RS256"],
  // Deno's page says both RS256 and ES256 ("currently ES256"); Cloudflare defaults to ES256 with an RS256 option.
  "deno-deploy": ["ES256", "RS256"],
  "cloudflare-workers": ["ES256", "RS256"],
  "fly-io": ["RS256"],
  kubernetes: ["RS256"],
  aws: ["RS256", "ES384"],
};

/** Where each issuer publishes its keys (documented paths; others use `/.well-known/jwks`). */
const JWKS_PATHS: Partial<Record<PlatformName, string>> = {
  "deno-deploy": "/.well-known/jwks.json",
  kubernetes: "/openid/v1/jwks",
};

interface PlatformKey {
  platform: PlatformName;
  alg: PlatformAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Issuers shaped like each platform's: per platform its own keys, discovery and JWKS under
 * `<urls.platforms>/<platform>[/<team|org|account>]`, tokens with the documented claims, `sub` grammar, algorithm
 * and lifetime; plus GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL` server and Fly's Machine token API.
 *
 * @example
 * ```ts
 * const platforms = platformsOf(emulator);
 * const token = await platforms.mint(
 *   "github-actions",
 *   { owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789", immutable: true },
 *   { audience: "sts.amazonaws.com" },
 * ); // sub: repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main
 * ```
 * @public
 */
export class PlatformIssuers {
  readonly #base: string;
  readonly #now: () => number;
  readonly #keys: PlatformKey[] = [];
  readonly #workloads = new Map<
    string,
    { platform: "github-actions" | "fly-io"; input: GithubActionsJob | FlyMachine }
  >();

  /** @internal */
  constructor(base: string, now: () => number) {
    this.#base = base;
    this.#now = now;
  }

  /** Generates every platform's keys (one per documented algorithm). @internal */
  async init(): Promise<void> {
    for (const [platform, algs] of Object.entries(ALGORITHMS) as Array<[PlatformName, PlatformAlgorithm[]]>) {
      for (const alg of algs) {
        const { privateKey, publicKey } = await generateKeyPair(alg);
        const kid = `${platform}-${alg.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`;
        this.#keys.push({
          platform,
          alg,
          kid,
          privateKey,
          publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" },
        });
      }
    }
  }

  /** The issuer URL (`iss`) of a platform, per team/org/account where the platform scopes it. */
  issuer(platform: PlatformName, scope?: string): string {
    return `${this.#base}/${platform}${scope ? `/${encodeURIComponent(scope)}` : ""}`;
  }

  /** The published keys of a platform. */
  jwks(platform: PlatformName): { keys: JWK[] } {
    return {
      keys: this.#keys.filter((key) => key.platform === platform).map((key) => ({ ...key.publicJwk })),
    };
  }

  /** Signs a token shaped like the platform's. */
  async mint<P extends PlatformName>(
    platform: P,
    input: PlatformInputs[P],
    options: PlatformMintOptions = {},
  ): Promise<string> {
    const shape = (SHAPES[platform] as (input: PlatformInputs[P]) => Shape)(input);
    const alg = options.alg ?? ALGORITHMS[platform][0]!;
    const key = this.#keys.find((candidate) => candidate.platform === platform && candidate.alg === alg);
    if (!key)
      throw new TypeError(
        `${platform} does not sign with ${alg}; use one of ${ALGORITHMS[platform].join(", ")}`,
      );
    const iat = Math.floor(this.#now() / 1000);
    const aud = options.audience ?? shape.defaultAudience;
    if (aud === undefined) throw new TypeError(`${platform} tokens need an audience: pass options.audience`);
    const payload = {
      jti: crypto.randomUUID(),
      ...shape.claims,
      aud,
      iss: this.issuer(platform, shape.issuerScope),
      ...(shape.nbfOffset !== undefined ? { nbf: iat + shape.nbfOffset } : {}),
      iat,
      exp: iat + (options.ttlSeconds ?? shape.ttlSeconds),
      ...options.claims,
    };
    const header = platform === "github-actions" ? { typ: "JWT", x5t: key.kid } : { typ: "JWT" };
    return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, ...header }).sign(key.privateKey);
  }

  /**
   * A GitHub Actions job's runner environment: `@actions/core`'s `getIDToken(audience)` GETs
   * `${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=…` with `Authorization: Bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}` and
   * reads `{ value }`.
   */
  githubActionsJob(job: GithubActionsJob): {
    ACTIONS_ID_TOKEN_REQUEST_URL: string;
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
  } {
    const requestToken = `emu-actions-${crypto.randomUUID()}`;
    this.#workloads.set(requestToken, { platform: "github-actions", input: job });
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.#base}/github-actions/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    };
  }

  /** A Fly Machine's local API (`/.fly/api` in a real Machine): POST `${apiUrl}/v1/tokens/oidc` `{ aud }` → raw JWT. */
  flyMachine(machine: FlyMachine): { apiUrl: string } {
    const handle = crypto.randomUUID();
    this.#workloads.set(handle, { platform: "fly-io", input: machine });
    return { apiUrl: `${this.#base}/fly-io/_machines/${handle}` };
  }

  /** The HTTP side: discovery, JWKS, the GitHub token request endpoint, Fly's Machine API. @internal */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/github-actions/_apis/token" && request.method === "GET")
      return this.#githubRequest(request, url);
    const fly = /^\/fly-io\/_machines\/([^/]+)\/v1\/tokens\/oidc$/.exec(path);
    if (fly && request.method === "POST") return this.#flyRequest(request, fly[1] ?? "");
    const match =
      /^\/([a-z-]+)((?:\/[^/]+)?)(\/\.well-known\/openid-configuration|\/\.well-known\/jwks(?:\.json)?|\/openid\/v1\/jwks)$/.exec(
        path,
      );
    const platform = match?.[1] as PlatformName | undefined;
    if (!match || !platform || !(platform in ALGORITHMS) || request.method !== "GET")
      return json({ message: "Not Found" }, 404);
    const jwksPath = JWKS_PATHS[platform] ?? "/.well-known/jwks";
    const issuer = `${this.#base}/${platform}${match[2]}`;
    if (match[3] === jwksPath) return json(this.jwks(platform), 200);
    if (match[3] !== "/.well-known/openid-configuration") return json({ message: "Not Found" }, 404);
    return json(
      {
        issuer,
        jwks_uri: `${issuer}${jwksPath}`,
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ALGORITHMS[platform],
        claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
      },
      200,
    );
  }

  async #githubRequest(request: Request, url: URL): Promise<Response> {
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    const workload = this.#workloads.get(bearer);
    if (workload?.platform !== "github-actions") return json({ message: "Unauthorized" }, 401);
    const audience = url.searchParams.get("audience") ?? undefined;
    const value = await this.mint(
      "github-actions",
      workload.input as GithubActionsJob,
      audience ? { audience } : {},
    );
    return json({ value }, 200);
  }

  async #flyRequest(request: Request, handle: string): Promise<Response> {
    const workload = this.#workloads.get(handle);
    if (workload?.platform !== "fly-io") return new Response("not found", { status: 404 });
    let aud: unknown;
    try {
      aud = ((await request.json()) as { aud?: unknown }).aud;
    } catch {
      aud = undefined;
    }
    const options = typeof aud === "string" && aud !== "" ? { audience: aud } : {};
    const token = await this.mint("fly-io", workload.input as FlyMachine, options);
    return new Response(token, { status: 200, headers: { "content-type": "text/plain" } });
  }
}

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
