/** `fedkit keys generate | stage | promote | retire | revoke | status`. */
import { parseCommand } from "../args.js";
import { type CliIo, ExitCode, paint, refusal, usageError } from "../io.js";
import { ISSUER_CACHE_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from "../issuer-api.js";
import { publishedKids } from "../published.js";
import { envCommands } from "./env-commands.js";
import {
  type ContextKeys,
  checkAlgorithm,
  currentKid,
  generateContextKeys,
  promoteKey,
  retireKey,
  revokeKey,
  stageKey,
} from "./lifecycle.js";
import { describeKeys, keysStatus } from "./status.js";
import {
  checkNotCommittable,
  keyDirectory,
  keySetFile,
  listContexts,
  readContextKeys,
  writeContextKeys,
} from "./store.js";

/**
 * How long a staged key must have been published before it signs: the clouds refresh their JWKS caches on
 * their own schedule, not on our `Cache-Control`, so the rotation guide's day applies.
 * @internal
 */
export const PUBLISH_WAIT_SECONDS = 24 * 60 * 60;

export const KEYS_HELP = `usage: fedkit keys <generate|stage|promote|retire|revoke|status> [options]

  generate --context <ctx>... [--alg RS256|ES256] [--force]   a new key set per context
  stage    --context <ctx> [--alg RS256|ES256] [--force]      rotation 1: publish a next key
  promote  --context <ctx> [--site-url <url>] [--force]       rotation 2: the next key signs (after ${PUBLISH_WAIT_SECONDS / 3600} h)
  retire   --context <ctx> [--force]                          rotation 3: drop the previous key
  revoke   --context <ctx> --kid <kid>                        emergency: drop a leaked key now
  status   [--context <ctx>]... [--site-url <url>]            kids per context, and what is deployed

options:
  --site <id>       key directory name (default: FEDKIT_SITE_ID, else "default")
  --dir <path>      key directory (default: $XDG_CONFIG_HOME/fedkit/keys/<site>; refused inside a git work
                    tree that does not ignore it)
  --site-url <url>  the deployed site (default: FEDKIT_SITE_URL) to check published keys
  --json            machine-readable output
Key files are written with mode 0600 and never printed; the printed commands read them.`;

const OPTIONS = {
  context: { type: "string", multiple: true },
  alg: { type: "string" },
  site: { type: "string" },
  dir: { type: "string" },
  "site-url": { type: "string" },
  kid: { type: "string" },
  force: { type: "boolean" },
} as const;

/** Runs `fedkit keys ...`. @internal */
export async function keysCommand(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCommand(io, argv, OPTIONS, KEYS_HELP, 1);
  if (parsed === undefined) return ExitCode.ok;
  const { values, positionals } = parsed;
  const sub = positionals[0];
  const dir = keyDirectory(io.env, io.cwd, values.site ?? io.env["FEDKIT_SITE_ID"] ?? "default", values.dir);
  // The default directory too: XDG_CONFIG_HOME may point into a dotfiles repository.
  checkNotCommittable(dir);
  const contexts = values.context ?? [];
  const one = () => {
    if (contexts.length !== 1) throw usageError(`keys ${sub} needs exactly one --context.`, KEYS_HELP);
    return contexts[0]!;
  };
  const existing = (context: string): ContextKeys => {
    const keys = readContextKeys(dir, context);
    if (keys === undefined) {
      throw refusal(
        `No ${context} keys in ${dir}.`,
        `Run \`fedkit keys generate --context ${context}\` first.`,
      );
    }
    return keys;
  };
  const siteUrl = values["site-url"] ?? io.env["FEDKIT_SITE_URL"];
  const now = io.now();
  const report: Record<string, unknown> = { command: `keys ${sub}`, directory: dir };
  const lines: string[] = [];
  const c = paint(io);
  const changed: string[] = [];

  switch (sub) {
    case "generate": {
      if (contexts.length === 0) throw usageError("keys generate needs --context (repeatable).", KEYS_HELP);
      const alg = checkAlgorithm(values.alg);
      for (const context of contexts) {
        if (readContextKeys(dir, context) !== undefined && values.force !== true) {
          throw refusal(
            `${keySetFile(dir, context)} exists; generating would replace the ${context} signing key.`,
            `Rotate with \`fedkit keys stage --context ${context}\`, or pass --force to overwrite it.`,
          );
        }
      }
      for (const context of contexts) {
        writeContextKeys(dir, context, await generateContextKeys(context, alg, now));
        changed.push(context);
        lines.push(
          `${c.green("generated")} ${context}: kid ${currentKid(readContextKeys(dir, context)!.current)}`,
        );
      }
      break;
    }
    case "stage": {
      const context = one();
      const keys = await stageKey(existing(context), {
        alg: checkAlgorithm(values.alg),
        now,
        ...force(values),
      });
      writeContextKeys(dir, context, keys);
      changed.push(context);
      lines.push(
        `${c.green("staged")} ${context}: next kid ${currentKid(keys.next!)} at ${new Date(now).toISOString()}`,
        `Deploy, then wait ${PUBLISH_WAIT_SECONDS / 3600} h (the verifiers' JWKS caches) before \`fedkit keys promote --context ${context}\`.`,
      );
      break;
    }
    case "promote": {
      const context = one();
      const keys = existing(context);
      const kids =
        siteUrl === undefined || keys.next === undefined
          ? undefined
          : await publishedKids(io.fetch, siteUrl, context);
      const result = await promoteKey(keys, {
        now,
        minAgeSeconds: PUBLISH_WAIT_SECONDS,
        ...(kids === undefined ? {} : { publishedKids: kids }),
        ...force(values),
      });
      for (const warning of result.warnings) io.stderr(`${c.yellow("warning:")} --force: ${warning}`);
      if (kids === undefined) {
        io.stderr(
          `${c.yellow("warning:")} no --site-url: the deployed JWKS was not checked for the next key.`,
        );
      }
      writeContextKeys(dir, context, result.keys);
      changed.push(context);
      lines.push(`${c.green("promoted")} ${context}: ${currentKid(result.keys.current)} signs now`);
      report["warnings"] = result.warnings;
      break;
    }
    case "retire": {
      const context = one();
      const result = await retireKey(existing(context), {
        now,
        minAgeSeconds: PUBLISH_WAIT_SECONDS + MAX_TOKEN_LIFETIME_SECONDS,
        ...force(values),
      });
      writeContextKeys(dir, context, result.keys);
      changed.push(context);
      lines.push(`${c.green("retired")} ${context}: ${result.retired.join(", ")}`);
      break;
    }
    case "revoke": {
      const context = one();
      if (values.kid === undefined) throw usageError("keys revoke needs --kid <kid>.", KEYS_HELP);
      const result = await revokeKey(existing(context), values.kid, { alg: checkAlgorithm(values.alg), now });
      writeContextKeys(dir, context, result.keys);
      changed.push(context);
      const stillTrusted = [
        `tokens it already signed stay valid until their exp (at most ${MAX_TOKEN_LIFETIME_SECONDS} s after minting)`,
        `verifiers that cached the JWKS keep accepting it until they refresh (our Cache-Control: ${ISSUER_CACHE_SECONDS} s; AWS, GCP and Entra refresh on their own schedule; the rotation guide allows ${PUBLISH_WAIT_SECONDS / 3600} h)`,
        `every role, pool provider and federated credential that trusts the ${context} issuer trusts those tokens until then; revoke the credentials they minted in the cloud if the leak is confirmed`,
      ];
      report["stillTrusts"] = stillTrusted;
      if (result.replacedBy !== undefined) report["replacedBy"] = result.replacedBy;
      lines.push(
        `${c.red("revoked")} ${context}: ${values.kid} is no longer in the key set${result.replacedBy === undefined ? "" : `; ${result.replacedBy} signs now`}`,
        ...(result.replacedBy === undefined
          ? []
          : [
              `${result.replacedBy} signs without the publication wait: exchanges can fail until verifiers refresh their JWKS.`,
            ]),
        "Deploy at once. Until then, and after:",
        ...stillTrusted.map((line) => `  - ${line}`),
      );
      break;
    }
    case "status":
      return keysStatus(
        io,
        dir,
        contexts.length > 0 ? contexts : listContexts(dir),
        siteUrl,
        values.json === true,
      );
    default:
      throw usageError(
        sub === undefined ? "keys needs a subcommand." : `Unknown keys subcommand ${sub}.`,
        KEYS_HELP,
      );
  }
  const commands = envCommands(dir, changed);
  report["contexts"] = Object.fromEntries(
    changed.map((context) => [context, describeKeys(readContextKeys(dir, context)!)]),
  );
  report["commands"] = commands;
  if (values.json === true) io.stdout(JSON.stringify(report, null, 2));
  else
    io.stdout(
      [
        ...lines,
        "",
        c.bold("Set the values (the files are read by the shell, never printed):"),
        ...commands,
      ].join("\n"),
    );
  return ExitCode.ok;
}

const force = (values: { force?: boolean | undefined }) => (values.force === true ? { force: true } : {});
