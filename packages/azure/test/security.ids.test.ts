// Security: a hostile Entra endpoint echoes the client assertion (the subject token) or the access token it
// issues through its ids: the trace_id / correlation_id body fields and the x-ms-request-id / client-request-id
// headers, on error and on success. None of it reaches an error, an audit event or a log line.

import { idsOf, observeExchange } from "@fedkit/test-support/hostile-ids";
import { subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { azureProvider } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";
const assertion = subjectTokenFor("api://AzureADTokenExchange");
const b64 = (value: string) => Buffer.from(value).toString("base64url");
/** An Entra access token: a JWT (with or without the `eyJ` header prefix) or an opaque string of the id charset. */
const accessToken = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{40,90}$/), fc.boolean())
  .map(([body, jwt]) =>
    jwt ? `${b64('{"typ":"JWT","alg":"RS256"}')}.${b64(`{"x":"${body}"}`)}.${body}` : body,
  );
const UUIDS = ["0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10", "6f1c2a3b-8a41-4b4e-9a6e-2f1c7d3b9e10"];
type Echo = "assertion" | "signature" | "accessToken";
const where = fc.constantFrom("trace_id", "correlation_id", "x-ms-request-id", "client-request-id");

function provider() {
  return azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    env: () => ({}),
  });
}

async function run(raw: string, token: string, kind: Echo, field: string, ok: boolean) {
  const id = kind === "assertion" ? raw : kind === "signature" ? raw.slice(raw.lastIndexOf(".") + 1) : token;
  const inBody = field === "trace_id" || field === "correlation_id";
  const headers = inBody ? {} : { [field]: id };
  const observed = await observeExchange(raw, provider(), async () =>
    ok
      ? Response.json({ token_type: "Bearer", expires_in: 3599, access_token: token }, { headers })
      : Response.json(
          {
            error: "invalid_client",
            error_description: "AADSTS700213: No matching federated identity record found.",
            error_codes: [700213],
            trace_id: field === "trace_id" ? id : UUIDS[0],
            correlation_id: field === "correlation_id" ? id : UUIDS[1],
          },
          { status: 401, headers },
        ),
  );
  return { observed, id };
}

describe("@fedkit/azure: ids echoing the assertion or the access token", () => {
  it("property: an error answer echoing the assertion through any id shows none of it", async () => {
    await fc.assert(
      fc.asyncProperty(
        assertion,
        accessToken,
        fc.constantFrom<Echo>("assertion", "signature"),
        where,
        async (raw, token, kind, field) => {
          const { observed, id } = await run(raw, token, kind, field, false);
          expect(observed.error?.code).toBeDefined();
          expect(observed.seen).not.toContain(id);
          // Entra's error ids come from the body; headers of an error answer are not shown at all.
          const ids = idsOf(observed).filter((shown) => shown !== undefined);
          for (const shown of ids) expect(["[redacted]", ...UUIDS]).toContain(shown);
          if (field === "trace_id" || field === "correlation_id") expect(ids).toContain("[redacted]");
        },
      ),
      { numRuns: 60 },
    );
  });

  it("property: a successful answer echoing the assertion or the issued token in its request-id header shows none of it", async () => {
    await fc.assert(
      fc.asyncProperty(
        assertion,
        accessToken,
        fc.constantFrom<Echo>("assertion", "signature", "accessToken"),
        fc.constantFrom("x-ms-request-id", "client-request-id"),
        async (raw, token, kind, field) => {
          const { observed, id } = await run(raw, token, kind, field, true);
          expect(observed.error).toBeUndefined();
          expect(observed.seen).not.toContain(id);
          expect(observed.events[0]?.requestId).toBe("[redacted]");
        },
      ),
      { numRuns: 60 },
    );
  });

  it("an error answer carrying another bearer (a JWT fedkit never saw) in trace_id and correlation_id shows none of it", async () => {
    const raw = fc.sample(assertion, 1)[0]!;
    const foreign = fc
      .sample(assertion, 1)[0]!
      .replace(/\.[^.]*$/, ".Zm9yZWlnbi1zaWduYXR1cmUtb2YtYW5vdGhlci10b2tlbg");
    const observed = await observeExchange(raw, provider(), async () =>
      Response.json(
        { error: "invalid_client", error_codes: [700213], trace_id: foreign, correlation_id: foreign },
        { status: 401 },
      ),
    );
    expect(observed.seen).not.toContain(foreign);
    expect(observed.error?.requestId).toBe("[redacted]");
    expect(observed.error?.traceId).toBe("[redacted]");
  });

  it("keeps Entra's own UUID ids", async () => {
    const raw = fc.sample(assertion, 1)[0]!;
    const { observed } = await run(raw, "x".repeat(40), "assertion", "none", false);
    expect(observed.error?.requestId).toBe("6f1c2a3b-8a41-4b4e-9a6e-2f1c7d3b9e10");
    expect(observed.error?.traceId).toBe("0d5e2f7c-8a41-4b4e-9a6e-2f1c7d3b9e10");
  });
});
