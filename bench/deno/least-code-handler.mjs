// What Deno itself charges for a first request's work, with no library at all: only the platform calls that any
// implementation of the AWS sample must make once per fresh isolate, each done the cheapest way the platform
// offers. One RSA private key imported from the site's key document, one RS256 signature over a token of the
// sample's size, the AssumeRoleWithWebIdentity POST and its answer read as text, the SigV4 key derivation and
// signature (five HMACs, one SHA-256 of a canonical request of real size, all WebCrypto), and the S3 GET with the
// signed request's four headers. Nothing is parsed or checked beyond what the next call needs. The first-request
// row of the sample minus this one's is what fedkit's own code costs; this one's is the floor under that row.
const env = (name) => Netlify.env.get(name);
const utf8 = new TextEncoder();
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/=+$/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
const DATE = "20261207T000000Z";
const DAY = DATE.slice(0, 8);
const REGION = "eu-west-1";

async function hmac(key, text) {
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", hmacKey, utf8.encode(text));
}

export default async () => {
  const jwk = JSON.parse(env("FEDKIT_ISSUER_KEYS")).keys.find((entry) => entry.d !== undefined);
  const privateKey = await crypto.subtle.importKey(
    "jwk",
    { kty: jwk.kty, n: jwk.n, e: jwk.e, d: jwk.d, p: jwk.p, q: jwk.q, dp: jwk.dp, dq: jwk.dq, qi: jwk.qi },
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["sign"],
  );
  // A header and claims of the sizes the site issuer mints (its claims name the site, context and function).
  const header = base64url(utf8.encode(JSON.stringify({ alg: "RS256", kid: jwk.kid, typ: "JWT" })));
  const claims = base64url(
    utf8.encode(
      JSON.stringify({
        iss: env("SITE_URL"),
        sub: `site:${env("FEDKIT_SITE_ID")}:context:production:function:report`,
        aud: "sts.amazonaws.com",
        iat: 1_796_601_600,
        nbf: 1_796_601_600,
        exp: 1_796_601_900,
        jti: "3b0f6c9e-4c1f-4d7e-9a51-0f7a2f1e9c11",
        site_id: env("FEDKIT_SITE_ID"),
        deploy_context: "production",
        function: "report",
      }),
    ),
  );
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    privateKey,
    utf8.encode(`${header}.${claims}`),
  );
  const answer = await fetch(env("FEDKIT_AWS_STS_ENDPOINT"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=report&WebIdentityToken=${header}.${claims}.${base64url(signature)}`,
  });
  const xml = await answer.text();
  const secret = xml.slice(xml.indexOf("<SecretAccessKey>") + 17, xml.indexOf("</SecretAccessKey>"));
  const token = env("SESSION_TOKEN");
  const url = `${env("REPORTS_BUCKET_URL")}/reports/latest.csv`;
  const canonical = `GET\n${new URL(url).pathname}\n\nhost:${new URL(url).host}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:${DATE}\nx-amz-security-token:${token}\n\nhost;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD`;
  const hash = await crypto.subtle.digest("SHA-256", utf8.encode(canonical));
  const scope = `${DAY}/${REGION}/s3/aws4_request`;
  let key = await hmac(utf8.encode(`AWS4${secret}`), DAY);
  key = await hmac(key, REGION);
  key = await hmac(key, "s3");
  key = await hmac(key, "aws4_request");
  const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  const signed = hex(await hmac(key, `AWS4-HMAC-SHA256\n${DATE}\n${scope}\n${hex(hash)}`));
  const object = await fetch(url, {
    headers: {
      "x-amz-date": DATE,
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "x-amz-security-token": token,
      authorization: `AWS4-HMAC-SHA256 Credential=ASIABENCH0000001/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=${signed}`,
    },
  });
  return new Response(object.body, {
    headers: {
      "content-type": object.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
    },
  });
};
