/// <reference types="node" />
/**
 * Writes a site from a copied sample (its ranges already made real by the build step), a `.gitignore` that keeps
 * keys and env files out of git, an `.env.example` of every variable the site reads, and the next steps.
 *
 * @packageDocumentation
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CreateFedkitError } from "./errors.js";
import { type Cloud, DEFAULT_PLATFORM, type TemplateEntry } from "./manifest.js";

/** What a site must never commit: issuer keys (the CLI's files and any PEM), env files, local build state. */
export const GITIGNORE = `node_modules/
.netlify/
dist/
# Secrets: issuer key files written by \`fedkit keys\` (or the older \`fedkit-netlify keys\`), any private key, local env files.
fedkit-issuer-keys*
fedkit-keys*
*.pem
*.key
.env
.env.*
!.env.example
`;

/** Options of {@link scaffold}. @public */
export interface ScaffoldOptions {
  /** Where the package keeps the copied samples and `manifest.json`. */
  readonly templatesDir: string;
  readonly template: TemplateEntry;
  /** The new site's directory: must not exist, or be empty. Its name becomes the package name. */
  readonly targetDir: string;
}

/** What {@link scaffold} wrote. @public */
export interface ScaffoldResult {
  readonly dir: string;
  readonly name: string;
  /** The dependencies of the site's package.json. */
  readonly dependencies: Readonly<Record<string, string>>;
}

const PACKAGE_NAME = /^(?![._])[a-z0-9._-]{1,214}$/;

/**
 * Creates the site.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const manifest = JSON.parse(readFileSync("templates/manifest.json", "utf8"));
 * scaffold({ templatesDir: "templates", template: manifest.templates[0], targetDir: "my-site" });
 * ```
 * @public
 */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const dir = resolve(options.targetDir);
  const name = basename(dir);
  if (!PACKAGE_NAME.test(name)) {
    throw new CreateFedkitError(
      "invalid_name",
      `"${name}" cannot be a package name.`,
      "Use lowercase letters, digits, '-', '.' or '_' (not first), e.g. my-site.",
    );
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CreateFedkitError(
      "target_not_empty",
      `${dir} exists and is not empty.`,
      "Choose a new directory name, or empty that one first; create-fedkit never overwrites files.",
    );
  }
  const source = join(options.templatesDir, options.template.name);
  if (!existsSync(join(source, "package.json"))) {
    throw new CreateFedkitError(
      "templates_missing",
      `Template ${options.template.name} is missing from ${options.templatesDir}.`,
      "Reinstall create-fedkit (npm create fedkit@latest); in the repository, run its build first.",
    );
  }
  cpSync(source, dir, { recursive: true });
  const manifestFile = join(dir, "package.json");
  // The build step already wrote real version ranges; the site only gets its own name.
  const site = { ...JSON.parse(readFileSync(manifestFile, "utf8")), name };
  writeFileSync(manifestFile, `${JSON.stringify(site, null, 2)}\n`);
  writeFileSync(join(dir, ".gitignore"), GITIGNORE);
  writeFileSync(join(dir, ".env.example"), envExample(options.template));
  return { dir, name, dependencies: site.dependencies ?? {} };
}

/**
 * The `.env.example` of a template: every variable its code and, on Netlify, `@fedkit/netlify` and the site
 * issuer read, empty.
 *
 * @example
 * ```ts
 * envExample({ name: "t", platform: "netlify", cloud: "aws", description: "", local: false, siteEnv: ["REPORTS_ROLE_ARN"], libraryEnv: [] });
 * ```
 * @public
 */
export function envExample(template: TemplateEntry): string {
  const netlify = template.platform === DEFAULT_PLATFORM;
  const lines = netlify
    ? [
        "# Every variable this site reads (found in its code and in @fedkit/netlify by create-fedkit).",
        "# On Netlify: netlify env:set NAME value --context <context> --scope functions (add --secret for keys).",
        "# Locally: copy to .env, which git ignores. Never commit issuer keys.",
        "",
        "# Read by @fedkit/netlify (the site issuer):",
        ...template.libraryEnv.map((name) => `${name}=`),
        "",
        "# Read by this site's code (netlify/):",
      ]
    : [
        `# Every variable this ${template.platform} site's code reads (found in it by create-fedkit).`,
        "# Set them as the platform's variables or bindings (README.md); locally copy to .env, which git ignores.",
        "",
      ];
  lines.push(
    ...template.siteEnv.filter((name) => !template.libraryEnv.includes(name)).map((name) => `${name}=`),
  );
  return `${lines.join("\n")}\n`;
}

/** What `npm run trust-policy` prints for each target of a Netlify template. */
const TRUST: Readonly<Record<Cloud, string>> = {
  aws: "the IAM role",
  gcp: "the workload identity provider",
  azure: "the federated credential",
  openai: "the workload identity provider and service account mapping",
  anthropic: "the federation issuer and rule",
  openrouter: "the federation policy",
};

/**
 * The steps printed after scaffolding: install, a local try when the template has one, then for a Netlify site
 * keys, env vars, trust and deploy; another platform's site points to its README, where its token source and
 * trust are described.
 *
 * @example
 * ```ts
 * console.log(nextSteps("my-site", { name: "netlify-aws-s3", platform: "netlify", cloud: "aws", description: "", local: true, siteEnv: [], libraryEnv: [] }));
 * ```
 * @public
 */
export function nextSteps(dirArg: string, template: TemplateEntry): string {
  const head = [
    `Created ${dirArg} from ${template.name} (${template.platform}, ${template.cloud}). Next:`,
    "",
    `  cd ${dirArg}`,
    "  npm install",
  ];
  if (template.platform !== DEFAULT_PLATFORM) {
    return [
      ...head,
      "  # set the variables listed in .env.example, create the trust README.md describes, then deploy",
      "",
      `README.md walks through each step for ${template.platform}.`,
    ].join("\n");
  }
  return [
    ...head,
    ...(template.local
      ? [
          "  npm run local -- --check   # try it first: the site on Netlify's edge runtime against a local emulator",
        ]
      : []),
    "  npm run keys            # one issuer key per deploy context, written to git-ignored files",
    "  # set the printed FEDKIT_ISSUER_KEYS / FEDKIT_ISSUER_PUBLIC_KEYS with netlify env:set,",
    "  # and the other variables listed in .env.example, then delete the key files",
    `  npm run trust-policy    # prints ${TRUST[template.cloud]} that trusts only this site's functions`,
    "  netlify deploy --prod",
    "",
    "README.md walks through each step; the CLI runs from node_modules (npx --no-install fedkit …).",
  ].join("\n");
}
