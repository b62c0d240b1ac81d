// Shared harness of the providers' hostile-id tests (packages/{aws,gcp,azure}/test/security.ids.test.ts): a cloud
// endpoint that echoes a secret through its request/trace ids, and what a user could see of the exchange.

import {
  createFederation,
  type FederationError,
  type FetchLike,
  type Provider,
  staticToken,
} from "@fedkit/core";
import { type AuditEvent, consoleAudit } from "@fedkit/core/audit";

/** What a user could see of one exchange: the error (if any), the audit events and the console log lines. */
export interface Observed {
  readonly error: FederationError | undefined;
  readonly events: readonly AuditEvent[];
  /** Everything above joined: error.message, String(error), error.toJSON(), events, log lines. */
  readonly seen: string;
}

/** Exchanges `raw` through `provider` against `fetch` (one attempt) and collects what a user could see. */
export async function observeExchange(raw: string, provider: Provider, fetch: FetchLike): Promise<Observed> {
  const lines: string[] = [];
  const events: AuditEvent[] = [];
  const sink = consoleAudit({ log: (line) => lines.push(line) });
  const federation = createFederation({
    source: staticToken(raw),
    audit: {
      name: "tee",
      write: (e) => {
        events.push(e);
        return sink.write(e);
      },
    },
    retry: { maxAttempts: 1 },
    fetch,
  });
  const error = await federation.getCredentials(provider).then(
    () => undefined,
    (e: unknown) => e as FederationError,
  );
  const seen = [
    error?.message ?? "",
    String(error ?? ""),
    JSON.stringify(error?.toJSON()),
    JSON.stringify(events),
    ...lines,
  ].join("\n");
  return { error, events, seen };
}

/** The id fields a user sees: the error's and every audit event's. */
export function idsOf(observed: Observed): (string | undefined)[] {
  return [
    observed.error?.requestId,
    observed.error?.traceId,
    ...observed.events.map((event) => event.requestId),
  ];
}
