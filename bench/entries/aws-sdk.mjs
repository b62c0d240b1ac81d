// Bundle-size entry: the same job as aws-fedkit.mjs with AWS SDK v3 (fromWebToken + S3Client GetObject).
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromWebToken } from "@aws-sdk/credential-providers";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const s3 = new S3Client({
    region: "eu-west-1",
    credentials: fromWebToken({
      roleArn: "arn:aws:iam::123456789012:role/reader",
      webIdentityToken: token,
      clientConfig: { region: "eu-west-1" },
    }),
  });
  const out = await s3.send(new GetObjectCommand({ Bucket: "private", Key: "report.csv" }));
  return new Response(out.Body.transformToWebStream());
}
