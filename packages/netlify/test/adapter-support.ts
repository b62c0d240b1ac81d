import { memoryAudit } from "@fedkit/core/audit";

export { type FedkitConfig, generateIssuerKeys, trustPolicyFor, userIdp, withFedkit } from "@fedkit/netlify";
/** A fresh in-memory audit sink per config, so tests read the events they caused. */
export const memoryAuditFor = () => memoryAudit();
