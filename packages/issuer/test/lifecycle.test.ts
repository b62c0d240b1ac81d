// The key-set lifecycle (stage, promote, retire, revoke) as pure functions over key documents: every step is
// checked with the runtime's own importer, and every way to break isolation or availability is refused.
import { describe, expect, it } from "vitest";
import { generateIssuerKeys } from "../src/generate.js";
import { type IssuerKeyDocument, importIssuerKeySet } from "../src/keyset.js";
import { MIN_PUBLISHED_SECONDS, promoteKey, retireKey, revokeKey, stageKey } from "../src/lifecycle.js";
import { KeyLifecycleError, type KeyLifecycleErrorCode } from "../src/lifecycle-errors.js";
import { keySetStatus, validateKeyDocument } from "../src/lifecycle-status.js";

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const LATER = T0 + (MIN_PUBLISHED_SECONDS + 1) * 1000;

async function refused(promise: Promise<unknown>, code: KeyLifecycleErrorCode): Promise<KeyLifecycleError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyLifecycleError);
  expect(error).toBeInstanceOf(TypeError);
  expect((error as KeyLifecycleError).code).toBe(code);
  return error as KeyLifecycleError;
}

const keys = (context: string, kid: string, alg: "RS256" | "ES256" = "ES256") =>
  generateIssuerKeys({ context, kid, alg }).then((k) => k.document);

describe("key-set lifecycle", () => {
  it("stages, promotes after the publishing time, and retires; every result imports in the runtime", async () => {
    const a = await keys("production", "a");
    const b = await keys("production", "b", "RS256");
    const staged = await stageKey(a, b, { now: () => T0 });
    expect(keySetStatus(staged)).toEqual({
      context: "production",
      current: "a",
      next: { kid: "b", stagedAt: T0 },
      previous: [],
    });
    // The staged entry is public only, and its staging note never reaches the published keys.
    expect(staged.keys[1]).not.toHaveProperty("d");
    const imported = await importIssuerKeySet(JSON.stringify(staged), undefined, "production");
    expect(imported.signingKey.kid).toBe("a");
    expect(imported.publicKeys.map((k) => k.kid)).toEqual(["a", "b"]);
    expect(imported.publicKeys[1]).not.toHaveProperty("staged_at");

    const promoted = await promoteKey(staged, b, { now: () => LATER });
    expect(keySetStatus(promoted)).toEqual({ context: "production", current: "b", previous: ["a"] });
    expect((await importIssuerKeySet(JSON.stringify(promoted))).signingKey.kid).toBe("b");

    const retired = await retireKey(promoted);
    expect(keySetStatus(retired)).toEqual({ context: "production", current: "b", previous: [] });
  });

  it("refuses a key of another deploy context at every step", async () => {
    const production = await keys("production", "p1");
    const preview = await keys("deploy-preview", "dp1");
    const error = await refused(stageKey(production, preview), "cross_context");
    expect(error.message).toContain('"deploy-preview"');
    const staged = await stageKey(production, await keys("production", "p2"), { now: () => T0 });
    await refused(
      promoteKey(staged, { ...preview, keys: [{ ...preview.keys[0]!, kid: "p2" }] }),
      "cross_context",
    );
    await refused(revokeKey(production, "p1", { replacement: preview }), "cross_context");
  });

  it("refuses duplicate kids, in the input and in what a step would write", async () => {
    const a = await keys("production", "a");
    const sameKid = await keys("production", "a");
    await refused(stageKey(a, sameKid), "duplicate_kid");
    const twice: IssuerKeyDocument = {
      ...a,
      keys: [...a.keys, { ...(await keys("production", "x")).keys[0]!, kid: "a" }],
    };
    await refused(validateKeyDocument(twice), "duplicate_kid");
    const staged = await stageKey(a, await keys("production", "b"), { now: () => T0 });
    await refused(revokeKey(staged, "a", { replacement: await keys("production", "a") }), "duplicate_kid");
  });

  it("refuses unknown algorithms and names the supported ones", async () => {
    const a = await keys("production", "a");
    const es384 = { ...a, keys: [{ ...a.keys[0]!, alg: "ES384" }] } as unknown as IssuerKeyDocument;
    const error = await refused(validateKeyDocument(es384), "unknown_alg");
    expect(error.message).toMatch(/RS256, ES256/);
    await refused(stageKey(a, es384), "unknown_alg");
    await expect(generateIssuerKeys({ context: "production", alg: "ES384" as "ES256" })).rejects.toThrow(
      /ES384.*not supported/,
    );
  });

  it("refuses promote without stage, of another key than the staged one, and before the publishing time", async () => {
    const a = await keys("production", "a");
    const b = await keys("production", "b");
    await refused(promoteKey(a, b, { now: () => LATER }), "not_staged");
    const staged = await stageKey(a, b, { now: () => T0 });
    await refused(promoteKey(staged, await keys("production", "c"), { now: () => LATER }), "not_staged");
    await refused(promoteKey(staged, b, { now: () => T0 + 60_000 }), "published_too_recently");
    // force is the explicit way through, and a shorter window can be chosen.
    expect(keySetStatus(await promoteKey(staged, b, { now: () => T0 + 60_000, force: true })).current).toBe(
      "b",
    );
    expect(
      keySetStatus(await promoteKey(staged, b, { now: () => T0 + 61_000, minPublishedSeconds: 60 })).current,
    ).toBe("b");
    // A hand-staged key without a recorded time cannot prove how long it was published.
    const unrecorded = {
      ...staged,
      keys: staged.keys.map(({ staged_at: _s, ...k }) => k),
    } as IssuerKeyDocument;
    await refused(promoteKey(unrecorded, b, { now: () => LATER }), "published_too_recently");
  });

  it("refuses staging over a staged key unless told to replace it", async () => {
    const a = await keys("production", "a");
    const staged = await stageKey(a, await keys("production", "b"), { now: () => T0 });
    await refused(stageKey(staged, await keys("production", "c")), "already_staged");
    const replaced = await stageKey(staged, await keys("production", "c"), { now: () => T0, replace: true });
    expect(keySetStatus(replaced).next?.kid).toBe("c");
    expect(replaced.keys.map((k) => k.kid)).toEqual(["a", "c"]);
  });

  it("retire removes previous keys only", async () => {
    const a = await keys("production", "a");
    const b = await keys("production", "b");
    const staged = await stageKey(a, b, { now: () => T0 });
    await refused(retireKey(a), "unknown_kid");
    await refused(retireKey(staged, "a"), "not_previous");
    await refused(retireKey(staged, "b"), "not_previous");
    const promoted = await promoteKey(staged, b, { now: () => LATER });
    await refused(retireKey(promoted, "zzz"), "unknown_kid");
    expect(keySetStatus(await retireKey(promoted, "a")).previous).toEqual([]);
  });

  it("revoke drops a key at once, needs a replacement for the current key, and says how long trust lasts", async () => {
    const a = await keys("production", "a");
    const b = await keys("production", "b");
    const staged = await stageKey(a, b, { now: () => T0 });
    await refused(revokeKey(staged, "zzz"), "unknown_kid");
    const droppedNext = await revokeKey(staged, "b", { now: () => T0 });
    expect(keySetStatus(droppedNext.document)).toEqual({ context: "production", current: "a", previous: [] });
    expect(droppedNext).toMatchObject({
      revokedKid: "b",
      tokensValidUntil: T0 + 300_000,
      cachedUntil: T0 + 300_000,
    });
    await refused(revokeKey(staged, "a"), "needs_replacement");
    const replaced = await revokeKey(staged, "a", {
      replacement: await keys("production", "r"),
      now: () => T0,
    });
    expect(keySetStatus(replaced.document)).toMatchObject({ current: "r", next: { kid: "b" } });
    expect(replaced.document.keys.some((k) => k.kid === "a")).toBe(false);
    expect((await importIssuerKeySet(JSON.stringify(replaced.document))).signingKey.kid).toBe("r");
  });

  it("refuses a document the runtime cannot import, and never puts key material in the message", async () => {
    const a = await keys("production", "a");
    const broken = { ...a, keys: [{ ...a.keys[0]!, d: "AAAA" }] } as IssuerKeyDocument;
    const error = await refused(validateKeyDocument(broken), "invalid_key_set");
    for (const secret of [String(a.keys[0]!["d"]), "AAAA"]) expect(error.message).not.toContain(secret);
    await refused(stageKey(broken, await keys("production", "b")), "invalid_key_set");
  });
});
