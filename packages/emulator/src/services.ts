import { s3Service } from "./aws/s3.js";
import { stsService } from "./aws/sts-service.js";
import { entraService } from "./azure/service.js";
import type { EmulatorConfig } from "./config.js";
import type { EmulatorContext, EmulatorUrls } from "./context.js";
import { gcpServices } from "./gcp/index.js";
import { platformsService } from "./platforms/index.js";
import { saasService } from "./saas/index.js";

/** Handles one request of a service. @public */
export type ServiceHandler = (request: Request, ctx: EmulatorContext) => Promise<Response>;

/**
 * A service the emulator can run on its own loopback listener. `name` is its key in `emulator.urls`.
 * @public
 */
export interface ServiceDefinition {
  readonly name: keyof EmulatorUrls;
  /** Whether the service runs for this config (the AWS services always do; gcp/azure when configured). */
  enabled(config: EmulatorConfig): boolean;
  /** Called once all listeners have their URLs; seeds state and returns the request handler. */
  create(ctx: EmulatorContext): ServiceHandler | Promise<ServiceHandler>;
  /** The top-level config key this service owns (`gcp`, `azure`), validated by `validateConfig`. */
  readonly configSection?: string;
  /** Throws `ConfigError` (from `config-validate.ts`) naming the offending field. */
  validateConfig?(section: unknown, path: string): void;
}

const idpService: ServiceDefinition = {
  name: "idp",
  enabled: () => true,
  create: (ctx) => (request) => ctx.idp.handle(request),
};

/**
 * Every service, in start order. Engineers adding a cloud append their definition here and touch nothing else.
 * @internal
 */
export const services: ServiceDefinition[] = [
  idpService,
  stsService,
  s3Service,
  entraService,
  ...gcpServices,
  saasService,
  platformsService,
];

/** Config validators of the registered services, keyed by their section. @internal */
export function serviceConfigValidators(): Record<string, (section: unknown, path: string) => void> {
  const validators: Record<string, (section: unknown, path: string) => void> = {};
  for (const service of services) {
    const { configSection, validateConfig } = service;
    if (configSection && validateConfig)
      validators[configSection] = (value, path) => validateConfig(value, path);
  }
  return validators;
}
