// Literal S3 keys end to end: the emulator's S3 verifies SigV4 over the raw path and looks the object up by key,
// so a key that s3ObjectUrl encodes differently from S3 (or that awsFetch signs differently from what it sends)
// fails here. Keys with dot segments are refused by s3ObjectUrl and covered in s3-object.test.ts.
import { callbackToken, createFederation } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, startEmulator } from "@fedkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsFetch } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { s3ObjectUrl } from "../src/s3-object.js";

const OBJECTS: Record<string, string> = {
  "plain.txt": "plain",
  "a b+c.csv": "space and plus",
  "ümlaut/日本語.txt": "unicode",
  "!'()*$&=;:@,": "sub-delims",
  "~tilde_-.": "unreserved",
  "q?uery#frag": "query and fragment characters",
  "dir//double": "double slash",
};

let emulator: Emulator;
let roleArn: string;

beforeAll(async () => {
  emulator = await startEmulator({ aws: { buckets: [{ name: "literal", objects: OBJECTS }] } });
  const oidc = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  roleArn = emulator.aws.putRole({
    name: "keys-reader",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { Federated: oidc.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${oidc.hostPath}:aud`]: "sts.amazonaws.com" } },
      },
    },
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::literal/*" },
      },
    ],
  }).arn;
});
afterAll(async () => {
  await emulator?.stop();
});

describe("s3ObjectUrl + awsFetch against the emulator's S3", () => {
  for (const [key, body] of Object.entries(OBJECTS)) {
    it(`reads the object named ${JSON.stringify(key)}`, async () => {
      const federation = createFederation({
        audit: memoryAudit(),
        source: callbackToken(async ({ audience }) => emulator.idp.mint({ sub: "site", aud: audience })),
      });
      const aws = awsProvider({
        roleArn,
        region: "us-east-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
        env: {},
      });
      const origin = new URL(emulator.urls.s3).origin;
      const s3 = awsFetch(federation, aws, { service: "s3", region: "us-east-1", allowedOrigins: [origin] });
      const res = await s3(
        s3ObjectUrl({ bucket: "literal", key, region: "us-east-1", endpoint: emulator.urls.s3 }),
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(body);
    });
  }
});
