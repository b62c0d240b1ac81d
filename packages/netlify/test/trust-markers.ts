// How a test recognises each trust generator in bundled code: a string literal only that generator holds (a
// minifier renames functions but keeps literals). trust-off-edge.test.ts proves each one is found in a bundle of
// @fedkit/netlify/trust, so its absence elsewhere means the generator is absent.

/** Generator → a literal unique to it. */
export const TRUST_MARKERS: Readonly<Record<string, string>> = {
  trustPolicyFor: " code act as ",
  aws: "FedkitNetlifyUsers",
  gcp: "which the gcloud commands need",
  gcpTrustConfig: "--attribute-condition",
  azure: "so Entra has nothing to trust",
  azureFederatedCredential: "federated-credential create",
  saas: " rule matches one.",
  openai: "Workload identity tokens cannot call Admin API",
  anthropic: "check_jti makes each token single-use",
  openrouter: "Workload identity is enabled for an organization on request",
};

/** The generators whose marker `code` contains. */
export function trustMarkersIn(code: string): string[] {
  return Object.keys(TRUST_MARKERS).filter((name) => code.includes(TRUST_MARKERS[name]!));
}
