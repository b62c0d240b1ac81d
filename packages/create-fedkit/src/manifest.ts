/**
 * What a Netlify template can target: `@fedkit/netlify`'s plugin subpaths (`@fedkit/netlify/aws`, …). A Netlify
 * template's `.env.example` takes the adapter's variables for its own plugin only.
 * @public
 */
export const CLOUDS = ["aws", "gcp", "azure", "openai", "anthropic", "openrouter"] as const;
/** @public */
export type Cloud = (typeof CLOUDS)[number];

/** The platform a template runs on when its marker names none. @public */
export const DEFAULT_PLATFORM = "netlify";

/** What a sample's `"fedkit": { "template": { platform?, cloud } }` marker says. @public */
export interface TemplateMarker {
  /** Where the site runs: `netlify` (the default), `cloudflare-workers`, `deno-deploy`, … */
  readonly platform: string;
  /** The service holding the data or answering the call: a {@link Cloud}. */
  readonly cloud: Cloud;
}

/** One template as the build step recorded it (`templates/manifest.json`). @public */
export interface TemplateEntry {
  /** The sample's directory name in `apps/`, e.g. `netlify-aws-s3`. */
  readonly name: string;
  readonly platform: string;
  readonly cloud: Cloud;
  readonly description: string;
  /** Whether the sample has `npm run local` (the site against the emulator, no cloud account needed). */
  readonly local: boolean;
  /** Variables the site's own files read (found in its code). */
  readonly siteEnv: readonly string[];
  /**
   * Variables the library reads at run time (found in its sources): for a Netlify template, `@fedkit/netlify`
   * with this cloud's plugin and `@fedkit/issuer`; other platforms' samples read theirs in their own code.
   */
  readonly libraryEnv: readonly string[];
}

/** What the package carries next to the copied samples. @public */
export interface TemplatesManifest {
  /** The version of every public `@fedkit/*` package at build time: `workspace:` ranges become `^<version>`. */
  readonly versions: Readonly<Record<string, string>>;
  readonly templates: readonly TemplateEntry[];
}

/** Files and directories of a sample that never go into a template. */
export const EXCLUDED = new Set(["node_modules", ".netlify", "test", "dist", ".turbo", ".env"]);

const PLATFORM = /^[a-z][a-z0-9-]*$/;

/**
 * Whether a manifest's `fedkit` field marks a sample as a template, and for which platform and cloud. A marker
 * with an unknown cloud or a malformed platform is no template (the build lists only what it can scaffold).
 *
 * @example
 * ```ts
 * templateMarker({ fedkit: { template: { cloud: "aws" } } }); // { platform: "netlify", cloud: "aws" }
 * templateMarker({ fedkit: { template: { platform: "deno-deploy", cloud: "aws" } } }); // { platform: "deno-deploy", cloud: "aws" }
 * ```
 * @public
 */
export function templateMarker(manifest: {
  fedkit?: { template?: { platform?: unknown; cloud?: unknown } };
}): TemplateMarker | undefined {
  const marker = manifest.fedkit?.template;
  const cloud = CLOUDS.find((c) => c === marker?.cloud);
  const platform = marker?.platform ?? DEFAULT_PLATFORM;
  if (cloud === undefined || typeof platform !== "string" || !PLATFORM.test(platform)) return undefined;
  return { platform, cloud };
}
