/**
 * The default audit sink: one JSON line per event on the console, which Netlify log drains (and most hosts)
 * pick up as-is.
 *
 * @packageDocumentation
 */
import type { AuditSink } from "../types.js";

/** Options of {@link consoleAudit}. @public */
export interface ConsoleAuditOptions {
  /** Where lines go. Default: `console.log`, looked up at call time. */
  log?: (line: string) => void;
  /** Added to every line as `"source"`, to find fedkit's lines in a drain. Default `"fedkit"`. */
  tag?: string;
}

/**
 * Writes each audit event as one JSON line (`{"source":"fedkit","type":"exchange",...}`).
 * Events carry nothing secret, so the lines are safe for any log drain.
 *
 * @example
 * ```ts
 * const federation = createFederation({ source, audit: consoleAudit() });
 * ```
 * @public
 */
export function consoleAudit(options: ConsoleAuditOptions = {}): AuditSink {
  const head = `{"source":${JSON.stringify(options.tag ?? "fedkit")}`;
  return {
    name: "console",
    write(event) {
      // The event's own JSON after the tag: no copy of the event to put `source` first.
      const body = JSON.stringify(event);
      const line = body.length > 2 ? `${head},${body.slice(1)}` : `${head}}`;
      (options.log ?? ((text: string) => console.log(text)))(line);
    },
  };
}
