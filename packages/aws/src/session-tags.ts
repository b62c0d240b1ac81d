import { awsError } from "./errors.js";

/** The claim AWS reads session tags from in an OIDC token. @public */
export const AWS_TAGS_CLAIM = "https://aws.amazon.com/tags";

// AWS session-tag keys: letters, digits and _.:/=+-@; values also spaces; wildcards and policy variables cannot
// appear. Tags are ASCII almost always (site id, context, function, user), and V8 takes ~0.3 ms to build each
// Unicode-property pattern and as much again to run it the first time, on a fresh isolate's first request: the
// ASCII patterns (a subset of what the Unicode ones accept) answer first, the Unicode ones only when they fail.
const ASCII_KEY = /^[\w.:/=+\-@]{1,128}$/;
const ASCII_VALUE = /^[\w .:/=+\-@]{0,256}$/;
let unicodeKey: RegExp | undefined;
let unicodeValue: RegExp | undefined;

/** Whether AWS accepts `key` as a session-tag key (`aws:` aside). @internal */
export function tagKeyAccepted(key: string): boolean {
  if (ASCII_KEY.test(key)) return true;
  unicodeKey ??= /^[\p{L}\p{N}_.:/=+\-@]{1,128}$/u;
  return unicodeKey.test(key);
}

/** Whether AWS accepts `value` as a session-tag value. @internal */
export function tagValueAccepted(value: string): boolean {
  if (ASCII_VALUE.test(value)) return true;
  unicodeValue ??= /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
  return unicodeValue.test(value);
}

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
    ([key, value]) => !tagKeyAccepted(key) || !tagValueAccepted(value) || /^aws:/i.test(key),
  );
  if (bad || entries.length > 50) {
    throw awsError(
      "config",
      bad ? `AWS refuses the session tag ${JSON.stringify(bad[0])}.` : "More than 50 AWS session tags.",
      "Pass at most 50 tags: keys of 1-128 of letters, digits, _.:/=+-@ (no aws:), values up to 256.",
    );
  }
  const principalTags = Object.fromEntries(entries.map(([key, value]) => [key, [value]]));
  return {
    [AWS_TAGS_CLAIM]: transitiveTagKeys
      ? { principal_tags: principalTags, transitive_tag_keys: [...transitiveTagKeys] }
      : { principal_tags: principalTags },
  };
}
