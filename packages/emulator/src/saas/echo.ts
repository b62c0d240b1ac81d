import type { EmulatorContext } from "../context.js";
import type { SaasPresetName, SaasServiceConfig } from "./config.js";
import type { SaasIssuedToken, SaasState } from "./state.js";
import { json } from "./token.js";

/** Each service's "bad credentials" answer (status and body shape). */
function unauthorized(preset: SaasPresetName, message: string): Response {
  switch (preset) {
    case "openai":
      return json(
        { error: { message, type: "invalid_request_error", param: null, code: "invalid_api_key" } },
        401,
      );
    case "anthropic":
      return json({ type: "error", error: { type: "authentication_error", message } }, 401);
    case "openrouter":
      return json({ error: { code: 401, message } }, 401);
    case "vault":
      return json({ errors: ["permission denied"] }, 403);
    default:
      // RFC 6750 §3.1.
      return json({ error: "invalid_token", error_description: message }, 401, {
        "www-authenticate": `Bearer error="invalid_token"`,
      });
  }
}

/** The caller of an echo request, once its bearer checked out. */
function caller(
  request: Request,
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
): SaasIssuedToken | string {
  const header = request.headers.get("authorization") ?? "";
  const bearer = /^Bearer (\S+)$/i.exec(header)?.[1];
  const value =
    bearer ?? (service.preset === "vault" ? (request.headers.get("x-vault-token") ?? undefined) : undefined);
  if (!value) return "no bearer token";
  const token = state.tokens.get(value);
  // One message for unknown and other-service tokens: a token's existence elsewhere is not disclosed.
  if (!token || token.service !== service.name) return "invalid access token";
  if (token.expiresAt <= ctx.now()) return "the access token has expired";
  return token;
}

async function lastUserText(request: Request): Promise<{ model: string; text: string }> {
  let body: Record<string, unknown> = {};
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    // An echo answers even an empty body.
  }
  const model = typeof body["model"] === "string" ? body["model"] : "emulator-echo";
  const messages = Array.isArray(body["messages"]) ? body["messages"] : [];
  const last = messages.at(-1) as { content?: unknown } | undefined;
  const content = typeof body["input"] === "string" ? body["input"] : last?.content;
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? String(content.map((part) => part?.text ?? "").join(""))
        : "";
  return { model, text };
}

/**
 * The echo API: checks the bearer the service issued and answers in the service's shape — chat completions
 * (`/v1/chat/completions`, OpenRouter `/api/v1/chat/completions`), OpenAI responses (`/v1/responses`), Anthropic
 * messages (`/v1/messages`), Vault `lookup-self`; any other GET answers who the caller is.
 * @internal
 */
export async function handleEcho(
  request: Request,
  ctx: EmulatorContext,
  state: SaasState,
  service: SaasServiceConfig,
  path: string,
): Promise<Response> {
  const who = caller(request, ctx, state, service);
  if (typeof who === "string") return unauthorized(service.preset, who);
  const identity = { service: who.service, binding: who.binding, issuer: who.issuer, subject: who.subject };
  const created = Math.floor(ctx.now() / 1000);
  const id = ctx.requestId().replaceAll("-", "");
  if (request.method === "POST" && /^(\/api)?\/v1\/chat\/completions$/.test(path)) {
    const { model, text } = await lastUserText(request);
    return json(
      {
        id: `chatcmpl-${id}`,
        object: "chat.completion",
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `echo: ${text}`, refusal: null },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        emulator: identity,
      },
      200,
    );
  }
  if (request.method === "POST" && path === "/v1/responses") {
    const { model, text } = await lastUserText(request);
    return json(
      {
        id: `resp_${id}`,
        object: "response",
        created_at: created,
        status: "completed",
        model,
        output: [
          {
            type: "message",
            id: `msg_${id}`,
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text: `echo: ${text}`, annotations: [] }],
          },
        ],
        usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
        emulator: identity,
      },
      200,
    );
  }
  if (request.method === "POST" && path === "/v1/messages") {
    const { model, text } = await lastUserText(request);
    return json(
      {
        id: `msg_${id}`,
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text: `echo: ${text}` }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
        emulator: identity,
      },
      200,
    );
  }
  if (service.preset === "vault" && path === "/v1/auth/token/lookup-self") {
    return json(
      {
        data: {
          policies: ["default", ...(who.scope ?? "").split(" ").filter(Boolean)],
          meta: { role: who.binding },
          ttl: Math.floor((who.expiresAt - ctx.now()) / 1000),
        },
      },
      200,
    );
  }
  if (request.method === "GET") return json({ ...identity, scope: who.scope ?? null }, 200);
  return json({ error: "not_found" }, 404);
}
