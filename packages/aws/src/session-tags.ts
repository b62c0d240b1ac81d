import { awsError } from "./errors.js";

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
  const entries = Object.entries(tags);
  const bad = entries.find(
    ([key, value]) => !TAG_KEY.test(key) || !TAG_VALUE.test(value) || /^aws:/i.test(key),
  );
  if (bad || entries.length > 50) {
    throw awsError(
      "config",
      bad ? `AWS refuses the session tag ${JSON.stringify(bad[0])}.` : "More than 50 AWS session tags.",
      "Pass at most 50 tags: keys of 1-128 letters, digits, _.:/=+-@ (not aws:), values of 0-256 and spaces.",
    );
  }
  const principalTags = Object.fromEntries(entries.map(([key, value]) => [key, [value]]));
  return {
    [AWS_TAGS_CLAIM]: transitiveTagKeys
      ? { principal_tags: principalTags, transitive_tag_keys: [...transitiveTagKeys] }
      : { principal_tags: principalTags },
  };
}
