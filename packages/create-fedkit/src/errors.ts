/** Why `create-fedkit` stopped. Stable: scripts and tests switch on it. @public */
export type CreateFedkitErrorCode =
  | "usage"
  | "unknown_template"
  | "unknown_cloud"
  | "unknown_platform"
  | "target_not_empty"
  | "invalid_name"
  | "templates_missing";

/** Exit code of each failure: 2 for a bad command line, 1 for everything else. */
const EXIT_CODES: Record<CreateFedkitErrorCode, number> = {
  usage: 2,
  unknown_template: 2,
  unknown_cloud: 2,
  unknown_platform: 2,
  invalid_name: 2,
  target_not_empty: 1,
  templates_missing: 1,
};

/**
 * A refusal of `create-fedkit`: a stable `code`, the process exit code and a hint saying how to fix it.
 *
 * @example
 * ```ts
 * throw new CreateFedkitError("unknown_cloud", 'Unknown cloud "aws2".', "Use --cloud aws, gcp or azure.");
 * ```
 * @public
 */
export class CreateFedkitError extends Error {
  readonly code: CreateFedkitErrorCode;
  readonly hint: string;
  readonly exitCode: number;

  constructor(code: CreateFedkitErrorCode, message: string, hint: string) {
    super(message);
    this.name = "CreateFedkitError";
    this.code = code;
    this.hint = hint;
    this.exitCode = EXIT_CODES[code];
  }
}
