// memoPerArray: what a client made per request (awsFetch under withFedkit) computes from its options array once,
// and never a stale result once the array's items changed.
import { describe, expect, it } from "vitest";
import { memoPerArray } from "../src/provider/index.js";

function counted() {
  let calls = 0;
  const parse = memoPerArray((origins: readonly string[]) => {
    calls++;
    return new Set(origins.map((origin) => new URL(origin).origin));
  });
  return { parse, calls: () => calls };
}

describe("memoPerArray", () => {
  it("computes once per array while its items stay the same", () => {
    const { parse, calls } = counted();
    const origins = ["http://127.0.0.1:4566"];
    const first = parse(origins);
    expect(parse(origins)).toBe(first);
    expect(calls()).toBe(1);
    // Another array with the same items is another key (identity, not content, finds a result).
    expect(parse(["http://127.0.0.1:4566"])).not.toBe(first);
    expect(calls()).toBe(2);
  });

  it("an array changed after a call gets the result of what it holds now: an item replaced, added or removed", () => {
    const { parse, calls } = counted();
    const origins = ["http://127.0.0.1:4566"];
    parse(origins);
    origins[0] = "http://127.0.0.1:9999";
    expect([...parse(origins)]).toEqual(["http://127.0.0.1:9999"]);
    origins.push("http://127.0.0.1:7000");
    expect([...parse(origins)]).toEqual(["http://127.0.0.1:9999", "http://127.0.0.1:7000"]);
    origins.length = 0;
    expect([...parse(origins)]).toEqual([]);
    expect(calls()).toBe(4);
  });

  it("computes from a copy: the array changed during or after computing never changes a kept result", () => {
    const origins = ["http://127.0.0.1:4566"];
    const parse = memoPerArray((items: readonly string[]) => {
      origins[0] = "http://attacker.example"; // the caller's array changes under the computation
      return [...items];
    });
    expect(parse(origins)).toEqual(["http://127.0.0.1:4566"]);
    // The kept copy is what was computed from, so the changed array is computed again.
    expect(parse(origins)).toEqual(["http://attacker.example"]);
  });

  it("keeps no error: an array whose computation throws throws again", () => {
    const parse = memoPerArray((items: readonly string[]) => items.map((item) => new URL(item).origin));
    const origins = ["not a url"];
    expect(() => parse(origins)).toThrow(TypeError);
    expect(() => parse(origins)).toThrow(TypeError);
    origins[0] = "https://a.example/";
    expect(parse(origins)).toEqual(["https://a.example"]);
  });
});
