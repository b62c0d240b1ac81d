/**
 * Emulated SaaS token services (`urls.saas`): each configured service under `/<name>` gets its documented token
 * endpoint (OpenAI, Anthropic, OpenRouter, Vault JWT login, or a generic RFC 8693 / RFC 7523 endpoint) and a
 * small echo API that accepts only the tokens that service issued.
 *
 * @packageDocumentation
 */
import type { ServiceDefinition } from "../services.js";
import { validateSaasConfig } from "./config.js";
import { handleEcho } from "./echo.js";
import { PRESETS } from "./presets.js";
import { saasState } from "./state.js";
import { handleSaasToken, json } from "./token.js";
import { handleVaultLogin } from "./vault.js";

export type * from "./config.js";
export {
  GRANT_JWT_BEARER,
  GRANT_TOKEN_EXCHANGE,
  TOKEN_TYPE_ACCESS_TOKEN,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_JWT,
} from "./presets.js";
export type { SaasIssuedToken, SaasState } from "./state.js";
export { addSaasService, saasStateOf } from "./state.js";

const VAULT_LOGIN = "/v1/auth/jwt/login";

/** The SaaS listener. @internal */
export const saasService: ServiceDefinition = {
  name: "saas",
  enabled: (config) => config.saas !== undefined,
  configSection: "saas",
  validateConfig: validateSaasConfig,
  create(ctx) {
    const state = saasState(ctx);
    return async (request) => {
      const pathname = new URL(request.url).pathname;
      const [, name = "", ...rest] = pathname.split("/");
      const service = state.services.get(decodeURIComponent(name));
      if (!service) return json({ error: "not_found", error_description: `no SaaS service ${name}` }, 404);
      const path = `/${rest.join("/")}`.replace(/\/+$/, "") || "/";
      if (service.preset === "vault") {
        if (path === VAULT_LOGIN) return handleVaultLogin(request, ctx, state, service);
      } else {
        const preset = PRESETS[service.preset];
        if (path === preset.tokenPath) return handleSaasToken(request, ctx, state, service, preset);
      }
      return handleEcho(request, ctx, state, service, path);
    };
  },
};
