/** `fedkit keys status`, and the summary of one context's key set that every keys subcommand reports. */
import { type CliIo, ExitCode, paint } from "../io.js";
import { publishedKids } from "../published.js";
import { type ContextKeys, kidsOf } from "./lifecycle.js";
import { readContextKeys } from "./store.js";

/** The kids of a context's key set (current, next, previous) and when it was staged and promoted. */
export function describeKeys(keys: ContextKeys) {
  const kids = kidsOf(keys.current);
  return {
    ...kids,
    ...(keys.stagedAt === undefined ? {} : { stagedAt: new Date(keys.stagedAt).toISOString() }),
    ...(keys.promotedAt === undefined ? {} : { promotedAt: new Date(keys.promotedAt).toISOString() }),
  };
}

/**
 * Prints the kids per context and, with a site URL, whether the deployed JWKS publishes exactly the local keys.
 * Exits with `findings` when a context has no keys or differs from what is deployed.
 */
export async function keysStatus(
  io: CliIo,
  dir: string,
  contexts: readonly string[],
  siteUrl: string | undefined,
  json: boolean,
): Promise<ExitCode> {
  const c = paint(io);
  const rows: Record<string, unknown>[] = [];
  let findings = false;
  for (const context of contexts) {
    const keys = readContextKeys(dir, context);
    if (keys === undefined) {
      rows.push({ context, error: "no keys" });
      findings = true;
      continue;
    }
    const row: Record<string, unknown> = { context, ...describeKeys(keys) };
    if (siteUrl !== undefined && context !== "dev") {
      try {
        const published = await publishedKids(io.fetch, siteUrl, context);
        const local = keys.current.keys.map((k) => k.kid);
        row["published"] = published;
        row["inSync"] = local.length === published.length && local.every((kid) => published.includes(kid));
        if (row["inSync"] !== true) findings = true;
      } catch (error) {
        row["published"] = (error as Error).message;
        findings = true;
      }
    }
    rows.push(row);
  }
  if (json) io.stdout(JSON.stringify({ command: "keys status", directory: dir, contexts: rows }, null, 2));
  else {
    const out = [`keys in ${dir}`];
    for (const row of rows) {
      if (row["error"] !== undefined) {
        out.push(`${c.bold(String(row["context"]))}: ${c.red("no keys")}`);
        continue;
      }
      const list = (value: unknown) =>
        (value as string[]).length > 0 ? (value as string[]).join(", ") : "-";
      out.push(
        `${c.bold(String(row["context"]))}`,
        `  current   ${row["current"]}`,
        `  next      ${list(row["next"])}${row["stagedAt"] ? ` (staged ${row["stagedAt"]})` : ""}`,
        `  previous  ${list(row["previous"])}`,
      );
      if (row["published"] !== undefined) {
        const ok = row["inSync"] === true;
        const shown = Array.isArray(row["published"]) ? list(row["published"]) : String(row["published"]);
        out.push(`  deployed  ${ok ? c.green(shown) : c.red(`${shown} (differs from the local key set)`)}`);
      }
    }
    io.stdout(out.join("\n"));
  }
  return findings ? ExitCode.findings : ExitCode.ok;
}
