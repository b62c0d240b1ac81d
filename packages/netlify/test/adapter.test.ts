/// <reference types="node" />
import { type Emulator, startEmulator } from "@fedkit/emulator";
import { awsCloud } from "@fedkit/netlify/aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FedkitConfig,
  generateIssuerKeys,
  memoryAuditFor,
  trustPolicyFor,
  userIdp,
  withFedkit,
} from "./adapter-support.js";
import { serveIssuer } from "./issuer-server.js";
import { BUCKET, SITE_ID } from "./support.js";

const ROLE = "netlify-user-files";

describe("withFedkit configuration errors", () => {
  const base = (env: Record<string, string>): FedkitConfig => ({
    siteId: SITE_ID,
    siteUrl: "https://reports.example.com",
    clouds: { aws: awsCloud },
    targets: { reports: { cloud: "aws", roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1" } },
    functions: { report: { reports: {} } },
    runtime: { env: (name) => env[name], audit: memoryAuditFor() },
  });
  const call = (config: FedkitConfig) =>
    withFedkit({ ...config, function: "report" }, () => new Response("unreachable"))(
      new Request("https://x/report"),
      {
        requestId: "req-1",
        deploy: { context: "production" },
      },
    );

  it("a wrapper without a function name throws at wrap time, naming the fix", () => {
    for (const name of [undefined, ""]) {
      expect(() =>
        withFedkit({ ...base({}), function: name as unknown as string }, () => new Response("unreachable")),
      ).toThrow('withFedkit: name the function: { ...config, function: "report" }');
    }
  });

  it("a per-user table bound that is not a positive integer is refused at the first request", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const statusWith = async (userSources: number) => {
      const config = base({ FEDKIT_ISSUER_KEYS: secret });
      const wrapped = withFedkit(
        { ...config, runtime: { ...config.runtime, limits: { userSources } }, function: "report" },
        () => new Response("handled"),
      );
      const response = await wrapped(new Request("https://x/report"), {
        requestId: "req-2",
        deploy: { context: "production" },
      });
      return [response.status, await response.text()];
    };
    expect(await statusWith(2)).toEqual([200, "handled"]);
    for (const userSources of [0, 1.5]) {
      expect(await statusWith(userSources)).toEqual([
        500,
        '{"error":{"code":"internal","requestId":"req-2"}}',
      ]);
    }
  });

  it("a missing key set is a config error response at the first request, not a crash", async () => {
    const response = await call(base({}));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "config", requestId: "req-1" } });
  });

  it("a key set without a context is a config error naming the missing field (never accepted in any context)", async () => {
    const production = await generateIssuerKeys({ context: "production" });
    const { context: _context, ...noContext } = production.document;
    const response = await call({
      ...base({ FEDKIT_ISSUER_KEYS: JSON.stringify(noContext) }),
      exposeErrorDetails: true,
    });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("config");
    expect(body.error.message).toMatch(/has no "context"/);
    expect(JSON.stringify(body)).not.toContain(production.document.keys[0]!["d"] as string);
  });

  it("a malformed key set, or one of another context, is a config error too", async () => {
    expect(
      (await call(base({ FEDKIT_ISSUER_KEYS: '{"v":1,"context":"production","keys":[{"kid":"a"}]}' })))
        .status,
    ).toBe(500);
    const preview = await generateIssuerKeys({ context: "deploy-preview" });
    const response = await call({
      ...base({ FEDKIT_ISSUER_KEYS: preview.secret }),
      exposeErrorDetails: true,
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("config");
    expect(body.error.message).toMatch(/deploy-preview/);
    expect(JSON.stringify(body)).not.toContain(JSON.parse(preview.secret).keys[0].d);
  });

  it("a target whose cloud plugin is not in `clouds` is a config error response naming the import", async () => {
    const keys = await generateIssuerKeys({ context: "production" });
    const { clouds: _clouds, ...unplugged } = base({ FEDKIT_ISSUER_KEYS: keys.secret });
    const response = await withFedkit(
      { ...unplugged, exposeErrorDetails: true, function: "report" },
      (_request, fedkit) => fedkit.client("reports") as never,
    )(new Request("https://x/report"), { requestId: "req-2", deploy: { context: "production" } });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; hint: string; requestId: string } };
    expect(body.error).toMatchObject({ code: "config", requestId: "req-2" });
    expect(body.error.hint).toContain('import { awsCloud } from "@fedkit/netlify/aws";');
  });
});

describe("per-user federation against the emulator", () => {
  let emulator: Emulator;
  let site: Awaited<ReturnType<typeof serveIssuer>>;
  let files: (request: Request) => Promise<Response>;
  const audit = memoryAuditFor();

  beforeAll(async () => {
    emulator = await startEmulator({
      // The target below signs for eu-west-1, so the bucket lives there (S3 refuses another region).
      aws: { buckets: [{ name: BUCKET, region: "eu-west-1", objects: {} }] },
      idp: { users: [{ sub: "alice" }, { sub: "bob" }] },
    });
    const keys = await generateIssuerKeys({ context: "production" });
    const env: Record<string, string> = { FEDKIT_ISSUER_KEYS: keys.secret };
    site = await serveIssuer((url) => ({
      siteId: SITE_ID,
      siteUrl: url,
      clouds: { aws: awsCloud },
      targets: {
        files: {
          cloud: "aws",
          roleArn: `arn:aws:iam::${emulator.aws.accountId}:role/${ROLE}`,
          region: "eu-west-1",
          endpoint: emulator.urls.sts,
          allowCustomEndpoint: true,
          // The emulator's S3 is on loopback, off AWS's hosts: signed requests go there only when opted in.
          allowedOrigins: [new URL(emulator.urls.s3).origin],
        },
      },
      functions: { files: { files: { identity: "user", maxDurationSeconds: 900 } } },
      users: userIdp({
        issuer: emulator.urls.idp,
        audience: "site-api",
        jwksUri: `${emulator.urls.idp}/jwks`,
      }),
      runtime: { env: (name) => env[name], audit },
    }));
    emulator.aws.createOpenIdConnectProvider({
      url: `${site.url}/oidc/production`,
      clientIds: ["sts.amazonaws.com"],
    });
    emulator.aws.putRole({
      name: ROLE,
      trustPolicy: trustPolicyFor(site.config, "files") as never,
      permissionPolicies: [
        {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "s3:GetObject",
              Resource: `arn:aws:s3:::${BUCKET}/users/\${aws:PrincipalTag/user}/*`,
            },
          ],
        } as never,
      ],
    });
    const handler = withFedkit({ ...site.config, function: "files" }, async (request, fedkit) => {
      const user = await fedkit.asUser(request);
      const owner = new URL(request.url).searchParams.get("owner") ?? user.userHash;
      const s3 = user.client<(url: string) => Promise<Response>>("files");
      const object = await s3(`${emulator.urls.s3}/${BUCKET}/users/${owner}/notes.txt`);
      const creds = await user.credentials("files");
      return Response.json({
        status: object.status,
        body: await object.text(),
        user: user.userHash,
        key: (creds as unknown as { accessKeyId: string }).accessKeyId,
        // The user's handle is the request's (same ids), told apart by the field only it has.
        handles: [
          "userHash" in fedkit,
          "userHash" in user,
          user.requestId === fedkit.requestId,
          user.functionName,
        ],
      });
    });
    files = (request) =>
      handler(request, { requestId: crypto.randomUUID(), deploy: { context: "production" } });
  }, 30_000);

  afterAll(async () => {
    await site?.stop();
    await emulator?.stop();
  });

  const asUser = async (token: string, owner?: string) => {
    const response = await files(
      new Request(`https://site/files${owner ? `?owner=${owner}` : ""}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & { error?: { code: string } },
    };
  };

  it("user A reads A's prefix with A's own credentials, never B's", async () => {
    const alice = await emulator.idp.mint({ sub: "alice", aud: "site-api" });
    const bob = await emulator.idp.mint({ sub: "bob", aud: "site-api" });
    const a = await asUser(alice);
    const b = await asUser(bob);
    emulator.aws.putObject(BUCKET, `users/${a.body["user"]}/notes.txt`, "alice's notes");
    const aRead = await asUser(alice);
    expect(aRead.body).toMatchObject({ status: 200, body: "alice's notes" });
    expect(aRead.body["handles"]).toEqual([false, true, true, "files"]);
    expect(a.body["user"]).not.toBe(b.body["user"]);
    expect(a.body["key"]).not.toBe(b.body["key"]);
    const aIntoB = await asUser(alice, String(b.body["user"]));
    expect(aIntoB.body["status"]).toBe(403);
    const sessions = [...emulator.state.aws.sessions.values()];
    expect(sessions.find((s) => s.accessKeyId === a.body["key"])?.tags["user"]).toBe(a.body["user"]);
    // The user's own token never reached STS: every session was created from a site-issuer token.
    expect(sessions.every((s) => s.webIdentity?.iss === `${site.url}/oidc/production`)).toBe(true);
  });

  it("refuses forged, expired and tampered user tokens before any exchange", async () => {
    const before = emulator.state.aws.sessions.size;
    const forgedKeys = await generateIssuerKeys({ context: "production" });
    const header = { alg: "RS256", kid: "kid-of-bob", typ: "JWT" };
    const claims = {
      iss: emulator.urls.idp,
      sub: "bob",
      aud: "site-api",
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const key = await crypto.subtle.importKey(
      "jwk",
      forgedKeys.document.keys[0] as JsonWebKey,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const input = `${enc(header)}.${enc(claims)}`;
    const sig = Buffer.from(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(input)),
    ).toString("base64url");
    expect((await asUser(`${input}.${sig}`)).body.error?.code).toBe("invalid_subject_token");

    const expired = await emulator.idp.mint({ sub: "alice", aud: "site-api", ttlSeconds: -120 });
    const e = await asUser(expired);
    expect(e.status).toBe(401);
    expect(e.body.error?.code).toBe("expired_subject_token");

    const good = await emulator.idp.mint({ sub: "alice", aud: "site-api" });
    const [h, p, s] = good.split(".");
    const tampered = `${h}.${enc({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), sub: "bob" })}.${s}`;
    expect((await asUser(tampered)).body.error?.code).toBe("invalid_subject_token");
    const wrongAudience = await emulator.idp.mint({ sub: "alice", aud: "sts.amazonaws.com" });
    expect((await asUser(wrongAudience)).status).toBe(403);
    expect(emulator.state.aws.sessions.size).toBe(before);
  });
});
