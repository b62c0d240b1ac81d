import { CreateFedkitError } from "./errors.js";
import { CLOUDS, DEFAULT_PLATFORM, type TemplateEntry, type TemplatesManifest } from "./manifest.js";

/** The command line after parsing, before any question. @public */
export interface CreateArgs {
  readonly dir?: string | undefined;
  readonly cloud?: string | undefined;
  /** Where the site runs (`netlify`, `cloudflare-workers`, `deno-deploy`); filters the templates. */
  readonly platform?: string | undefined;
  readonly template?: string | undefined;
  /** Take the defaults for whatever was not given, ask nothing. */
  readonly yes?: boolean | undefined;
}

/** Asks the user to choose; only given when stdin and stdout are a terminal. @public */
export interface Prompter {
  text(question: string, fallback: string): Promise<string>;
  choose(question: string, choices: readonly string[]): Promise<string>;
}

/** The resolved choice. @public */
export interface CreateChoice {
  readonly dir: string;
  readonly template: TemplateEntry;
}

export const DEFAULT_DIR = "my-fedkit-site";

/**
 * Turns flags (and, on a terminal, answers) into a directory and a template. Without a terminal and without
 * `--yes`, every missing value is a `usage` error, so CI never hangs on a question.
 *
 * @example
 * ```ts
 * const choice = await resolveChoice({ dir: "my-site", cloud: "aws" }, manifest, undefined);
 * ```
 * @public
 */
export async function resolveChoice(
  args: CreateArgs,
  manifest: TemplatesManifest,
  prompter: Prompter | undefined,
): Promise<CreateChoice> {
  const ask = args.yes ? undefined : prompter;
  if (args.cloud !== undefined && !CLOUDS.some((c) => c === args.cloud)) {
    throw new CreateFedkitError(
      "unknown_cloud",
      `Unknown cloud "${args.cloud}".`,
      `Use --cloud ${CLOUDS.join(", --cloud ")}.`,
    );
  }
  const platforms = [...new Set(manifest.templates.map((t) => t.platform))];
  if (args.platform !== undefined && !platforms.includes(args.platform)) {
    throw new CreateFedkitError(
      "unknown_platform",
      `Unknown platform "${args.platform}".`,
      `Use --platform ${platforms.join(", --platform ")}.`,
    );
  }
  let template: TemplateEntry | undefined;
  if (args.template !== undefined) {
    template = manifest.templates.find((t) => t.name === args.template);
    if (template === undefined) {
      throw new CreateFedkitError(
        "unknown_template",
        `Unknown template "${args.template}".`,
        `Use one of: ${manifest.templates.map((t) => t.name).join(", ")}.`,
      );
    }
    if (args.cloud !== undefined && template.cloud !== args.cloud) {
      throw new CreateFedkitError(
        "usage",
        `Template ${template.name} targets ${template.cloud}, not ${args.cloud}.`,
        "Pass either --template or --cloud, or a matching pair.",
      );
    }
    if (args.platform !== undefined && template.platform !== args.platform) {
      throw new CreateFedkitError(
        "usage",
        `Template ${template.name} runs on ${template.platform}, not ${args.platform}.`,
        "Pass either --template or --platform, or a matching pair.",
      );
    }
  }
  let dir = args.dir;
  if (dir === undefined) {
    if (ask) dir = await ask.text("Directory for the new site", DEFAULT_DIR);
    else if (args.yes) dir = DEFAULT_DIR;
    else throw missing("the directory");
  }
  if (template === undefined) {
    // --cloud alone picks among Netlify templates; --platform names another platform's.
    const platform = args.platform ?? DEFAULT_PLATFORM;
    const onPlatform = manifest.templates.filter((t) => t.platform === platform);
    let cloud = args.cloud;
    if (cloud === undefined) {
      const offered = CLOUDS.filter((c) => onPlatform.some((t) => t.cloud === c));
      if (ask) cloud = await ask.choose("Which cloud or service holds the data?", offered);
      else if (args.yes) cloud = offered[0];
      else throw missing("--cloud or --template");
    }
    const candidates = onPlatform.filter((t) => t.cloud === cloud);
    if (candidates.length > 1 && ask) {
      const name = await ask.choose(
        "Which template?",
        candidates.map((t) => t.name),
      );
      template = candidates.find((t) => t.name === name);
    } else {
      template = candidates[0];
    }
    if (template === undefined) {
      throw new CreateFedkitError(
        "unknown_cloud",
        `No ${platform} template for ${cloud}.`,
        `Use one of: ${manifest.templates.map((t) => t.name).join(", ")}.`,
      );
    }
  }
  return { dir, template };
}

function missing(what: string): CreateFedkitError {
  return new CreateFedkitError(
    "usage",
    `Not a terminal, so no questions: ${what} must be given.`,
    "Run: npm create fedkit@latest my-site -- --cloud aws (or --template <name>), or add --yes for defaults.",
  );
}
