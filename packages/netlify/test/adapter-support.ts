import { memoryAudit } from "@fedkit/core/audit";

export { type FedkitConfig, generateIssuerKeys, userIdp, withFedkit } from "@fedkit/netlify";
export { trustPolicyFor } from "@fedkit/netlify/trust";
/** A fresh in-memory audit sink per config, so tests read the events they caused. */
export const memoryAuditFor = () => memoryAudit();
