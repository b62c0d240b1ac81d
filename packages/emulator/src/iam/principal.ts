import type { PrincipalBlock, RequestPrincipal } from "./types.js";

const ACCOUNT = /^\d{12}$/;

/**
 * Whether a `Principal` block names the requesting principal. `"*"` names everyone; an account id or
 * `arn:aws:iam::<account>:root` names every principal of that account; a role ARN names its sessions too.
 * @internal
 */
export function principalMatches(block: PrincipalBlock, principal: RequestPrincipal | undefined): boolean {
  if (block === "*") return true;
  if (!principal) return false;
  for (const [type, ids] of Object.entries(block)) {
    const list: readonly string[] = typeof ids === "string" ? [ids] : ids;
    const presented = type === "AWS" ? principal.aws : type === "Federated" ? principal.federated : undefined;
    if (type === "Service") {
      if (principal.service !== undefined && list.some((id) => id === "*" || id === principal.service))
        return true;
      continue;
    }
    if (presented === undefined) continue;
    if (
      list.some(
        (id) => id === "*" || (type === "AWS" ? awsPrincipalMatches(id, presented) : id === presented),
      )
    )
      return true;
  }
  return false;
}

function awsPrincipalMatches(id: string, arn: string): boolean {
  if (id === arn) return true;
  const parts = arn.split(":");
  const account = parts[4];
  if (ACCOUNT.test(id)) return id === account;
  const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(id);
  if (root) return root[1] === account;
  // A role ARN (any path) also names the role's sessions: arn:aws:sts::<acct>:assumed-role/<name>/<session>.
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(id);
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return !!role && !!session && role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
}
