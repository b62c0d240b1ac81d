// Valid answers of the clouds' token endpoints, and fast-check arbitraries that damage them (the fuzz suite and
// the fault proxy share them).
import fc from "fast-check";

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** One valid answer per endpoint, fresh on each call (the expiry moves with the clock). */
export const answers = {
  aws: () =>
    `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAFUZZ00000001</AccessKeyId><SecretAccessKey>fuzz-secret</SecretAccessKey><SessionToken>fuzz-session</SessionToken><Expiration>${inAnHour()}</Expiration></Credentials><SubjectFromWebIdentityToken>fuzz</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
  google: () =>
    JSON.stringify({
      access_token: "ya29.fuzz-federated-token",
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
      token_type: "Bearer",
      expires_in: 3599,
    }),
  entra: () =>
    JSON.stringify({
      token_type: "Bearer",
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: "eyJ0.fuzz.tok",
    }),
  entraError: () =>
    JSON.stringify({
      error: "invalid_client",
      error_description: "AADSTS700213: No matching federated identity record found.",
      error_codes: [700213],
      trace_id: "0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10",
      correlation_id: "6f1c2a3b-8a41-4b4e-9a6e-2f1c7d3b9e10",
    }),
};

/** `valid` itself, truncated, with a splice of random text, repeated past any size cap, or arbitrary text. */
export function mutated(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(valid),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
    fc
      .tuple(fc.nat(valid.length), fc.nat(40), fc.string({ maxLength: 40 }))
      .map(([at, cut, text]) => valid.slice(0, at) + text + valid.slice(at + cut)),
    fc.integer({ min: 2, max: 400 }).map((n) => valid.repeat(n)),
    fc.string({ maxLength: 400 }),
    fc.json().map((json) => json),
  );
}
