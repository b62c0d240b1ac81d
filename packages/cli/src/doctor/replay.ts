/** `fedkit doctor --target NAME [--drift] [exports]` and `fedkit doctor --token JWT`: trust replay and drift. */
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { loadConfig } from "../config.js";
import { type CliIo, ExitCode, paint, usageError } from "../io.js";
import { type FedkitConfig, issuerUrl } from "../issuer-api.js";
import { fetchIssuerDocument } from "../published.js";
import {
  drift,
  type ExportFiles,
  generatedExport,
  readExport,
  type TrustExport,
  trustOf,
} from "../replay/generated.js";
import { scenariosFor } from "../replay/scenarios.js";
import type { ReplayResult } from "../replay/types.js";

/** The options of the replay modes. @internal */
export interface ReplayOptions extends ExportFiles {
  readonly target?: string | undefined;
  readonly context?: string[] | undefined;
  readonly config?: string | undefined;
  readonly "site-url"?: string | undefined;
  readonly drift?: boolean | undefined;
  readonly token?: string | undefined;
  readonly json?: boolean | undefined;
}

function checkTarget(config: FedkitConfig, name: string | undefined): string {
  if (name !== undefined && Object.hasOwn(config.targets, name)) return name;
  throw usageError(
    name === undefined
      ? "doctor needs --target <name> for a replay."
      : `No target named ${name} in the config.`,
    `Targets: ${Object.keys(config.targets).join(", ") || "(none)"}.`,
  );
}

function trustFor(io: CliIo, config: FedkitConfig, target: string, context: string, options: ReplayOptions) {
  const cloud = String((config.targets[target] as { cloud: string }).cloud);
  const deployed = readExport(io.cwd, cloud, options);
  return { cloud, deployed, generated: () => generatedExport(config, target, context) };
}

const rowsText = (io: CliIo, result: ReplayResult): string[] => {
  const c = paint(io);
  return result.rows.flatMap((r) => [
    `    ${r.ok ? c.green("ok  ") : c.red("DIFF")} ${r.claim}: presented ${r.presented}`,
    `         expected ${r.expected}`,
    ...(r.fix === undefined ? [] : [`         ${c.yellow(`fix: ${r.fix}`)}`]),
  ]);
};

/** Replays the scenarios of a target against its deployed (or generated) trust; with `drift`, compares them. @internal */
export async function replayCommand(io: CliIo, options: ReplayOptions): Promise<ExitCode> {
  const config = await loadConfig(io, options.config, options["site-url"]);
  const target = checkTarget(config, options.target);
  const context =
    options.context?.[0] ??
    (config.targets[target] as { trustContext?: string }).trustContext ??
    "production";
  const { cloud, deployed, generated } = trustFor(io, config, target, context, options);
  const c = paint(io);
  if (options.drift === true) {
    if (deployed === undefined)
      throw usageError(`--drift needs the deployed trust of ${cloud} target ${target}.`, EXPORT_HINT);
    const differences = drift(generated(), deployed);
    if (options.json === true)
      io.stdout(JSON.stringify({ command: "doctor --drift", target, context, drift: differences }, null, 2));
    else
      io.stdout(
        differences.length === 0
          ? c.green(`no drift: ${target} (${cloud}, ${context}) matches the config`)
          : [
              c.red(`drift: ${target} (${cloud}, ${context})`),
              ...differences.map((d) => `  - ${d}`),
              c.yellow("fix: apply `fedkit trust` output, or update the config if the cloud side is right"),
            ].join("\n"),
      );
    return differences.length === 0 ? ExitCode.ok : ExitCode.findings;
  }
  const trust = trustOf(deployed ?? generated());
  const scenarios = await scenariosFor(config, target, context);
  const results = scenarios.map((s) => ({ ...s, result: trust.evaluate(s.claims) }));
  const wide = trust.wide(context);
  const findings = results.filter((r) => r.result.accepted !== (r.intent === "accept")).length + wide.length;
  if (options.json === true) {
    io.stdout(
      JSON.stringify(
        {
          command: "doctor",
          target,
          cloud,
          context,
          trust: deployed === undefined ? "generated" : "deployed",
          scenarios: results.map(({ claims: _c, ...r }) => r),
          tooWide: wide,
          findings,
        },
        null,
        2,
      ),
    );
  } else {
    const lines = [
      c.bold(
        `target ${target} (${cloud}), deploy context ${context}, against the ${deployed === undefined ? "trust generated from the config" : "deployed trust"}`,
      ),
    ];
    for (const r of results) {
      const asIntended = r.result.accepted === (r.intent === "accept");
      const verdict = r.result.accepted ? "accepted" : "refused";
      lines.push(
        `  ${asIntended ? c.green("ok     ") : c.red("FINDING")} ${r.name}: ${verdict}${asIntended ? " as intended" : `, but the config ${r.intent === "accept" ? "maps it" : "does not map it"}`}${r.result.cloudSays === undefined ? "" : ` (${r.result.cloudSays})`}`,
      );
      if (r.note !== undefined) lines.push(`         ${c.dim(`note: ${r.note}`)}`);
      // A finding shows every claim; a refusal as intended shows the claims that refused it (--json has all).
      if (!asIntended) lines.push(...rowsText(io, r.result));
      else if (!r.result.accepted)
        lines.push(...rowsText(io, { ...r.result, rows: r.result.rows.filter((row) => !row.ok) }));
    }
    for (const w of wide)
      lines.push(`  ${c.red("TOO WIDE")} ${w.where}: ${w.why}`, `         ${c.yellow(`fix: ${w.fix}`)}`);
    io.stdout(lines.join("\n"));
  }
  return findings === 0 ? ExitCode.ok : ExitCode.findings;
}

const EXPORT_HINT =
  "Pass --aws-role (aws iam get-role --output json) [--aws-provider], --gcp-provider (gcloud … providers describe --format=json) [--gcp-policy], or --azure-credentials (az ad app federated-credential list).";

/** Decodes a token, verifies it against this site's issuer and says which target would accept it. @internal */
export async function tokenCommand(io: CliIo, options: ReplayOptions): Promise<ExitCode> {
  const config = await loadConfig(io, options.config, options["site-url"]);
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(options.token!) as Record<string, unknown>;
  } catch {
    throw usageError("--token is not a JWT.", "Pass the token's three dot-separated parts.");
  }
  const iss = String(claims["iss"]);
  const context = /\/oidc\/([^/]+)$/.exec(iss)?.[1] ?? String(claims["context"] ?? "production");
  const expected = issuerUrl(config.siteUrl, context);
  let verified: string;
  if (iss !== expected)
    verified = `not verified: iss ${iss} is not this site's ${context} issuer ${expected}`;
  else {
    // Only the config's own issuer is fetched, never a URL the token names.
    const jwks = await fetchIssuerDocument(io.fetch, `${expected}/.well-known/jwks.json`);
    try {
      await jwtVerify(options.token!, createLocalJWKSet(jwks.body as never), {
        issuer: expected,
        currentDate: new Date(io.now()),
      });
      verified = "signature and times verified against the issuer's JWKS";
    } catch (error) {
      verified = `not verified: ${(error as Error).message}`;
    }
  }
  const targets =
    options.target === undefined ? Object.keys(config.targets) : [checkTarget(config, options.target)];
  const c = paint(io);
  const results: { target: string; result: ReplayResult; trust: string }[] = [];
  for (const target of targets) {
    const { deployed, generated } = trustFor(io, config, target, context, options);
    let exported: TrustExport;
    try {
      exported = deployed ?? generated();
    } catch (error) {
      results.push({
        target,
        trust: "none",
        result: { accepted: false, rows: [], cloudSays: (error as Error).message },
      });
      continue;
    }
    results.push({
      target,
      trust: deployed === undefined ? "generated" : "deployed",
      result: trustOf(exported).evaluate(claims),
    });
  }
  const accepted = results.filter((r) => r.result.accepted).map((r) => r.target);
  if (options.json === true) {
    const shown = Object.fromEntries(
      ["iss", "sub", "aud", "context", "function", "exp"].map((k) => [k, claims[k]]),
    );
    io.stdout(
      JSON.stringify(
        { command: "doctor --token", claims: shown, verified, acceptedBy: accepted, targets: results },
        null,
        2,
      ),
    );
  } else {
    const lines = [
      `token: iss ${iss}, sub ${String(claims["sub"])}, aud ${String(claims["aud"])}`,
      `  ${verified.startsWith("not") ? c.red(verified) : c.green(verified)}`,
    ];
    for (const r of results) {
      lines.push(
        `  ${r.result.accepted ? c.green("accepted") : c.red("refused ")} by ${r.target}${r.result.cloudSays === undefined ? "" : ` (${r.result.cloudSays})`}`,
      );
      if (!r.result.accepted) lines.push(...rowsText(io, r.result));
    }
    io.stdout(lines.join("\n"));
  }
  return accepted.length > 0 && !verified.startsWith("not") ? ExitCode.ok : ExitCode.findings;
}
