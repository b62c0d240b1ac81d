#!/usr/bin/env node
/// <reference types="node" />
/**
 * `fedkit-netlify`: key generation, rotation and trust policies for the site issuer.
 *
 *   fedkit-netlify keys generate [--context production] [--alg RS256|ES256]
 *   fedkit-netlify keys stage --current <file> --next <file>     (rotation step 1: publish next)
 *   fedkit-netlify keys promote --current <file> --next <file>   (rotation step 2, >= 24 h later)
 *   fedkit-netlify trust-policy --config netlify/fedkit.config.js --target reports [--context production]
 *
 * Key documents are written to files (mode 0600), never printed, so they do not land in shell history or CI logs.
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  generateIssuerKeys,
  type IssuerKeyDocument,
  promoteNextKey,
  stageNextKey,
  toPublicJwk,
} from "@fedkit/issuer";
import { trustPolicyFor } from "../trust/policy.js";

const USAGE = `usage:
  fedkit-netlify keys generate [--context <ctx>]... [--alg RS256|ES256] [--out-dir .]
  fedkit-netlify keys stage --current <file> --next <file> [--out <file>]
  fedkit-netlify keys promote --current <file> --next <file> [--out <file>]
  fedkit-netlify trust-policy --config <fedkit.config.js> --target <name> [--context production]`;

/** A key document from a file; one without its deploy `context` (written before it was mandatory) is refused. */
const read = (file: string): IssuerKeyDocument => {
  const doc = JSON.parse(readFileSync(file, "utf8")) as Partial<IssuerKeyDocument>;
  if (typeof doc?.context !== "string" || doc.context === "") {
    throw new TypeError(
      `${file} names no deploy "context"; add "context": "<context>" (the context whose FEDKIT_ISSUER_KEYS it is) or regenerate it with \`keys generate --context <context>\`.`,
    );
  }
  return doc as IssuerKeyDocument;
};
const secretFile = (file: string, doc: IssuerKeyDocument) =>
  writeFileSync(file, `${JSON.stringify(doc)}\n`, { mode: 0o600 });

async function main(argv: string[]): Promise<number> {
  // Deprecated: `fedkit` (@fedkit/cli) keeps keys outside the project and refuses what this CLI let through.
  console.error(
    "fedkit-netlify is deprecated and will be removed: use `fedkit keys` and `fedkit trust` from @fedkit/cli (see docs/cli.md).",
  );
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      context: { type: "string", multiple: true },
      alg: { type: "string" },
      "out-dir": { type: "string" },
      out: { type: "string" },
      current: { type: "string" },
      next: { type: "string" },
      config: { type: "string" },
      target: { type: "string" },
    },
  });
  const [command, sub] = positionals;
  if (command === "keys" && sub === "generate") {
    const alg = values.alg === "ES256" ? "ES256" : "RS256";
    const publicMap: Record<string, { keys: unknown[] }> = {};
    for (const context of values.context ?? ["production"]) {
      const { document, publicJwk } = await generateIssuerKeys({ context, alg });
      const file = resolve(values["out-dir"] ?? ".", `fedkit-issuer-keys.${context}.json`);
      secretFile(file, document);
      publicMap[context] = { keys: [publicJwk] };
      console.log(`${context}: wrote ${file} (secret; kid ${publicJwk.kid})`);
      console.log(
        `  netlify env:set FEDKIT_ISSUER_KEYS "$(cat ${file})" --context ${context} --scope functions --secret`,
      );
    }
    const { production: _production, ...others } = publicMap;
    console.log("\nPublic keys of the non-production contexts, for the production deploy to publish:");
    console.log(
      `  netlify env:set FEDKIT_ISSUER_PUBLIC_KEYS '${JSON.stringify(others)}' --context production --scope functions`,
    );
    return 0;
  }
  if (command === "keys" && (sub === "stage" || sub === "promote") && values.current && values.next) {
    const current = read(values.current);
    const next = read(values.next);
    const nextPrivate = next.keys.find((k) => k["d"] !== undefined);
    if (nextPrivate === undefined) throw new TypeError(`${values.next} holds no private key`);
    const doc =
      sub === "stage" ? stageNextKey(current, toPublicJwk(nextPrivate)) : promoteNextKey(current, next);
    const out = resolve(values.out ?? values.current);
    secretFile(out, doc);
    console.log(
      `wrote ${out}; set it as FEDKIT_ISSUER_KEYS of context ${doc.context} (and only that context) and redeploy.`,
    );
    if (sub === "stage")
      console.log("Wait at least 24 hours (verifiers' JWKS caches) before `keys promote`.");
    return 0;
  }
  if (command === "trust-policy" && values.config && values.target) {
    const config = (await import(pathToFileURL(resolve(values.config)).href)).default;
    const context = values.context?.[0] ?? "production";
    console.log(JSON.stringify(trustPolicyFor(config, values.target, { context }), null, 2));
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fedkit-netlify: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
