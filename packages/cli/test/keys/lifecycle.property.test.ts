import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/io.js";
import { importIssuerKeySet } from "../../src/issuer-api.js";
import {
  type ContextKeys,
  currentKid,
  generateContextKeys,
  promoteKey,
  retireKey,
  revokeKey,
  stageKey,
} from "../../src/keys/lifecycle.js";

const CONTEXTS = ["production", "deploy-preview"] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

type Step =
  | { op: "stage" | "promote" | "retire"; context: number; force: boolean; wait: number }
  | { op: "revoke"; context: number; pick: number; wait: number }
  | { op: "cross"; context: number; wait: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constantFrom("stage" as const, "promote" as const, "retire" as const),
    context: fc.integer({ min: 0, max: 1 }),
    force: fc.boolean(),
    wait: fc.integer({ min: 0, max: 2 * DAY_MS }),
  }),
  fc.record({
    op: fc.constant("revoke" as const),
    context: fc.integer({ min: 0, max: 1 }),
    pick: fc.nat(),
    wait: fc.integer({ min: 0, max: DAY_MS }),
  }),
  // An attacker-ish step: the other context's staged key handed to this context's promote.
  fc.record({
    op: fc.constant("cross" as const),
    context: fc.integer({ min: 0, max: 1 }),
    wait: fc.constant(0),
  }),
);

describe("key lifecycle (property)", () => {
  it("every key set any command sequence leaves imports in the runtime and holds only its own context's keys", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        let now = Date.UTC(2026, 0, 1);
        const origin = new Map<string, string>(); // kid -> the context that generated it
        const state: Record<string, ContextKeys> = {};
        const record = (keys: ContextKeys, context: string) => {
          for (const doc of [keys.current, keys.next]) {
            for (const entry of doc?.keys ?? []) if (!origin.has(entry.kid)) origin.set(entry.kid, context);
          }
        };
        for (const context of CONTEXTS) {
          state[context] = await generateContextKeys(context, "ES256", now);
          record(state[context]!, context);
        }
        for (const s of steps) {
          now += s.wait;
          const context = CONTEXTS[s.context]!;
          const other = CONTEXTS[1 - s.context]!;
          const keys = state[context]!;
          try {
            let result: ContextKeys;
            if (s.op === "stage") result = await stageKey(keys, { alg: "ES256", now, force: s.force });
            else if (s.op === "promote")
              result = (await promoteKey(keys, { now, minAgeSeconds: 86400, force: s.force })).keys;
            else if (s.op === "retire")
              result = (await retireKey(keys, { now, minAgeSeconds: 86700, force: s.force })).keys;
            else if (s.op === "revoke") {
              const all = keys.current.keys.map((k) => k.kid);
              result = (await revokeKey(keys, all[s.pick % all.length]!, { alg: "ES256", now })).keys;
            } else {
              const theirs = state[other]!.next;
              if (theirs === undefined) continue;
              result = (await promoteKey({ ...keys, next: theirs }, { now, minAgeSeconds: 0, force: true }))
                .keys;
            }
            record(result, context);
            state[context] = result;
          } catch (error) {
            // Refusals are allowed; anything else (a crash) is a bug.
            expect(error).toBeInstanceOf(CliError);
          }
          for (const c of CONTEXTS) {
            const current = state[c]!.current;
            const set = await importIssuerKeySet(JSON.stringify(current), "FEDKIT_ISSUER_KEYS", c);
            expect(set.signingKey.kid).toBe(currentKid(current));
            for (const entry of current.keys) expect(origin.get(entry.kid)).toBe(c);
            if (state[c]!.next !== undefined) expect(origin.get(currentKid(state[c]!.next!))).toBe(c);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
