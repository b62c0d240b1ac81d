// The AWS sample's job done the smallest way a library allows, on the two libraries this repo learns from (jose
// mints, aws4fetch signs), the way a careful developer would write it by hand for one edge function:
// one RS256 key imported per isolate, a token minted per exchange, AssumeRoleWithWebIdentity as a plain form POST,
// the four credential fields read with regular expressions, one AwsClient (and its signing-key cache) per
// credential set, one exchange in flight at a time. It has none of fedkit's checks (no official-host allowlist, no
// redirect refusal, no key-set validation, no deploy-context binding, no retries, no deadline, no audit, no
// per-subject cache keys): what it costs is the work plus the two libraries (the import, the key import, the RS256
// signature, the STS POST, the SigV4 signature and the S3 GET). bench/deno.bench.mjs bundles it with esbuild
// (minified, like the sample) and measures it beside the sample in the same runs.
import { AwsClient } from "aws4fetch";
import { importJWK, SignJWT } from "jose";

const env = (name) => Netlify.env.get(name);
const REGION = "eu-west-1";
let signingKey;
let current;
let pending;

/** The current private key of the site's key document (`FEDKIT_ISSUER_KEYS`): the one entry that has `d`. */
function key() {
  signingKey ??= (async () => {
    const jwk = JSON.parse(env("FEDKIT_ISSUER_KEYS")).keys.find((entry) => entry.d !== undefined);
    return { kid: jwk.kid, key: await importJWK(jwk, "RS256") };
  })();
  return signingKey;
}

async function exchange() {
  const { kid, key: privateKey } = await key();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(env("SITE_URL"))
    .setSubject(`site:${env("FEDKIT_SITE_ID")}:context:production:function:report`)
    .setAudience("sts.amazonaws.com")
    .setIssuedAt()
    .setExpirationTime("5m")
    .setJti(crypto.randomUUID())
    .sign(privateKey);
  const answer = await fetch(env("FEDKIT_AWS_STS_ENDPOINT"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: env("REPORTS_ROLE_ARN"),
      RoleSessionName: "report",
      WebIdentityToken: token,
      DurationSeconds: "3600",
    }),
  });
  const xml = await answer.text();
  if (!answer.ok) throw new Error(`STS answered ${answer.status}`);
  const field = (name) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
  return {
    expires: Date.parse(field("Expiration")),
    aws: new AwsClient({
      accessKeyId: field("AccessKeyId"),
      secretAccessKey: field("SecretAccessKey"),
      sessionToken: field("SessionToken"),
      service: "s3",
      region: REGION,
    }),
  };
}

/** The credentials of this isolate, exchanged again five minutes before they expire; one exchange at a time. */
async function client() {
  if (current !== undefined && current.expires - Date.now() > 300_000) return current.aws;
  pending ??= exchange()
    .then((fresh) => {
      current = fresh;
      return fresh;
    })
    .finally(() => {
      pending = undefined;
    });
  return (await pending).aws;
}

export default async (request) => {
  const objectKey = new URL(request.url).searchParams.get("key") ?? "reports/latest.csv";
  const object = await (await client()).fetch(`${env("REPORTS_BUCKET_URL")}/${objectKey}`);
  return new Response(object.body, {
    headers: {
      "content-type": object.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
    },
  });
};
