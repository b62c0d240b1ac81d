/// <reference types="node" />
// scripts/check-examples.mjs refuses a TSDoc @example that calls a function nothing defines (the `awsRole`,
// `siteIssuer()` kind), and accepts fedkit exports, the package's own functions and stand-ins the example declares.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "scripts", "check-examples.mjs");
const work = mkdtempSync(join(tmpdir(), "fedkit-examples-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function check(name: string, example: string) {
  const src = join(work, name, "packages", "demo", "src");
  mkdirSync(src, { recursive: true });
  const doc = example
    .split("\n")
    .map((line) => ` * ${line}`)
    .join("\n");
  writeFileSync(
    join(src, "index.ts"),
    `/**\n * Demo.\n *\n * @example\n * \`\`\`ts\n${doc}\n * \`\`\`\n */\nexport function ownHelper(): void {}\n`,
  );
  const run = spawnSync(process.execPath, [script, "--root", join(work, name)], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("check-examples", () => {
  it("refuses an example calling a function that does not exist", () => {
    const result = check(
      "missing",
      'const creds = await federation.getCredentials(awsRole({ region: "eu-west-1" }));',
    );
    expect(result.status).toBe(1);
    expect(result.output).toContain("calls awsRole()");
    expect(result.output).toContain("packages/demo/src/index.ts");
  });

  it("accepts fedkit exports, the package's own functions, declared stand-ins, globals and strings", () => {
    const result = check(
      "fine",
      [
        "declare function retryLater(): void;",
        'const federation = createFederation({ source: envToken("OIDC_TOKEN") });',
        "ownHelper();",
        'retryLater(); JSON.parse("{}"); new URL("https://x.example/");',
        "const text = 'siteIssuer() in a string, not a call';",
      ].join("\n"),
    );
    expect(result.output).toContain("call only functions that exist");
    expect(result.status).toBe(0);
  });

  it("passes on this repository", () => {
    const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
