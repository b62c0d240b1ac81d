/// <reference types="node" />
/**
 * The `create-fedkit` command: parses flags, asks on a terminal, scaffolds and prints the next steps.
 *
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CreateFedkitError } from "./errors.js";
import { CLOUDS, type TemplatesManifest } from "./manifest.js";
import { type CreateArgs, type Prompter, resolveChoice } from "./options.js";
import { nextSteps, scaffold } from "./scaffold.js";

const PACKAGED_TEMPLATES = fileURLToPath(new URL("../templates/", import.meta.url));

function usage(manifest: TemplatesManifest | undefined): string {
  const names =
    manifest?.templates.map((t) => `    ${t.name.padEnd(28)} ${t.platform}, ${t.cloud}`).join("\n") ?? "";
  return `Usage: npm create fedkit@latest [directory] -- [options]

Creates a site that reads private cloud data (or calls an API) with no key stored.

Options:
  --cloud <name>            the cloud or service: ${CLOUDS.join(", ")} (picks its template)
  --platform <name>         where the site runs (default netlify; with --cloud, picks that platform's template)
  --template <name>         any template by name (platform, cloud):
${names}
  -y, --yes                 take defaults for anything not given; never ask
  -h, --help                this text

Without a terminal (CI), pass the directory and --cloud or --template (or --yes).
Exit codes: 0 created, 2 bad command line, 1 other failure (e.g. the directory is not empty).`;
}

function parse(argv: readonly string[]): CreateArgs & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        cloud: { type: "string" },
        platform: { type: "string" },
        template: { type: "string" },
        yes: { type: "boolean", short: "y" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (positionals.length > 1) throw new Error(`Expected one directory, got ${positionals.join(" ")}.`);
    return {
      dir: positionals[0],
      cloud: values.cloud,
      platform: values.platform,
      template: values.template,
      yes: values.yes,
      help: !!values.help,
    };
  } catch (error) {
    throw new CreateFedkitError("usage", (error as Error).message, "Run with --help for the options.");
  }
}

function terminalPrompter(): Prompter | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const ask = async (question: string) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  };
  return {
    async text(question, fallback) {
      return (await ask(`${question} (${fallback}): `)) || fallback;
    },
    async choose(question, choices) {
      const list = choices.map((c, i) => `  ${i + 1}. ${c}`).join("\n");
      for (;;) {
        const answer = await ask(`${question}\n${list}\nNumber (1): `);
        const index = answer === "" ? 0 : Number(answer) - 1;
        const choice = choices[index];
        if (choice !== undefined) return choice;
      }
    },
  };
}

/**
 * Runs `create-fedkit` with these arguments; returns the exit code (errors are printed, never thrown).
 *
 * @example
 * ```ts
 * process.exitCode = await main(["my-site", "--cloud", "aws"]);
 * ```
 * @public
 */
export async function main(
  argv: readonly string[],
  options: { templatesDir?: string; prompter?: Prompter } = {},
): Promise<number> {
  const templatesDir = options.templatesDir ?? PACKAGED_TEMPLATES;
  let manifest: TemplatesManifest | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(templatesDir, "manifest.json"), "utf8"));
  } catch {
    manifest = undefined;
  }
  try {
    const args = parse(argv);
    if (args.help) {
      console.log(usage(manifest));
      return 0;
    }
    if (manifest === undefined) {
      throw new CreateFedkitError(
        "templates_missing",
        `No templates in ${templatesDir}.`,
        "Reinstall create-fedkit (npm create fedkit@latest); in the repository, build it first.",
      );
    }
    const choice = await resolveChoice(args, manifest, options.prompter ?? terminalPrompter());
    scaffold({ templatesDir, template: choice.template, targetDir: choice.dir });
    console.log(nextSteps(choice.dir, choice.template));
    return 0;
  } catch (error) {
    if (!(error instanceof CreateFedkitError)) throw error;
    console.error(`create-fedkit: ${error.message}\n  ${error.hint}`);
    return error.exitCode;
  }
}
