import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FederationError } from "@fedkit/core";
import { afterAll, describe, expect, it } from "vitest";
import { fromWebIdentityEnv } from "../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "fedkit-aws-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("fromWebIdentityEnv (@fedkit/aws/node)", () => {
  it("builds the provider from AWS_ROLE_ARN/AWS_ROLE_SESSION_NAME/AWS_REGION and reads AWS_WEB_IDENTITY_TOKEN_FILE", async () => {
    const file = join(dir, "token.jwt");
    const raw = `${b64({ alg: "RS256" })}.${b64({ sub: "system:serviceaccount:ns:app", aud: "sts.amazonaws.com" })}.c2ln`;
    writeFileSync(file, `${raw}\n`);
    const { provider, source } = fromWebIdentityEnv({
      env: {
        AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/irsa",
        AWS_ROLE_SESSION_NAME: "pod-session",
        AWS_REGION: "eu-north-1",
        AWS_WEB_IDENTITY_TOKEN_FILE: file,
      },
    });
    expect(provider.role.arn).toBe("arn:aws:iam::123456789012:role/irsa");
    expect(provider.sts.endpoint).toBe("https://sts.eu-north-1.amazonaws.com");
    expect(provider.key).toContain("pod-session");
    const token = await source.getToken({ audience: provider.audience, now: Date.now });
    expect(token.raw).toBe(raw);
    expect(token.claims.sub).toBe("system:serviceaccount:ns:app");
  });

  it("names the missing variable", () => {
    expect(() =>
      fromWebIdentityEnv({
        env: { AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/r", AWS_REGION: "eu-west-1" },
      }),
    ).toThrow(/AWS_WEB_IDENTITY_TOKEN_FILE/);
    try {
      fromWebIdentityEnv({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/x" } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FederationError);
      expect((err as FederationError).message).toMatch(/AWS_ROLE_ARN/);
    }
  });
});
