// `npm run local`: this site on Netlify's edge runtime against @fedkit/emulator's Anthropic (see local-site.js).
// `npm run local -- --check` asks /chat and /unmapped, prints what happened and exits 0 only if the model answered
// through a federated token and the unmapped function was refused.
import { startLocalSite } from "./local-site.js";

const check = process.argv.includes("--check");
const local = await startLocalSite(check ? { output: () => undefined } : {});

if (check) {
  const chat = await fetch(`${local.site.url}/chat?q=hello`);
  const unmapped = await fetch(`${local.site.url}/unmapped`);
  const result = {
    chat: { status: chat.status, body: await chat.json() },
    unmapped: { status: unmapped.status, body: await unmapped.json() },
  };
  await local.stop();
  const ok =
    result.chat.status === 200 &&
    result.chat.body?.answer === "echo: hello" &&
    result.unmapped.body?.error?.code === "policy_refused";
  console.log(JSON.stringify({ ok, ...result }));
  process.exit(ok ? 0 : 1);
}
console.log(`Site on the local edge runtime: ${local.site.url}  (emulated Anthropic ${local.anthropicUrl})`);
console.log(`  curl '${local.site.url}/chat?q=hello'   curl ${local.site.url}/unmapped`);
process.on("SIGINT", () => void local.stop().then(() => process.exit(0)));
