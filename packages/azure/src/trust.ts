/**
 * The Entra side of the trust: the federated identity credential an app registration needs, as JSON and as
 * the `az` command that creates it.
 *
 * @packageDocumentation
 */
import { DEFAULT_EXCHANGE_AUDIENCE } from "./clouds.js";

/** Options of {@link azureFederatedCredential}. @public */
export interface AzureFederatedCredentialOptions {
  /** The token issuer exactly as it appears in `iss` (https). */
  readonly issuer: string;
  /** The exact `sub` to trust; Entra compares it case-sensitively and allows no wildcard. */
  readonly subject: string;
  /** The one audience, default `api://AzureADTokenExchange`. */
  readonly audience?: string;
  /** Credential name (3-120 letters, digits, `-`, `_`); default derived from the subject. */
  readonly name?: string;
  readonly description?: string;
  /** The app registration's Application (client) ID or object ID for the `az` command; default `$APP_ID`. */
  readonly appId?: string;
}

/** The federated identity credential resource, as Microsoft Graph and `az` take it. @public */
export interface FederatedIdentityCredential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly [string];
  readonly description?: string;
}

/** What {@link azureFederatedCredential} returns. @public */
export interface AzureTrustConfig {
  readonly credential: FederatedIdentityCredential;
  /** `credential` as pretty JSON, for a file passed as `--parameters @file.json`. */
  readonly json: string;
  /** A POSIX-shell command that creates the credential. */
  readonly command: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function defaultName(subject: string): string {
  const slug = subject
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return `fedkit-${slug}`.slice(0, 120).replace(/[-_]+$/, "");
}

/**
 * Builds the federated identity credential that lets tokens with exactly this issuer, subject and audience
 * sign in as the app registration, and the `az ad app federated-credential create` command for it. An app
 * takes at most 20 such credentials, so trust one exact subject per site and deploy context rather than one per
 * branch.
 *
 * @example
 * ```ts
 * const { credential, command } = azureFederatedCredential({
 *   issuer: "https://my-site.netlify.app/.well-known/fedkit",
 *   subject: "site:1234:context:production",
 *   appId: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
 * });
 * console.log(command);
 * ```
 * @public
 */
export function azureFederatedCredential(options: AzureFederatedCredentialOptions): AzureTrustConfig {
  const { issuer, subject } = options;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(
      `azureFederatedCredential: issuer must be an https URL (got ${JSON.stringify(issuer)})`,
    );
  }
  if (url.protocol !== "https:") {
    throw new TypeError(`azureFederatedCredential: Entra only trusts https issuers (got ${issuer})`);
  }
  if (typeof subject !== "string" || subject === "" || subject.length > 600 || subject.includes("*")) {
    throw new TypeError(
      "azureFederatedCredential: subject must be the exact sub claim, 1-600 characters, no wildcard (Entra matches exactly)",
    );
  }
  const audience = options.audience ?? DEFAULT_EXCHANGE_AUDIENCE;
  if (audience === "" || audience.length > 600) {
    throw new TypeError("azureFederatedCredential: audience must be one value of 1-600 characters");
  }
  const name = options.name ?? defaultName(subject);
  if (!NAME.test(name)) {
    throw new TypeError(
      `azureFederatedCredential: name ${JSON.stringify(name)} must be 3-120 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
  const credential: FederatedIdentityCredential = {
    name,
    issuer,
    subject,
    audiences: [audience],
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  const appId = options.appId === undefined ? '"$APP_ID"' : shellQuote(options.appId);
  const command = `az ad app federated-credential create --id ${appId} --parameters ${shellQuote(JSON.stringify(credential))}`;
  return { credential, json: `${JSON.stringify(credential, null, 2)}\n`, command };
}
