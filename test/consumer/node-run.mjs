// Runs INSIDE the Node/Deno consumer project (outside the repository): every import resolves from that project's
// node_modules, installed by plain npm from the packed tarballs. Prints one JSON line of what it observed.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsProvider } from "@fedkit/aws";
import { fromFederation } from "@fedkit/aws/sdk";
import { createFederation, staticToken } from "@fedkit/core";
import { startEmulator } from "@fedkit/emulator";

const BUCKET = "consumer-data";
const KEY = "private/report.csv";
const BODY = "consumer,ok\n1,2\n";

const emulator = await startEmulator({ aws: { buckets: [{ name: BUCKET, objects: { [KEY]: BODY } }] } });
const result = { node: {}, deno: {} };
try {
  const provider = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  const roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/consumer-reader`;
  emulator.aws.putRole({
    name: "consumer-reader",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { Federated: provider.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${provider.hostPath}:aud`]: "sts.amazonaws.com",
            [`${provider.hostPath}:sub`]: "app:consumer",
          },
        },
      },
    },
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/private/*` },
      },
    ],
  });
  const token = await emulator.idp.mint({ sub: "app:consumer", aud: "sts.amazonaws.com" });
  const strangerToken = await emulator.idp.mint({ sub: "app:stranger", aud: "sts.amazonaws.com" });
  const aws = awsProvider({
    roleArn,
    region: "us-east-1",
    endpoint: emulator.urls.sts,
    allowCustomEndpoint: true,
  });
  const s3For = (subjectToken) =>
    new S3Client({
      region: "us-east-1",
      endpoint: emulator.urls.s3,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: fromFederation(createFederation({ source: staticToken(subjectToken) }), aws),
    });

  // Node: the official S3 client with fedkit's credential provider.
  const object = await s3For(token).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  result.node.body = await object.Body.transformToString();
  result.node.expected = BODY;
  result.node.stranger = await s3For(strangerToken)
    .send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))
    .then(
      () => "read",
      (error) => error?.code ?? error?.name ?? String(error),
    );

  // Deno: the same packages' ESM from this project's node_modules (nodeModulesDir: manual), signed fetch.
  const denoDir = dirname(createRequire(import.meta.url).resolve("deno/package.json"));
  // Asynchronously: the emulator answering Deno lives in this process's event loop.
  const deno = await new Promise((resolve) =>
    execFile(
      join(denoDir, process.platform === "win32" ? "deno.exe" : "deno"),
      ["run", "--no-lock", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "deno-run.ts"],
      {
        cwd: dirname(new URL(import.meta.url).pathname),
        encoding: "utf8",
        env: {
          ...process.env,
          CONSUMER_TOKEN: token,
          CONSUMER_ROLE_ARN: roleArn,
          CONSUMER_STS: emulator.urls.sts,
          CONSUMER_OBJECT_URL: `${emulator.urls.s3}/${BUCKET}/${KEY}`,
        },
      },
      (error, stdout, stderr) => resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
  result.deno = { status: deno.status, stdout: deno.stdout.trim(), stderr: deno.stderr.slice(-2000) };
} finally {
  await emulator.stop();
}
console.log(JSON.stringify(result));
