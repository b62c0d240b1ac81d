/**
 * IAM as Google evaluates it for the emulated services: which members a bearer's principal matches, and
 * whether a policy grants one of the roles holding a permission.
 *
 * @packageDocumentation
 */
import type { GcpBinding } from "./config.js";
import type { GcpPrincipal } from "./state.js";

/** Roles that carry each permission the emulator checks (Google's predefined roles). @public */
export const ROLES_WITH_PERMISSION: Readonly<Record<string, readonly string[]>> = {
  "iam.serviceAccounts.getAccessToken": [
    "roles/iam.workloadIdentityUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/owner",
  ],
  "iam.serviceAccounts.getOpenIdToken": [
    "roles/iam.workloadIdentityUser",
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountOpenIdTokenCreator",
    "roles/owner",
  ],
  "storage.objects.get": [
    "roles/storage.objectViewer",
    "roles/storage.objectUser",
    "roles/storage.objectAdmin",
    "roles/storage.admin",
  ],
  "storage.objects.list": [
    "roles/storage.objectViewer",
    "roles/storage.objectUser",
    "roles/storage.objectAdmin",
    "roles/storage.admin",
  ],
  "storage.objects.create": [
    "roles/storage.objectCreator",
    "roles/storage.objectUser",
    "roles/storage.objectAdmin",
    "roles/storage.admin",
  ],
  "storage.objects.delete": ["roles/storage.objectUser", "roles/storage.objectAdmin", "roles/storage.admin"],
};

/** How Google names the principal in error messages and policies. @public */
export function principalName(principal: GcpPrincipal): string {
  return principal.kind === "service_account"
    ? principal.email
    : `principal://${principal.poolPath}/subject/${principal.subject}`;
}

/** Whether one policy member string covers the principal. @public */
export function memberMatches(member: string, principal: GcpPrincipal | undefined): boolean {
  if (member === "allUsers") return true;
  if (principal === undefined) return false;
  if (member === "allAuthenticatedUsers") return true;
  if (principal.kind === "service_account") return member === `serviceAccount:${principal.email}`;
  const pool = `principalSet://${principal.poolPath}/`;
  if (member === `principal://${principal.poolPath}/subject/${principal.subject}`) return true;
  if (!member.startsWith(pool)) return false;
  const rest = member.slice(pool.length);
  if (rest === "*") return true;
  if (rest.startsWith("group/")) return principal.groups.includes(rest.slice("group/".length));
  const match = /^attribute\.([a-z_][a-z0-9_]*)\/(.+)$/.exec(rest);
  if (!match) return false;
  const value = principal.attributes[match[1]!];
  return Array.isArray(value) ? value.includes(match[2]!) : value === match[2];
}

/** Whether `bindings` grant `permission` to the principal. @public */
export function isGranted(
  bindings: readonly GcpBinding[],
  permission: string,
  principal: GcpPrincipal | undefined,
): boolean {
  const roles = ROLES_WITH_PERMISSION[permission] ?? [];
  return bindings.some((b) => roles.includes(b.role) && b.members.some((m) => memberMatches(m, principal)));
}
