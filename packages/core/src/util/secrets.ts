/**
 * How a secret (a subject token, a federated bearer) shows up in text it leaked into: shared by the engine's
 * redaction of failed exchanges and by the cleaning of cloud-supplied ids.
 *
 * @packageDocumentation
 */

/**
 * The forms a secret takes in an error or an answer: as is, form/URL-encoded (as a provider sent it), and its
 * JWS signature alone, the part that makes it replayable, which is all that is left when a provider's own
 * scrubbing (or truncation) already cut the rest.
 * @internal
 */
export function secretForms(secret: string): readonly string[] {
  const signature = secret.slice(secret.lastIndexOf(".") + 1);
  const forms = new Set([secret, encodeURIComponent(secret)]);
  if (signature.length >= 8) forms.add(signature);
  return [...forms];
}

/**
 * Whether `value` holds a form of one of `secrets`, or is a long (16+ characters) piece of one. Secrets shorter
 * than 8 characters are skipped: they would match ordinary words by chance.
 * @internal
 */
export function leaksSecret(value: string, secrets: readonly string[]): boolean {
  const trimmed = value.trim();
  // A plain loop, no callback: every exchange's request id is checked against its credentials' strings, often
  // before V8 has optimized this.
  for (let i = 0; i < secrets.length; i++) {
    const secret = secrets[i]!;
    if (secret.length < 8) continue;
    if (trimmed.length >= 16 && secret.includes(trimmed)) return true;
    const signature = secret.slice(secret.lastIndexOf(".") + 1);
    if (signature.length >= 8 && value.includes(signature)) return true;
    // A form longer than `value` cannot be in it: a short id (a request id) checked against a long token skips
    // encoding the token. No list of forms is built: this runs for every string of every exchange's credentials.
    if (
      secret.length <= value.length &&
      (value.includes(secret) || value.includes(encodeURIComponent(secret)))
    )
      return true;
  }
  return false;
}
