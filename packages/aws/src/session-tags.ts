import { FederationError } from "@fedkit/core";

/** The claim AWS reads session tags from in an OIDC token. @public */
export const AWS_TAGS_CLAIM = "https://aws.amazon.com/tags";

// AWS session-tag values: letters, digits, spaces and _.:/=+-@; wildcards and policy variables cannot appear.
const TAG_KEY = /^[\p{L}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * The session-tag claim for a token an issuer mints for AWS (`AssumeRoleWithWebIdentity` turns it into session
 * tags), as extra claims for the issuer's mint hook. Keys and values AWS would refuse are refused here, with a
 * `config` error, before a token is signed.
 *
 * @example
 * ```ts
 * await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report",
 *   claims: awsSessionTagsClaim({ site: "5b0c2a71", context: "production" }) });
 * ```
 * @public
 */
export function awsSessionTagsClaim(
  tags: Readonly<Record<string, string>>,
  transitiveTagKeys?: readonly string[],
): { [AWS_TAGS_CLAIM]: { principal_tags: Record<string, string[]>; transitive_tag_keys?: string[] } } {
  const principalTags: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(value) || key.toLowerCase().startsWith("aws:")) {
      throw new FederationError(
        "config",
        `AWS session tag ${JSON.stringify(key)} has a key or value AWS would refuse.`,
        {
          provider: "aws",
          hint: "Tag keys: 1-128 of letters, digits and _.:/=+-@ (not aws:); values: up to 256 of those and spaces.",
        },
      );
    }
    principalTags[key] = [value];
  }
  if (Object.keys(principalTags).length > 50) {
    throw new FederationError("config", "More than 50 AWS session tags.", {
      provider: "aws",
      hint: "AWS accepts at most 50 session tags.",
    });
  }
  return {
    [AWS_TAGS_CLAIM]:
      transitiveTagKeys === undefined
        ? { principal_tags: principalTags }
        : { principal_tags: principalTags, transitive_tag_keys: [...transitiveTagKeys] },
  };
}
