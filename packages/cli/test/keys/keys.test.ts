import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importIssuerKeySet } from "../../src/issuer-api.js";
import { harness, loopback } from "../support/harness.js";

const DAY = 24 * 60 * 60;
let h: ReturnType<typeof harness>;
afterEach(() => h?.cleanup());

const read = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const kids = (doc: { keys: { kid: string }[] }) => doc.keys.map((k) => k.kid);
/** Every `d` (private exponent / scalar) of every key file, to prove none is ever printed. */
const privateValues = (dir: string, contexts: string[]) =>
  contexts.flatMap((context) =>
    read(join(dir, `${context}.json`)).keys.flatMap((k: Record<string, string>) => (k["d"] ? [k["d"]] : [])),
  );

describe("fedkit keys: the failures found in the old CLI are refused", () => {
  it("refuses to promote a deploy-preview key into the production set (exit 1, nothing written)", async () => {
    h = harness();
    await h.run([
      "keys",
      "generate",
      "--context",
      "production",
      "--context",
      "deploy-preview",
      "--alg",
      "ES256",
    ]);
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    await h.run(["keys", "stage", "--context", "deploy-preview", "--alg", "ES256"]);
    h.advance(DAY + 1);
    // The old flaw: the preview's next key handed to production's promote.
    const preview = readFileSync(join(h.keyDir, "deploy-preview.next.json"), "utf8");
    writeFileSync(join(h.keyDir, "production.next.json"), preview);
    const before = readFileSync(join(h.keyDir, "production.json"), "utf8");
    const result = await h.run(["keys", "promote", "--context", "production", "--force"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('is for context "deploy-preview", not "production"');
    expect(result.err).toContain("fedkit keys stage --context production --force");
    expect(readFileSync(join(h.keyDir, "production.json"), "utf8")).toBe(before);
  });

  it("refuses a second promote instead of writing a duplicate kid", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    h.advance(DAY + 1);
    expect((await h.run(["keys", "promote", "--context", "production"])).code).toBe(0);
    const once = read(join(h.keyDir, "production.json"));
    const again = await h.run(["keys", "promote", "--context", "production"]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("No next key is staged");
    expect(read(join(h.keyDir, "production.json"))).toEqual(once);
    expect(new Set(kids(once)).size).toBe(kids(once).length);
    await expect(
      importIssuerKeySet(JSON.stringify(once), "FEDKIT_ISSUER_KEYS", "production"),
    ).resolves.toBeDefined();
  });

  it("refuses promote without a prior stage", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const result = await h.run(["keys", "promote", "--context", "production", "--force"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("sign with a key no verifier has seen");
  });

  it("refuses promote before the publication wait, and warns when forced", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    h.advance(DAY - 60);
    const early = await h.run(["keys", "promote", "--context", "production"]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/staged 86340 s ago; verifiers may cache the JWKS for 86400 s/);
    const forced = await h.run(["keys", "promote", "--context", "production", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.err).toContain("warning: --force: ");
  });

  it("checks that the deployed JWKS carries the next kid when given a site URL", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    h.advance(DAY + 1);
    const doc = read(join(h.keyDir, "production.json"));
    let published = [kids(doc)[0]!]; // the deploy still serves the old set
    const site = await loopback((path) =>
      path === "/oidc/production/.well-known/jwks.json"
        ? { body: { keys: published.map((kid) => ({ kid })) } }
        : undefined,
    );
    try {
      const missing = await h.run(["keys", "promote", "--context", "production", "--site-url", site.url]);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain("does not publish");
      published = kids(doc);
      const ok = await h.run(["keys", "promote", "--context", "production", "--site-url", site.url]);
      expect(ok.code).toBe(0);
      expect(ok.err).not.toContain("warning");
    } finally {
      await site.close();
    }
  });

  it("creates a missing --out directory (no ENOENT) outside any git work tree", async () => {
    h = harness();
    const dir = join(h.home, "elsewhere", "next");
    const result = await h.run([
      "keys",
      "generate",
      "--context",
      "production",
      "--dir",
      dir,
      "--alg",
      "ES256",
    ]);
    expect(result.code).toBe(0);
    expect(statSync(join(dir, "production.json")).mode & 0o777).toBe(0o600);
  });

  it("refuses to overwrite existing keys unless --force", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const before = readFileSync(join(h.keyDir, "production.json"), "utf8");
    const refused = await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    expect(refused.code).toBe(1);
    expect(readFileSync(join(h.keyDir, "production.json"), "utf8")).toBe(before);
    expect((await h.run(["keys", "generate", "--context", "production", "--force"])).code).toBe(0);
    expect(readFileSync(join(h.keyDir, "production.json"), "utf8")).not.toBe(before);
  });

  it("refuses an unknown algorithm with exit 2, naming the supported ones and why", async () => {
    h = harness();
    const result = await h.run(["keys", "generate", "--context", "production", "--alg", "ES384"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("--alg ES384 is not supported");
    expect(result.err).toContain("Entra accepts only RS256");
  });

  it("retires the previous key only after cache time plus token lifetime", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const old = kids(read(join(h.keyDir, "production.json")))[0]!;
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    h.advance(DAY + 1);
    await h.run(["keys", "promote", "--context", "production"]);
    expect(kids(read(join(h.keyDir, "production.json")))).toContain(old);
    expect((await h.run(["keys", "retire", "--context", "production"])).code).toBe(1);
    h.advance(DAY + 301);
    expect((await h.run(["keys", "retire", "--context", "production"])).code).toBe(0);
    expect(kids(read(join(h.keyDir, "production.json")))).not.toContain(old);
  });

  it("refuses the default directory too when XDG_CONFIG_HOME lies in an un-ignored work tree", async () => {
    h = harness();
    const dotfiles = join(h.home, "dotfiles");
    mkdirSync(dotfiles);
    execFileSync("git", ["init", "-q", dotfiles]);
    h.env["XDG_CONFIG_HOME"] = dotfiles;
    const result = await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("would commit the private keys");
  });

  it("refuses a key directory inside a git work tree that does not ignore it", async () => {
    h = harness();
    const repo = join(h.home, "site");
    mkdirSync(repo);
    execFileSync("git", ["init", "-q", repo]);
    const inside = await h.run(["keys", "generate", "--context", "production", "--dir", join(repo, "keys")]);
    expect(inside.code).toBe(1);
    expect(inside.err).toContain("would commit the private keys");
    writeFileSync(join(repo, ".gitignore"), "keys/\n");
    const ignored = await h.run([
      "keys",
      "generate",
      "--context",
      "production",
      "--dir",
      join(repo, "keys"),
      "--alg",
      "ES256",
    ]);
    expect(ignored.code).toBe(0);
  });

  it("writes keys to the user-level directory with mode 0600 and never prints them", async () => {
    h = harness();
    const result = await h.run([
      "keys",
      "generate",
      "--context",
      "production",
      "--context",
      "deploy-preview",
    ]);
    expect(statSync(join(h.keyDir, "production.json")).mode & 0o777).toBe(0o600);
    expect(statSync(h.keyDir).mode & 0o777).toBe(0o700);
    const secrets = privateValues(h.keyDir, ["production", "deploy-preview"]);
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(result.out + result.err).not.toContain(secret);
    expect(result.out).toContain(
      `netlify env:set FEDKIT_ISSUER_KEYS "$(cat '${join(h.keyDir, "production.json")}')" --context production --scope functions --secret`,
    );
    // Production serves the other contexts' public keys: only public members, and not production's own.
    const published = read(join(h.keyDir, "other-contexts.public.json"));
    expect(Object.keys(published)).toEqual(["deploy-preview"]);
    expect(published["deploy-preview"].keys[0].d).toBeUndefined();
    expect(result.out).toContain(
      `netlify env:set FEDKIT_ISSUER_PUBLIC_KEYS "$(cat '${join(h.keyDir, "other-contexts.public.json")}')" --context production --scope functions`,
    );
    const json = await h.run(["keys", "status", "--json"]);
    for (const secret of secrets) expect(json.out).not.toContain(secret);
  });

  it("revoke drops a leaked current key at once, promotes the staged key and says what still trusts it", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const leaked = kids(read(join(h.keyDir, "production.json")))[0]!;
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    const next = kids(read(join(h.keyDir, "production.next.json")))[0]!;
    const secrets = [
      ...privateValues(h.keyDir, ["production"]),
      read(join(h.keyDir, "production.next.json")).keys[0].d,
    ];
    const result = await h.run(["keys", "revoke", "--context", "production", "--kid", leaked]);
    expect(result.code).toBe(0);
    for (const secret of secrets) expect(result.out + result.err).not.toContain(secret);
    const doc = read(join(h.keyDir, "production.json"));
    expect(kids(doc)).toEqual([next]);
    expect(result.out).toContain("until their exp (at most 300 s after minting)");
    expect(result.out).toContain("trusts the production issuer");
  });

  it("status compares the local key set with the deployed JWKS and exits 1 when they differ", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const site = await loopback(() => ({ body: { keys: [{ kid: "someone-else" }] } }));
    try {
      const result = await h.run(["keys", "status", "--site-url", site.url, "--json"]);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out).contexts[0].inSync).toBe(false);
    } finally {
      await site.close();
    }
  });

  it("answers --help for every subcommand group and rejects unknown options with exit 2", async () => {
    h = harness();
    const help = await h.run(["keys", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("usage: fedkit keys");
    expect((await h.run(["keys", "generate", "--bogus"])).code).toBe(2);
    expect((await h.run(["nonsense"])).code).toBe(2);
  });
});
