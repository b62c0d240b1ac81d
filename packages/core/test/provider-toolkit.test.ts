// @fedkit/core/provider's shared steps: the one failure mapping (status and cloud body → FederationError) and the
// answer helpers every provider used to write for itself.
import { FederationError } from "@fedkit/core";
import {
  cloudFailure,
  expiresAtFromLifetime,
  firstHeader,
  formBody,
  type HttpResponse,
  outageCode,
  readJsonObject,
  unreadableMessage,
} from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";

const answer = (status: number, text: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  text,
  headers: new Headers(headers),
  attempts: 2,
});

describe("cloudFailure", () => {
  it("calls an unreadable 5xx an outage and 429 throttling, both retryable, with the outage hint", () => {
    const hints = { unavailable: "try later", other: "a proxy is in the way" };
    const outage = cloudFailure(answer(503, "<html/>", { "content-type": "text/html" }), {
      provider: "x",
      message: "m",
      unreadableHints: hints,
    });
    expect(outage).toMatchObject({ code: "provider_unavailable", retryable: true, status: 503, attempts: 2 });
    expect(outage.hint).toBe("try later");
    expect(cloudFailure(answer(429, ""), { provider: "x", message: "m" })).toMatchObject({
      code: "throttled",
    });
    const bad = cloudFailure(answer(400, "nope"), { provider: "x", message: "m", unreadableHints: hints });
    expect(bad).toMatchObject({ code: "bad_response", retryable: false, hint: "a proxy is in the way" });
  });

  it("keeps the cloud's mapped refusal whatever the status, and its request id before the header's", () => {
    const error = cloudFailure(answer(403, "{}", { "x-request-id": "from-header" }), {
      provider: "x",
      message: "refused",
      requestIdHeaders: ["x-request-id"],
      refusal: {
        code: "subject_mismatch",
        cloudCode: "E1",
        cloudMessage: "no",
        hint: "fix it",
        requestId: "from-body",
      },
    });
    expect(error).toBeInstanceOf(FederationError);
    expect(error).toMatchObject({
      code: "subject_mismatch",
      provider: "x",
      cloudCode: "E1",
      cloudMessage: "no",
      hint: "fix it",
      requestId: "from-body",
      retryable: false,
    });
    const fromHeader = cloudFailure(answer(400, "{}", { "x-request-id": "h" }), {
      provider: "x",
      message: "m",
      requestIdHeaders: ["x-amzn-requestid", "x-request-id"],
      refusal: { code: "invalid_request", cloudCode: "E2" },
    });
    expect(fromHeader.requestId).toBe("h");
  });

  it("says what arrived instead of the error document, never 'undefined'", () => {
    expect(unreadableMessage("op", answer(502, "<html/>", { "content-type": "text/html" }), "JSON")).toBe(
      "op answered HTTP 502 (text/html) with a body that is not JSON",
    );
    expect(unreadableMessage("op", answer(500, ""), "JSON")).toBe(
      "op answered HTTP 500 (no content-type) with an empty body",
    );
  });

  it("classifies statuses", () => {
    expect([200, 400, 403, 429, 500, 503].map(outageCode)).toEqual([
      undefined,
      undefined,
      undefined,
      "throttled",
      "provider_unavailable",
      "provider_unavailable",
    ]);
  });
});

describe("answer helpers", () => {
  it("reads a JSON object and nothing else, never throwing", () => {
    expect(readJsonObject(' {"a":1} ')).toEqual({ a: 1 });
    for (const text of ["", "<html/>", "[1]", "{broken", "null", '"s"'])
      expect(readJsonObject(text)).toBeUndefined();
  });

  it("encodes a form without undefined fields", () => {
    expect(formBody({ a: "x y", b: undefined, c: "&=" })).toBe("a=x+y&c=%26%3D");
  });

  it("turns a lifetime into an expiry and refuses anything that is not a positive number", () => {
    expect(expiresAtFromLifetime(60, 1000, { provider: "x", field: "expires_in" })).toBe(61_000);
    expect(expiresAtFromLifetime("60", 1000, { provider: "x", field: "expires_in" })).toBe(61_000);
    for (const bad of [0, -1, "soon", "", null, undefined, Number.POSITIVE_INFINITY])
      expect(() => expiresAtFromLifetime(bad, 0, { provider: "x", field: "expires_in" })).toThrow(
        expect.objectContaining({ code: "bad_response", provider: "x" }),
      );
  });

  it("finds the first header present", () => {
    expect(firstHeader(new Headers({ b: "2", c: "3" }), ["a", "b", "c"])).toBe("2");
    expect(firstHeader(new Headers(), ["a"])).toBeUndefined();
  });
});
