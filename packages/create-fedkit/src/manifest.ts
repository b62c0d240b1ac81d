/** The clouds a template can target. @public */
export const CLOUDS = ["aws", "gcp", "azure"] as const;
/** @public */
export type Cloud = (typeof CLOUDS)[number];

/** One template as the build step recorded it (`templates/manifest.json`). @public */
export interface TemplateEntry {
  /** The sample's directory name in `apps/`, e.g. `netlify-aws-s3`. */
  readonly name: string;
  readonly cloud: Cloud;
  readonly description: string;
  /** Whether the sample has `npm run local` (the site against the emulator, no cloud account needed). */
  readonly local: boolean;
  /** Variables the site's own files read (found in its code). */
  readonly siteEnv: readonly string[];
  /** Variables `@fedkit/netlify` reads at run time for this cloud (found in its sources). */
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

/**
 * Whether a manifest `fedkit` field marks a sample as a template, and for which cloud.
 *
 * @example
 * ```ts
 * templateCloud({ fedkit: { template: { cloud: "aws" } } }); // "aws"
 * ```
 * @public
 */
export function templateCloud(manifest: { fedkit?: { template?: { cloud?: unknown } } }): Cloud | undefined {
  const cloud = manifest.fedkit?.template?.cloud;
  return CLOUDS.find((c) => c === cloud);
}
