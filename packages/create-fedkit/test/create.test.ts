/// <reference types="node" />
// create-fedkit against the real samples in apps/: templates are built from them into a temp directory, sites
// are scaffolded into another, and what a user gets (ranges, ignored files, .env.example, exit codes) is checked.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildTemplates } from "../src/build-templates.js";
import { scanEnvNames } from "../src/env-scan.js";
import { main } from "../src/main.js";
import { type TemplatesManifest, templateMarker } from "../src/manifest.js";
import type { Prompter } from "../src/options.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "create-fedkit-test-"));
const templatesDir = join(work, "templates");
let manifest: TemplatesManifest;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

async function run(argv: string[], prompter?: Prompter) {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const code = await main(argv, { templatesDir, ...(prompter ? { prompter } : {}) });
    return { code, out: log.mock.calls.join("\n"), err: error.mock.calls.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(() => {
  manifest = buildTemplates({ repoRoot, outDir: templatesDir });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("templates built from apps/", () => {
  it("offers every sample marked as a template, with its platform and cloud, and copies no tests", () => {
    expect(manifest.templates.map((t) => [t.name, t.platform, t.cloud])).toEqual([
      ["cloudflare-workers-aws-s3", "cloudflare-workers", "aws"],
      ["deno-deploy-aws-s3", "deno-deploy", "aws"],
      ["netlify-aws-s3", "netlify", "aws"],
      ["netlify-azure-blob", "netlify", "azure"],
      ["netlify-gcp-gcs", "netlify", "gcp"],
      ["netlify-llm", "netlify", "anthropic"],
    ]);
    expect(existsSync(join(repoRoot, "apps/netlify-azure-blob/test"))).toBe(true);
    expect(existsSync(join(templatesDir, "netlify-azure-blob/test"))).toBe(false);
    expect(manifest.versions["@fedkit/netlify"]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("finds the variables in the sample's code and only the library variables of its cloud", () => {
    const aws = manifest.templates.find((t) => t.name === "netlify-aws-s3")!;
    const azure = manifest.templates.find((t) => t.name === "netlify-azure-blob")!;
    const llm = manifest.templates.find((t) => t.name === "netlify-llm")!;
    const worker = manifest.templates.find((t) => t.name === "cloudflare-workers-aws-s3")!;
    expect(aws.siteEnv).toEqual(expect.arrayContaining(["REPORTS_ROLE_ARN", "REPORTS_BUCKET_URL"]));
    expect(aws.libraryEnv).toEqual(
      expect.arrayContaining([
        "FEDKIT_ISSUER_KEYS",
        "FEDKIT_ISSUER_PUBLIC_KEYS",
        "FEDKIT_CONTEXT",
        "FEDKIT_SITE_URL",
      ]),
    );
    expect(azure.libraryEnv).toContain("AZURE_AUTHORITY_HOST");
    expect(aws.libraryEnv).not.toContain("AZURE_AUTHORITY_HOST");
    expect(llm.libraryEnv).toEqual(aws.libraryEnv);
    // A Worker reads its bindings (env.NAME); it does not run @fedkit/netlify.
    expect(worker.siteEnv).toEqual(
      expect.arrayContaining(["FEDKIT_ISSUER_KEYS", "REPORTS_ROLE_ARN", "SITE_URL"]),
    );
    expect(worker.libraryEnv).toEqual([]);
    expect(manifest.templates.map((t) => [t.name, t.local])).toEqual([
      ["cloudflare-workers-aws-s3", false],
      ["deno-deploy-aws-s3", false],
      ["netlify-aws-s3", true],
      ["netlify-azure-blob", true],
      ["netlify-gcp-gcs", true],
      ["netlify-llm", true],
    ]);
  });

  it("refuses a sample whose workspace: dependency is no public package, and skips unmarked apps", () => {
    const fake = join(work, "fake-repo");
    const write = (path: string, json: unknown) => {
      mkdirSync(join(fake, path, ".."), { recursive: true });
      writeFileSync(join(fake, path), JSON.stringify(json));
    };
    mkdirSync(join(fake, "packages/netlify/src"), { recursive: true });
    mkdirSync(join(fake, "packages/issuer/src"), { recursive: true });
    write("packages/netlify/package.json", { name: "@fedkit/netlify", version: "1.2.3" });
    write("packages/internal/package.json", { name: "@fedkit/internal", version: "0.0.0", private: true });
    write("apps/plain/package.json", { name: "plain", dependencies: { "@fedkit/internal": "workspace:*" } });
    write("apps/site/package.json", {
      name: "site",
      fedkit: { template: { cloud: "aws" } },
      dependencies: { "@fedkit/netlify": "workspace:*" },
    });
    const built = buildTemplates({ repoRoot: fake, outDir: join(fake, "out") });
    expect(built.templates.map((t) => t.name)).toEqual(["site"]);
    expect(JSON.parse(readFileSync(join(fake, "out/site/package.json"), "utf8")).dependencies).toEqual({
      "@fedkit/netlify": "^1.2.3",
    });
    write("apps/site/package.json", {
      name: "site",
      fedkit: { template: { cloud: "aws" } },
      dependencies: { "@fedkit/internal": "workspace:*" },
    });
    expect(() => buildTemplates({ repoRoot: fake, outDir: join(fake, "out") })).toThrow(
      expect.objectContaining({
        code: "templates_missing",
        message: expect.stringContaining("@fedkit/internal"),
      }),
    );
  });

  it("scanEnvNames reads env(), env(x ?? NAME), a held variable name, Worker bindings, Netlify/Deno env.get and process.env, not prose", () => {
    const source = [
      'const a = env("A_ONE");',
      'const b = env(config.keysVariable ?? "B_TWO");',
      'Netlify.env.get("C_THREE"); Deno.env.get("D_FOUR");',
      'process.env.E_FIVE; process.env["F_SIX"];',
      // The issuer's forms: a name held for a later env(variable).
      'const variable = config.keysVariable ?? "G_SEVEN"; function keys(variable = "H_EIGHT") {}',
      // A Worker's bindings: read as env.NAME, or declared as strings in its Env interface.
      "const k = env.I_NINE; interface Env {\n  J_TEN?: string;\n  TOKEN: OidcTokenBinding;\n}",
      "const x = someenv.NOT_ENV; const y = this.env.NOT_EITHER;",
      '// set FEDKIT_NOT_READ in your shell; environment("lower"); const label = "NOT_A_VARIABLE";',
    ].join("\n");
    expect(scanEnvNames(source)).toEqual([
      "A_ONE",
      "B_TWO",
      "C_THREE",
      "D_FOUR",
      "E_FIVE",
      "F_SIX",
      "G_SEVEN",
      "H_EIGHT",
      "I_NINE",
      "J_TEN",
    ]);
  });
});

describe("npm create fedkit, non-interactive", () => {
  it("writes the AWS site with real version ranges, no workspace: left, and prints the next steps", async () => {
    const dir = join(work, "aws-site");
    const { code, out } = await run([dir, "--cloud", "aws"]);
    expect(code).toBe(0);
    const site = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(site.name).toBe("aws-site");
    expect(site.fedkit).toBeUndefined();
    expect(site.dependencies).toEqual({ "@fedkit/netlify": `^${manifest.versions["@fedkit/netlify"]}` });
    for (const file of files(dir)) expect(readFileSync(file, "utf8"), file).not.toContain("workspace:");
    expect(existsSync(join(dir, "netlify/edge-functions/report.ts"))).toBe(true);
    expect(out).toContain("npm run local -- --check");
    expect(out).toMatch(
      /npm install[\s\S]*npm run keys[\s\S]*netlify env:set[\s\S]*npm run trust-policy[\s\S]*deploy/,
    );
  });

  it("lists in .env.example every variable the written site's code reads", async () => {
    const dir = join(work, "gcp-site");
    expect((await run([dir, "--template", "netlify-gcp-gcs"])).code).toBe(0);
    const example = readFileSync(join(dir, ".env.example"), "utf8");
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=$/gm)].map((m) => m[1]);
    const read = files(join(dir, "netlify")).flatMap((file) => scanEnvNames(readFileSync(file, "utf8")));
    expect(read.length).toBeGreaterThan(3);
    for (const name of [...read, "FEDKIT_ISSUER_KEYS", "FEDKIT_ISSUER_PUBLIC_KEYS"])
      expect(listed).toContain(name);
  });

  it("makes git ignore key files and env files, but not .env.example or the code", async () => {
    const dir = join(work, "azure-site");
    const created = await run([dir, "--cloud", "azure", "--yes"]);
    expect(created.code).toBe(0);
    // The Azure site runs locally like the others: `fedkit dev` with its seed and the site's own Azurite.
    expect(created.out).toContain("npm run local -- --check");
    const site = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(site.scripts.local).toBe("fedkit dev");
    expect(site.devDependencies.azurite).toBe("3.35.0");
    const seed = JSON.parse(readFileSync(join(dir, "fedkit.local.json"), "utf8"));
    expect(Object.keys(seed.azurite)).toEqual(["private"]);

    const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    expect(git("init", "-q").status).toBe(0);
    const secrets = [
      "fedkit-issuer-keys.production.json",
      "fedkit-keys.json",
      "issuer.pem",
      ".env",
      ".env.production",
    ];
    for (const file of [...secrets, ".env.example"]) writeFileSync(join(dir, file), "x");
    const ignored = git("check-ignore", ...secrets, ".env.example", "netlify/fedkit.config.js").stdout.split(
      "\n",
    );
    expect(ignored.filter(Boolean).sort()).toEqual([...secrets].sort());
  });

  it("asks on a terminal: the chosen cloud decides the template", async () => {
    const asked: string[] = [];
    const prompter: Prompter = {
      async text(question) {
        asked.push(question);
        return join(work, "asked-site");
      },
      async choose(question, choices) {
        asked.push(`${question} ${choices.join("/")}`);
        return "gcp";
      },
    };
    expect((await run([], prompter)).code).toBe(0);
    expect(asked).toEqual([
      "Directory for the new site",
      "Which cloud or service holds the data? aws/gcp/azure/anthropic",
    ]);
    expect(existsSync(join(work, "asked-site/netlify/edge-functions/report.ts"))).toBe(true);
    expect(readFileSync(join(work, "asked-site/netlify/fedkit.config.js"), "utf8")).toContain("gcpCloud");
  });
});

describe("templates beyond one Netlify template per cloud", () => {
  it("--cloud picks among Netlify templates: the same cloud on another platform is not taken", async () => {
    const dir = join(work, "by-cloud");
    const { code, out } = await run([dir, "--cloud", "aws"]);
    expect(code).toBe(0);
    expect(out).toContain("from netlify-aws-s3 (netlify, aws)");
    expect(existsSync(join(dir, "netlify/fedkit.config.js"))).toBe(true);
  });

  it("--platform with --cloud picks that platform's template, with next steps and .env.example for it", async () => {
    const dir = join(work, "worker-site");
    const { code, out } = await run([dir, "--platform", "cloudflare-workers", "--cloud", "aws"]);
    expect(code).toBe(0);
    expect(out).toContain("from cloudflare-workers-aws-s3 (cloudflare-workers, aws)");
    expect(out).not.toContain("netlify");
    expect(existsSync(join(dir, "wrangler.jsonc"))).toBe(true);
    expect(existsSync(join(dir, "test"))).toBe(false);
    const example = readFileSync(join(dir, ".env.example"), "utf8");
    expect(example).not.toContain("@fedkit/netlify");
    expect(example).toMatch(/^REPORTS_ROLE_ARN=$/m);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.fedkit).toBeUndefined();
    expect(Object.values(pkg.dependencies).every((r) => !String(r).startsWith("workspace:"))).toBe(true);
  });

  it("--template names any template: the LLM sample on Netlify with its service's trust step", async () => {
    const dir = join(work, "llm-site");
    const { code, out } = await run([dir, "--template", "netlify-llm"]);
    expect(code).toBe(0);
    expect(out).toContain("prints the federation issuer and rule");
    expect(readFileSync(join(dir, "netlify/fedkit.config.js"), "utf8")).toContain(
      "@fedkit/netlify/anthropic",
    );
    expect(readFileSync(join(dir, ".env.example"), "utf8")).toMatch(/^FEDKIT_ISSUER_KEYS=$/m);
  });

  it("a marker with an unknown cloud or a malformed platform is no template", () => {
    expect(templateMarker({ fedkit: { template: { cloud: "aws" } } })).toEqual({
      platform: "netlify",
      cloud: "aws",
    });
    expect(templateMarker({ fedkit: { template: { platform: "deno-deploy", cloud: "gcp" } } })).toEqual({
      platform: "deno-deploy",
      cloud: "gcp",
    });
    expect(templateMarker({ fedkit: { template: { cloud: "s3" } } })).toBeUndefined();
    expect(templateMarker({ fedkit: { template: { platform: "../x", cloud: "aws" } } })).toBeUndefined();
    expect(templateMarker({})).toBeUndefined();
  });
});

describe("refusals: a typed error, a hint, an exit code, nothing written", () => {
  it("a non-empty directory exits 1 and leaves its files alone", async () => {
    const dir = join(work, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const { code, err } = await run([dir, "--cloud", "aws"]);
    expect(code).toBe(1);
    expect(err).toContain("is not empty");
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });

  const at = (name: string) => join(work, name);
  it.each([
    [[at("x1"), "--cloud", "aws2"], "Unknown cloud"],
    [[at("x2"), "--template", "nope"], "Unknown template"],
    [[at("x3"), "--template", "netlify-aws-s3", "--cloud", "gcp"], "targets aws, not gcp"],
    [[at("x4")], "Not a terminal"],
    [[at("My Site"), "--cloud", "aws"], "cannot be a package name"],
    [[at("x5"), at("x6"), "--cloud", "aws"], "Expected one directory"],
    [[at("x7"), "--colud", "aws"], "Unknown option"],
    [[at("x8"), "--platform", "heroku", "--cloud", "aws"], "Unknown platform"],
    [
      [at("x9"), "--template", "netlify-aws-s3", "--platform", "deno-deploy"],
      "runs on netlify, not deno-deploy",
    ],
  ])("%j exits 2 with a hint", async (argv, message) => {
    const before = readdirSync(work).length;
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err.split("\n")[1]?.trim().length).toBeGreaterThan(10);
    expect(readdirSync(work).length).toBe(before);
  });

  it("--help lists the templates and exits 0", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    for (const t of manifest.templates) expect(out).toContain(t.name);
    expect(out).toMatch(/deno-deploy-aws-s3\s+deno-deploy, aws/);
    expect(out).toContain("--platform");
  });
});
