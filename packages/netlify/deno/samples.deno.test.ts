// The Netlify sample sites' edge functions, imported and called in Deno exactly as written: none may read
// `process`. In Deno, the first touch of `globalThis.process` loads Deno's Node compatibility layer (~17 ms of a
// cold start), so a sample whose config falls back to `process.env` on Netlify pays that on every new isolate.
// Run by scripts/deno-test.mjs against the BUILT packages (the samples import @fedkit/netlify's dist).

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const SAMPLES: Record<string, string[]> = {
  "netlify-aws-s3": ["report", "unmapped", "oidc"],
  "netlify-gcp-gcs": ["report", "unmapped", "oidc"],
  "netlify-azure-blob": ["blob", "unmapped", "oidc"],
};

Deno.test("samples: importing and calling every Netlify sample's edge functions never touches process", async () => {
  const runtime = globalThis as Record<string, unknown>;
  const touched: string[] = [];
  let where = "setup";
  const original = Object.getOwnPropertyDescriptor(globalThis, "process");
  Object.defineProperty(globalThis, "process", {
    configurable: true,
    get() {
      touched.push(where);
      return original?.get ? original.get.call(globalThis) : original?.value;
    },
  });
  // Netlify's edge runtime: env through Netlify.env, nothing set (the samples' defaults apply).
  runtime.Netlify = { env: { get: (_name: string) => undefined, has: () => false } };
  try {
    for (const [app, functions] of Object.entries(SAMPLES)) {
      for (const name of functions) {
        where = `${app}/${name} (import)`;
        const url = new URL(`../../../apps/${app}/netlify/edge-functions/${name}.ts`, import.meta.url);
        const mod = await import(url.href);
        assert(typeof mod.default === "function", `${app}/${name} exports a handler`);
        where = `${app}/${name} (request)`;
        // No issuer keys are configured, so the request ends at the missing key set, after reading the
        // environment, the config and the request the way a deployed function does.
        const response: Response = await mod.default(new Request(`https://site.example/${name}`), {
          requestId: "r",
          site: { id: "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11" },
          deploy: { context: "dev" },
          next: () => new Response(),
        });
        await response.body?.cancel();
      }
    }
  } finally {
    if (original) Object.defineProperty(globalThis, "process", original);
    delete runtime.Netlify;
  }
  assert(touched.length === 0, `process was read by: ${[...new Set(touched)].join(", ")}`);
});
