/**
 * `@fedkit/emulator`: local, offline stand-ins for the clouds fedkit talks to: an OIDC identity provider, AWS STS
 * and S3 (and GCP/Azure services as they are registered), each on its own loopback listener.
 *
 * @packageDocumentation
 */
import { createAwsControl, expandPlaceholders, providerHostPath, seedAws } from "./aws/control.js";
import type { EmulatorConfig } from "./config.js";
import { readConfigFile, validateConfig } from "./config-validate.js";
import type { EmulatorContext, EmulatorUrls } from "./context.js";
import { createOidcIdp } from "./oidc/idp.js";
import { IssuerVerifier } from "./oidc/verifier.js";
import { type Listener, startListener } from "./server.js";
import { type ServiceHandler, serviceConfigValidators, services } from "./services.js";
import { createState } from "./state.js";
import { fetchTrusting, resolveTls } from "./tls.js";
import type { Emulator, StartOptions } from "./types.js";

export type { AwsControl } from "./aws/control.js";
export { providerHostPath } from "./aws/control.js";
export {
  type AzureAppConfig,
  type AzureConfig,
  DEFAULT_TENANT_ID,
  type EntraApp,
  type EntraState,
  entraState,
  type FederatedCredential,
  type FederatedCredentialConfig,
} from "./azure/index.js";
export type {
  AwsConfig,
  AwsRoleConfig,
  EmulatorConfig,
  IdpConfig,
  IssuersConfig,
  JWKS,
  PolicyDocument,
  TlsConfig,
} from "./config.js";
export { ConfigError, validateConfig } from "./config-validate.js";
export type { EmulatorContext, EmulatorUrls } from "./context.js";
export {
  addGcpProvider,
  type GcpBinding,
  type GcpBucketConfig,
  type GcpConfig,
  type GcpPoolConfig,
  type GcpPrincipal,
  type GcpProviderConfig,
  type GcpServiceAccountConfig,
  type GcpState,
  type GcpToken,
  type GcsObject,
  gcpState,
  gcpStateOf,
} from "./gcp/index.js";
export { IssuerVerificationError, type IssuerVerificationReason } from "./oidc/errors.js";
export type { MintOptions, OidcIdp } from "./oidc/idp.js";
export type { IdpAlgorithm } from "./oidc/keys.js";
export {
  IssuerVerifier,
  type IssuerVerifierOptions,
  type VerifiedToken,
  type VerifyOptions,
} from "./oidc/verifier.js";
export {
  type AwsPrincipal,
  type CloudflareWorker,
  type DenoDeployRevision,
  type FlyMachine,
  type GithubActionsJob,
  type GitlabCiJob,
  type KubernetesServiceAccount,
  type PlatformAlgorithm,
  type PlatformInputs,
  PlatformIssuers,
  type PlatformMintOptions,
  type PlatformName,
  platformsOf,
  type VercelDeployment,
} from "./platforms/index.js";
export {
  addSaasService,
  GRANT_JWT_BEARER,
  GRANT_TOKEN_EXCHANGE,
  type SaasBindingConfig,
  type SaasConfig,
  type SaasIssuedToken,
  type SaasIssuerConfig,
  type SaasKeySource,
  type SaasPresetName,
  type SaasServiceConfig,
  type SaasState,
  saasStateOf,
  TOKEN_TYPE_ACCESS_TOKEN,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_JWT,
} from "./saas/index.js";
export type { ServiceDefinition, ServiceHandler } from "./services.js";
export type {
  AwsOidcProvider,
  AwsRole,
  AwsSession,
  AwsWebIdentity,
  EmulatorState,
  S3Object,
} from "./state.js";
export { generateTlsMaterial, type TlsMaterial } from "./tls.js";
export type { Emulator, StartOptions } from "./types.js";

const DEFAULT_ACCOUNT = "123456789012";
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/**
 * Reads and validates a JSON config file, including the sections of every registered service.
 *
 * @throws {ConfigError} naming the file or the offending field.
 * @example
 * ```ts
 * const emulator = await startEmulator(await loadConfigFile("emulator.config.json"));
 * ```
 * @public
 */
export function loadConfigFile(path: string): Promise<EmulatorConfig> {
  return readConfigFile(path, serviceConfigValidators());
}

/**
 * Starts every enabled service on its own 127.0.0.1 listener (port 0), over https when `tls` is set.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ aws: { roles: [...] } });
 * const token = await emulator.idp.mint({ sub: "alice", aud: "sts.amazonaws.com" });
 * // ... point a client at emulator.urls.sts
 * await emulator.stop();
 * ```
 * @public
 */
export async function startEmulator(
  config: EmulatorConfig = {},
  options: StartOptions = {},
): Promise<Emulator> {
  const checked = validateConfig(config, serviceConfigValidators());
  const now = () => (options.now ?? Date.now)();
  const tls = await resolveTls(checked.tls, now());
  const enabled = services.filter((service) => service.enabled(checked));

  const handlers = new Map<string, ServiceHandler>();
  let ctx: EmulatorContext | undefined;
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const listeners: Listener[] = [];
  const stopAll = () => Promise.allSettled(listeners.map((listener) => listener.close()));
  try {
    for (const service of enabled) {
      const handler = async (request: Request) => {
        await started;
        return handlers.get(service.name)!(request, ctx!);
      };
      listeners.push(
        await startListener({ handler, tls, maxBodyBytes: checked.maxBodyBytes ?? DEFAULT_MAX_BODY }),
      );
    }
    const urls = Object.fromEntries(
      enabled.map((service, i) => [service.name, listeners[i]!.url]),
    ) as unknown as EmulatorUrls;
    const state = createState(checked.aws?.accountId ?? DEFAULT_ACCOUNT);
    const fetchImpl = fetchTrusting(tls?.ca);
    const idp = await createOidcIdp({ issuer: urls.idp, config: checked.idp, now, fetch: fetchImpl });
    const aws = createAwsControl(state, now);
    const idpHost = providerHostPath(urls.idp);
    seedAws(aws, expandPlaceholders(checked.aws, { idp: urls.idp, idpHost, accountId: state.aws.accountId }));
    ctx = {
      config: checked,
      now,
      issuers: new IssuerVerifier({ now, fetch: fetchImpl, ...checked.issuers }),
      state,
      urls,
      idp,
      fetch: fetchImpl,
      ca: tls?.ca,
      requestId: () => crypto.randomUUID(),
    };
    for (const service of enabled) handlers.set(service.name, await service.create(ctx));
    ready();
    let stopped: Promise<unknown> | undefined;
    return {
      urls,
      ...(tls ? { ca: tls.ca } : {}),
      idp,
      aws,
      state,
      stop: async () => {
        stopped ??= stopAll();
        await stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
