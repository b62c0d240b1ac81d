// Attacker test: a per-user grant (`identity: "user"`) on a target that has its own `source`. That source's token
// is the same whoever the user is, so before this was refused user B was served the credentials cached for user
// A. Now the config is refused (`config`) before any exchange, and B never sees A's credentials.
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { createTestSigner } from "@fedkit/core/testing";
import { type FedkitConfig, generateIssuerKeys, userIdp, withFedkit } from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { describe, expect, it } from "vitest";
import { SITE_ID } from "./support.js";

const ROLE = "arn:aws:iam::123456789012:role/user-files";

async function site(withSource: boolean, runtime: Partial<NonNullable<FedkitConfig["runtime"]>> = {}) {
  const idp = await createTestSigner("https://idp.example.com");
  const keys = await generateIssuerKeys({ context: "production" });
  const env: Record<string, string> = { FEDKIT_ISSUER_KEYS: keys.secret };
  let exchanges = 0;
  // The site's IdP JWKS and STS: each exchange gets fresh keys, so whose credentials a caller got is visible.
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === "https://idp.example.com/jwks") return Response.json(idp.jwks);
    exchanges++;
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    return new Response(
      `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXCHANGE${String(exchanges).padStart(8, "0")}</AccessKeyId><SecretAccessKey>secret-${exchanges}</SecretAccessKey><SessionToken>session-${exchanges}</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-${exchanges}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      { status: 200, headers: { "content-type": "text/xml" } },
    );
  };
  const workload = await idp.sign({ sub: "workload", aud: "sts.amazonaws.com" });
  const config: FedkitConfig = {
    siteId: SITE_ID,
    siteUrl: "https://files.example.com",
    clouds: { aws: awsCloud },
    targets: {
      files: {
        cloud: "aws",
        roleArn: ROLE,
        region: "eu-west-1",
        ...(withSource ? { source: staticToken(workload) } : {}),
      },
    },
    functions: { files: { files: { identity: "user" } } },
    users: userIdp({ issuer: idp.issuer, audience: "site-api", jwksUri: "https://idp.example.com/jwks" }),
    exposeErrorDetails: true,
    runtime: { env: (name) => env[name], fetch, audit: createFederation().audit, ...runtime },
  };
  const handler = withFedkit({ ...config, function: "files" }, async (request, fedkit) => {
    const user = await fedkit.asUser(request);
    const creds = (await user.credentials("files")) as unknown as { accessKeyId: string };
    return Response.json({ user: user.userHash, key: creds.accessKeyId });
  });
  const as = async (sub: string) => {
    const token = await idp.sign({ sub, aud: "site-api" });
    const response = await handler(
      new Request("https://files.example.com/files", { headers: { authorization: `Bearer ${token}` } }),
      { requestId: crypto.randomUUID(), deploy: { context: "production" } },
    );
    return (await response.json()) as {
      key?: string;
      user?: string;
      error?: { code: string; message: string; hint: string };
    };
  };
  return { as, exchanges: () => exchanges };
}

describe('identity: "user" on a target with its own source', () => {
  it("user A then user B: B never receives A's credentials; the config is refused naming the conflict", async () => {
    const { as, exchanges } = await site(true);
    const a = await as("alice");
    const b = await as("bob");
    expect(b.key === undefined || b.key !== a.key).toBe(true);
    for (const answer of [a, b]) {
      expect(answer.error?.code).toBe("config");
      expect(answer.error?.message).toContain('functions["files"]["files"] asks for identity "user"');
      expect(answer.error?.message).toContain('targets["files"] has its own `source`');
      expect(answer.error?.hint).toMatch(/Remove `source` from targets\["files"\]/);
    }
    expect(exchanges()).toBe(0);
  });

  it("without a source, each user gets credentials of their own (the site issuer mints per user)", async () => {
    const { as } = await site(false);
    const a = await as("alice");
    const b = await as("bob");
    expect(a.error).toBeUndefined();
    expect(a.user).not.toBe(b.user);
    expect(a.key).not.toBe(b.key);
    expect((await as("alice")).key).toBe(a.key);
  });
});

describe("runtime.limits.userSources: the per-user table's bound", () => {
  it("within the bound each user's repeat is served from cache; past it the oldest user's token is minted again (the credential cache still answers), audited", async () => {
    const audit = memoryAudit();
    const { as, exchanges } = await site(false, { audit, limits: { userSources: 2 } });
    for (const sub of ["alice", "bob", "alice", "bob"]) expect((await as(sub)).key).toMatch(/^ASIAEXCHANGE/);
    expect(exchanges()).toBe(2);
    await as("carol"); // evicts alice's source
    const again = await as("alice");
    // A new source mints a new token for alice; its claims (not its jti) key the cache: no new exchange.
    expect(again.key).toMatch(/^ASIAEXCHANGE/);
    expect(exchanges()).toBe(3);
    const evictions = audit.events.filter((e) => e.type === "cache_eviction");
    expect(evictions).toHaveLength(1);
    expect(evictions[0]?.labels).toMatchObject({ table: "user-sources", max: "2", evicted: "1" });
    expect(JSON.stringify(evictions)).not.toMatch(/alice|carol/);
  });

  it("refuses a bound that is not a positive integer", async () => {
    const { as } = await site(false, { limits: { userSources: 0 } });
    expect((await as("alice")).key).toBeUndefined();
  });
});
