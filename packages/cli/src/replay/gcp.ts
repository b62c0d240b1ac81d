/**
 * GCP trust replay: the provider as `gcloud iam workload-identity-pools providers describe --format=json`
 * prints it and the service account's policy as `gcloud iam service-accounts get-iam-policy --format=json`
 * prints it, evaluated as Google STS does: issuer, audience, the attribute mapping and condition in CEL (the
 * emulator's CEL), then the principal against the `roles/iam.workloadIdentityUser` members.
 */
import { compileCel, fromCel } from "@fedkit/emulator/evaluators";
import { type CloudTrust, caseNote, type ReplayRow, show, type WideTrust } from "./types.js";

/** `gcloud iam workload-identity-pools providers describe --format=json` output. @internal */
export interface GcpProviderExport {
  readonly name: string;
  readonly state?: string;
  readonly disabled?: boolean;
  readonly attributeMapping?: Readonly<Record<string, string>>;
  readonly attributeCondition?: string;
  readonly oidc?: { readonly issuerUri?: string; readonly allowedAudiences?: readonly string[] };
}
/** `gcloud iam service-accounts get-iam-policy --format=json` output. @internal */
export interface GcpPolicyExport {
  readonly bindings?: readonly { readonly role: string; readonly members: readonly string[] }[];
}

const ROLE = "roles/iam.workloadIdentityUser";

/** Splits a CEL expression at its top-level `&&`, so each conjunct gets its own verdict. @internal */
export function conjuncts(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote !== undefined) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (depth === 0 && source.startsWith("&&", i)) {
      parts.push(source.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(source.slice(start).trim());
  return parts.filter((p) => p !== "");
}

/** The provider and binding, ready to replay tokens against. @internal */
export function gcpTrust(provider: GcpProviderExport, policy?: GcpPolicyExport): CloudTrust {
  const pool = provider.name.replace(/\/providers\/[^/]+$/, "");
  const poolPrincipal = `//iam.googleapis.com/${pool}`;
  const members = (policy?.bindings ?? []).filter((b) => b.role === ROLE).flatMap((b) => b.members);
  const mapping = Object.entries(provider.attributeMapping ?? { "google.subject": "assertion.sub" }).map(
    ([target, source]) => [target, compileCel(source, ["assertion"])] as const,
  );
  return {
    cloud: "gcp",
    evaluate(claims) {
      const rows: ReplayRow[] = [];
      const iss = String(claims["iss"]);
      const issuer = provider.oidc?.issuerUri ?? "";
      rows.push({
        claim: "iss",
        presented: iss,
        expected: issuer,
        ok: iss === issuer,
        ...(iss === issuer
          ? {}
          : {
              fix:
                caseNote(iss, [issuer]) ??
                "The provider trusts another issuer: mint from the context this pool is for, or regenerate the provider with `fedkit trust`.",
            }),
      });
      const auds = (Array.isArray(claims["aud"]) ? claims["aud"] : [claims["aud"]]).map(String);
      const allowed = provider.oidc?.allowedAudiences?.length
        ? provider.oidc.allowedAudiences
        : [`//iam.googleapis.com/${provider.name}`, `https://iam.googleapis.com/${provider.name}`];
      const audOk = auds.some((a) => allowed.includes(a));
      rows.push({
        claim: "aud",
        presented: auds.join(", "),
        expected: allowed.join(" | "),
        ok: audOk,
        ...(audOk
          ? {}
          : {
              fix: "Use the provider's resource name as the target's audience (fedkit's default for gcp targets).",
            }),
      });
      if (provider.disabled === true || (provider.state !== undefined && provider.state !== "ACTIVE")) {
        rows.push({
          claim: "provider state",
          presented: "-",
          expected: "ACTIVE",
          ok: false,
          fix: "Undelete or enable the provider.",
        });
      }
      const google: Record<string, unknown> = {};
      const attribute: Record<string, unknown> = {};
      for (const [target, expression] of mapping) {
        let value: unknown;
        try {
          value = fromCel(expression({ assertion: claims }));
        } catch {
          value = undefined;
        }
        const [space, name] = target.split(".") as [string, string];
        (space === "google" ? google : attribute)[name] = value;
      }
      for (const part of conjuncts(provider.attributeCondition ?? "")) {
        let ok = false;
        try {
          ok =
            compileCel(part, ["assertion", "google", "attribute"])({
              assertion: claims,
              google,
              attribute,
            }) === true;
        } catch {
          ok = false;
        }
        const used = [...part.matchAll(/assertion\.(\w+)/g)].map((m) => m[1]!);
        const presented = [...new Set(used)].map((c) => `${c}=${show(claims[c])}`).join(" ");
        const literals = [...part.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
        const note = used
          .map((c) => claims[c])
          .find((v): v is string => typeof v === "string" && caseNote(v, literals) !== undefined);
        rows.push({
          claim: `condition`,
          presented: presented || "-",
          expected: part,
          ok,
          ...(ok
            ? {}
            : {
                fix:
                  note !== undefined
                    ? caseNote(note, literals)!
                    : "This token is not one the pool admits: map the function to the target (or call from the pool's deploy context), then `fedkit trust`.",
              }),
        });
      }
      const subject = String(google["subject"] ?? "");
      const principal = `principal:${poolPrincipal}/subject/${subject}`;
      const granted = members.find(
        (m) =>
          m === principal ||
          m === `principalSet:${poolPrincipal}/*` ||
          Object.entries(attribute).some(
            ([name, value]) => m === `principalSet:${poolPrincipal}/attribute.${name}/${String(value)}`,
          ),
      );
      if (policy !== undefined) {
        rows.push({
          claim: "principal",
          presented: principal,
          expected: `a ${ROLE} member`,
          ok: granted !== undefined,
          ...(granted
            ? {}
            : {
                fix: "Bind the function's principal to the service account (`fedkit trust --format gcloud`).",
              }),
        });
      }
      const accepted = rows.every((r) => r.ok);
      return {
        accepted,
        rows,
        ...(accepted
          ? {}
          : {
              cloudSays:
                !audOk || iss !== issuer
                  ? "invalid_grant"
                  : rows.some((r) => r.claim === "condition" && !r.ok)
                    ? "unauthorized_client: The given credential is rejected by the attribute condition."
                    : "PERMISSION_DENIED: iam.serviceAccounts.getAccessToken",
            }),
      };
    },
    wide(context) {
      const found: WideTrust[] = [];
      const pinsContext = conjuncts(provider.attributeCondition ?? "").some((p) =>
        new RegExp(`assertion\\.context\\s*==\\s*"${context}"`).test(p),
      );
      for (const m of members) {
        if (m === `principalSet:${poolPrincipal}/*`) {
          found.push({
            where: m,
            why: "every identity of the pool may impersonate the service account",
            fix: "Bind each function's principal:// subject instead.",
          });
        } else if (m.startsWith(`principalSet:${poolPrincipal}/attribute.`) && !pinsContext) {
          found.push({
            where: m,
            why: `the attribute is one a ${context === "production" ? "deploy preview" : "another context"} can carry, and the condition pins no deploy context`,
            fix: `Pin assertion.context == "${context}" in the condition, or bind principal:// subjects.`,
          });
        }
      }
      if (!pinsContext) {
        found.push({
          where: "attribute condition",
          why: `it does not pin assertion.context == "${context}"`,
          fix: "Regenerate the provider with `fedkit trust`.",
        });
      }
      return found;
    },
  };
}
