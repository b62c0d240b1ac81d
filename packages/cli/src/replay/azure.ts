/**
 * Azure trust replay: the credentials as `az ad app federated-credential list` prints them (the bare `value`
 * array of Graph's list response), matched as Entra does with the emulator's matcher: issuer, subject and one
 * audience, exactly and case-sensitively.
 */
import { matchCredential } from "@fedkit/emulator/evaluators";
import { type CloudTrust, caseNote, type ReplayRow, type WideTrust } from "./types.js";

/** One entry of `az ad app federated-credential list`. @internal */
export interface AzureCredentialExport {
  readonly name: string;
  readonly issuer: string;
  readonly subject?: string | null;
  readonly audiences: readonly string[];
  readonly claimsMatchingExpression?: { readonly value?: string } | null;
}

/** The credentials, ready to replay tokens against. @internal */
export function azureTrust(credentials: readonly AzureCredentialExport[]): CloudTrust {
  return {
    cloud: "azure",
    evaluate(claims) {
      const iss = String(claims["iss"]);
      const sub = String(claims["sub"]);
      const aud = (Array.isArray(claims["aud"]) ? claims["aud"] : [claims["aud"]]).map(String);
      const app = {
        clientId: "-",
        tenantId: "-",
        displayName: "-",
        objectId: "-",
        roles: [],
        federatedCredentials: credentials.map((c) => ({
          name: c.name,
          issuer: c.issuer,
          subject: c.subject ?? "",
          audience: c.audiences[0] ?? "",
          effectiveAt: 0,
        })),
      };
      const result = matchCredential(app, { iss, sub, aud }, 1);
      const accepted = !("code" in result);
      // The credential closest to the token (most fields equal) is the one to compare claim by claim.
      const score = (c: AzureCredentialExport) =>
        Number(c.issuer === iss) +
        Number(c.subject === sub) +
        Number(aud.some((a) => c.audiences.includes(a)));
      const closest = [...credentials].sort((a, b) => score(b) - score(a))[0];
      const rows: ReplayRow[] = [];
      if (closest === undefined) {
        rows.push({
          claim: "credential",
          presented: "-",
          expected: "a federated credential",
          ok: false,
          fix: "Create it with `fedkit trust --format az`.",
        });
      } else {
        const row = (claim: string, presented: string, expected: string, ok: boolean, fix: string) =>
          rows.push({
            claim,
            presented,
            expected,
            ok,
            ...(ok ? {} : { fix: caseNote(presented, [expected]) ?? fix }),
          });
        row(
          "iss",
          iss,
          closest.issuer,
          closest.issuer === iss,
          "The credential trusts another issuer: mint from the context it is for (FEDKIT_SITE_URL), or `fedkit trust --format az`.",
        );
        row(
          "sub",
          sub,
          closest.subject ?? "",
          closest.subject === sub,
          "This token is not one the app trusts: map the function to the target, or call from the trusted deploy context.",
        );
        row(
          "aud",
          aud.join(", "),
          closest.audiences.join(", "),
          aud.some((a) => closest.audiences.includes(a)),
          "Use api://AzureADTokenExchange (fedkit's default for azure targets).",
        );
      }
      return {
        accepted,
        rows,
        ...("code" in result ? { cloudSays: `AADSTS${result.code}: ${result.message.split(". ")[0]}.` } : {}),
      };
    },
    wide(context) {
      const found: WideTrust[] = [];
      for (const c of credentials) {
        const other = /\/oidc\/([^/]+)$/.exec(c.issuer)?.[1];
        if (other !== undefined && other !== context) {
          found.push({
            where: c.name,
            why: `the ${other} issuer is trusted on a ${context} app: ${other} code can act as ${context}`,
            fix: `Delete the credential; give ${other} its own app registration.`,
          });
        }
        if (c.claimsMatchingExpression?.value !== undefined) {
          found.push({
            where: c.name,
            why: `a flexible credential (${c.claimsMatchingExpression.value}) matches patterns, not one subject`,
            fix: "Use exact-subject credentials from `fedkit trust --format az`.",
          });
        }
      }
      return found;
    },
  };
}
