/** One line of a replay: a claim (or condition) as presented, what the cloud expects, and the verdict. @internal */
export interface ReplayRow {
  readonly claim: string;
  readonly presented: string;
  readonly expected: string;
  readonly ok: boolean;
  /** One line saying how to fix a mismatch; never a change that widens trust. */
  readonly fix?: string;
}

/** What a cloud would decide for one token, and why. @internal */
export interface ReplayResult {
  readonly accepted: boolean;
  readonly rows: readonly ReplayRow[];
  /** The cloud's own error for a refusal, when the evaluator knows it (AADSTS code, STS error). */
  readonly cloudSays?: string;
}

/** A trust that accepts more than the config intends, found without a token. @internal */
export interface WideTrust {
  readonly where: string;
  readonly why: string;
  readonly fix: string;
}

/** A cloud's trust as its own CLI exports it, evaluated as that cloud would. @internal */
export interface CloudTrust {
  readonly cloud: string;
  evaluate(claims: Readonly<Record<string, unknown>>): ReplayResult;
  /** Trust wider than one context's mapped functions (`context` is the one the target belongs to). */
  wide(context: string): WideTrust[];
}

export const show = (value: unknown): string =>
  value === undefined ? "(absent)" : typeof value === "string" ? value : JSON.stringify(value);

/** Rows for a value that differs from the expected one only by letter case get that said explicitly. @internal */
export function caseNote(presented: string, expected: readonly string[]): string | undefined {
  const lower = presented.toLowerCase();
  return expected.some((e) => e !== presented && e.toLowerCase() === lower)
    ? "differs only by letter case; the cloud compares case-sensitively"
    : undefined;
}
