/**
 * AWS trust replay: a role as `aws iam get-role --output json` prints it (trust policy decoded, or URL-encoded as
 * the raw API returns it) and the provider as `aws iam get-open-id-connect-provider` prints it, evaluated with
 * the emulator's IAM engine the way STS evaluates `AssumeRoleWithWebIdentity`.
 */
import { type ConditionBlock, evaluatePolicies, type PolicyDocument } from "@fedkit/emulator/evaluators";
import { AWS_TAGS_CLAIM } from "../issuer-api.js";
import { type CloudTrust, caseNote, type ReplayRow, show, type WideTrust } from "./types.js";

const ACTION = "sts:AssumeRoleWithWebIdentity";

/** `aws iam get-role` output. @internal */
export interface AwsRoleExport {
  readonly Role: { readonly Arn: string; readonly AssumeRolePolicyDocument: PolicyDocument | string };
}
/** `aws iam get-open-id-connect-provider` output. @internal */
export interface AwsProviderExport {
  readonly Url: string;
  readonly ClientIDList: readonly string[];
}

interface Statement {
  readonly Effect: string;
  readonly Principal?: { readonly Federated?: string | readonly string[] };
  readonly Action?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
const hostPath = (iss: string) => iss.replace(/^https:\/\//, "");

/** Decodes the trust policy whichever way it was exported. @internal */
export function trustPolicyOf(role: AwsRoleExport): PolicyDocument {
  const doc = role.Role.AssumeRolePolicyDocument;
  return typeof doc === "string" ? (JSON.parse(decodeURIComponent(doc)) as PolicyDocument) : doc;
}

/** The request context STS builds from a verified token. */
function contextOf(
  claims: Readonly<Record<string, unknown>>,
  aud: string,
): Record<string, string | string[]> {
  const hp = hostPath(String(claims["iss"]));
  const context: Record<string, string | string[]> = {
    [`${hp}:aud`]: aud,
    [`${hp}:sub`]: String(claims["sub"]),
  };
  const tags = (claims[AWS_TAGS_CLAIM] as { principal_tags?: Record<string, string[]> } | undefined)
    ?.principal_tags;
  for (const [key, [value]] of Object.entries(tags ?? {}))
    if (value !== undefined) context[`aws:RequestTag/${key}`] = value;
  if (tags !== undefined) context["aws:TagKeys"] = Object.keys(tags);
  return context;
}

/** The role and provider, ready to replay tokens against. @internal */
export function awsTrust(role: AwsRoleExport, provider?: AwsProviderExport): CloudTrust {
  const policy = trustPolicyOf(role);
  const statements = list(policy.Statement as Statement | readonly Statement[]).filter(
    (s) => s.Effect === "Allow" && list(s.Action).some((a) => a === ACTION || a === "sts:*"),
  );
  const account = role.Role.Arn.split(":")[4];
  const trusted = statements.flatMap((s) => list(s.Principal?.Federated));
  return {
    cloud: "aws",
    evaluate(claims) {
      const rows: ReplayRow[] = [];
      const iss = String(claims["iss"]);
      const arn = `arn:aws:iam::${account}:oidc-provider/${hostPath(iss)}`;
      const providers =
        provider === undefined ? trusted.map((t) => t.split("oidc-provider/")[1]!) : [provider.Url];
      const issOk = iss.startsWith("https://") && providers.includes(hostPath(iss)) && trusted.includes(arn);
      rows.push({
        claim: "iss",
        presented: iss,
        expected: providers.map((p) => `https://${p}`).join(" | ") || "(no OIDC provider trusted)",
        ok: issOk,
        ...(issOk
          ? {}
          : {
              fix:
                caseNote(
                  iss,
                  providers.map((p) => `https://${p}`),
                ) ??
                "Mint from the issuer the role trusts (FEDKIT_SITE_URL), or regenerate the trust with `fedkit trust`.",
            }),
      });
      const auds = list(claims["aud"] as string | string[]);
      const clientIds = provider?.ClientIDList;
      const aud = clientIds === undefined ? auds[0] : auds.find((a) => clientIds.includes(a));
      if (clientIds !== undefined) {
        rows.push({
          claim: "aud",
          presented: auds.join(", "),
          expected: `one of ${clientIds.join(", ")} (provider client ids)`,
          ok: aud !== undefined,
          ...(aud === undefined
            ? { fix: "Set the target's audience to a client id of the provider (default sts.amazonaws.com)." }
            : {}),
        });
      }
      const context = contextOf(claims, aud ?? auds[0] ?? "");
      const principal = { federated: arn };
      const statement = statements.find((s) => list(s.Principal?.Federated).includes(arn)) ?? statements[0];
      for (const [operator, block] of Object.entries(statement?.Condition ?? {})) {
        for (const [key, value] of Object.entries(block)) {
          const single: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: arn },
                Action: ACTION,
                Condition: { [operator]: { [key]: value } },
              },
            ],
          } as unknown as PolicyDocument;
          const ok =
            evaluatePolicies([single], { action: ACTION, resource: role.Role.Arn, principal, context }) ===
            "allow";
          // A key of another issuer (`other.host/oidc/production:sub`) still names a claim: show the token's value.
          const claim = /:(aud|sub)$/.exec(key)?.[1];
          const presented =
            Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] ??
            (claim === undefined ? undefined : claim === "aud" ? (aud ?? auds[0]) : claims["sub"]);
          const expected = list(value as string | string[]).map(String);
          rows.push({
            claim: key.replace(/^.*:(aud|sub)$/, "$1"),
            presented: show(presented),
            expected: `${operator} ${expected.join(" | ")}`,
            ok,
            ...(ok
              ? {}
              : {
                  fix:
                    (typeof presented === "string" ? caseNote(presented, expected) : undefined) ??
                    (!key.startsWith(`${hostPath(iss)}:`) && claim !== undefined
                      ? "The condition is keyed to the issuer the role trusts, not this token's issuer."
                      : undefined) ??
                    "This token is not one the role trusts: map the function to the target in the config (or call from the trusted deploy context), then `fedkit trust`.",
                }),
          });
        }
      }
      const request = { action: ACTION, resource: role.Role.Arn, principal, context };
      const allowed = evaluatePolicies([policy], request) === "allow";
      const tagsAllowed =
        context["aws:TagKeys"] === undefined ||
        evaluatePolicies([policy], { ...request, action: "sts:TagSession" }) === "allow";
      const accepted = issOk && rows.every((r) => r.claim !== "aud" || r.ok) && allowed && tagsAllowed;
      return {
        accepted,
        rows,
        ...(accepted
          ? {}
          : {
              cloudSays: !issOk
                ? `InvalidIdentityToken: No OpenIDConnect provider found in your account for ${iss}`
                : `AccessDenied: Not authorized to perform ${allowed ? "sts:TagSession" : ACTION}`,
            }),
      };
    },
    wide(context) {
      const found: WideTrust[] = [];
      for (const federated of trusted) {
        const other = /\/oidc\/([^/]+)$/.exec(federated)?.[1];
        if (other !== undefined && other !== context) {
          found.push({
            where: federated,
            why: `the ${other} issuer is trusted on a ${context} role: ${other} code can act as ${context}`,
            fix: `Remove that statement; give ${other} its own role (trustContext: "${other}").`,
          });
        }
      }
      for (const s of statements) {
        for (const [operator, block] of Object.entries(s.Condition ?? {})) {
          if (!/StringLike/i.test(operator)) continue;
          for (const [key, value] of Object.entries(block)) {
            if (!/:sub$/.test(key)) continue;
            for (const pattern of list(value as string | string[]).map(String)) {
              const fixed = pattern.split(/[*?]/)[0]!;
              const pinned =
                /:context:[^:*?]+:user:$/.test(fixed) ||
                /(repository_owner_id|repository_id):\d+/.test(fixed);
              if (/[*?]/.test(pattern) && !pinned) {
                found.push({
                  where: `${operator} ${key} ${pattern}`,
                  why: "the wildcard covers parts a token's holder chooses (deploy context, function name, branch)",
                  fix: "List the exact subjects (StringEquals), as `fedkit trust` generates them.",
                });
              }
            }
          }
        }
      }
      return found;
    },
  };
}
