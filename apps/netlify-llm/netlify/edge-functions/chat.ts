// Asks Claude a question. No API key is stored: the site issuer mints a 5-minute token for this function, Anthropic
// exchanges it (RFC 7523 jwt-bearer) for a short-lived bearer, and fedkit sends that bearer to api.anthropic.com
// only (cached per isolate until it nears expiry).
import { withFedkit } from "@fedkit/netlify";
import type { FetchFn } from "@fedkit/netlify/anthropic";
import fedkit, { anthropicUrl } from "../fedkit.config.js";

const MAX_PROMPT = 2000;

export default withFedkit({ ...fedkit, function: "chat" }, async (request, fedkit) => {
  const prompt = (new URL(request.url).searchParams.get("q") ?? "Say hello in five words.").slice(
    0,
    MAX_PROMPT,
  );
  const claude = fedkit.client<FetchFn>("claude");
  const answer = await claude(`${anthropicUrl}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: prompt }],
    }),
  });
  if (!answer.ok) {
    return Response.json(
      { error: { code: `anthropic_${answer.status}`, requestId: fedkit.requestId } },
      { status: 502 },
    );
  }
  const message = (await answer.json()) as { content?: Array<{ type: string; text?: string }> };
  const text = (message.content ?? []).map((part) => part.text ?? "").join("");
  return Response.json(
    { answer: text },
    { headers: { "cache-control": "private, no-store", "x-fedkit-request-id": fedkit.requestId } },
  );
});

export const config = { path: "/chat" };
