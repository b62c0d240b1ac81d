// awsWebIdentityToken signs its GetWebIdentityToken POST with the workload's own credentials. An STS (or whatever
// an opted-in endpoint really is) that echoes the request's session token and signature in its error must not get
// them into the error fedkit throws, as AssumeRole's and AssumeRoleWithWebIdentity's errors already cannot.
import { FederationError } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { awsWebIdentityToken } from "../src/web-identity-token.js";
import { type FakeServer, startServer, stsError } from "./helpers.js";

const CREDS = {
  accessKeyId: "ASIAWORKLOAD0000002",
  secretAccessKey: "workload/secret+key",
  // Short and plain: no token shape the pattern scrubbing knows, so only exact redaction can catch it.
  sessionToken: "workload-session-token-echoed",
};

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("awsWebIdentityToken: an error echoing what was sent", () => {
  for (const status of [400, 403, 503, 200]) {
    it(`HTTP ${status}: the session token and the signature are cut from the error and its cause chain`, async () => {
      let signature = "";
      server = await startServer((request) => {
        signature = /Signature=(\w+)/.exec(request.headers.authorization ?? "")?.[1] ?? "";
        const echoed = `token ${request.headers["x-amz-security-token"]} signature ${signature}`;
        return {
          status,
          // A 200 without a token is unreadable: its text is shown (cut) in the error too.
          body:
            status === 200 ? `<Unexpected>${echoed}</Unexpected>` : stsError("InvalidClientTokenId", echoed),
          headers: { "x-amzn-requestid": String(request.headers["x-amz-security-token"]) },
        };
      });
      const source = awsWebIdentityToken({
        region: "eu-west-1",
        credentials: () => CREDS,
        endpoint: server.origin,
        allowCustomEndpoint: true,
        retry: { maxAttempts: 1 },
      });
      const error = await source.getToken({ audience: "gcp", now: Date.now }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationError);
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      const shown: string[] = [];
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        shown.push(e.message, e.stack ?? "");
        if (e instanceof FederationError) shown.push(JSON.stringify(e.toJSON()));
      }
      for (const secret of [CREDS.sessionToken, signature, CREDS.secretAccessKey]) {
        expect(shown.join("\n")).not.toContain(secret);
      }
    });
  }
});
