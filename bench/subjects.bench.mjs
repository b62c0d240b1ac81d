// 10,000 subjects against one federation: exchanges per call and time per call, with the default cache bound
// (1,000 entries) and with `limits.cacheMaxEntries` raised to fit the working set. Each subject calls three
// times, round robin, so with a bound below the working set every call evicts one that will be needed again.
// Run after a build: `node bench/subjects.bench.mjs` (prints; writes nothing).
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";

const SUBJECTS = Number(process.env.SUBJECTS ?? 10_000);
const ROUNDS = 3;
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowS = Math.floor(Date.now() / 1000);
const sources = Array.from({ length: SUBJECTS }, (_, i) => {
  const claims = {
    iss: "https://idp.bench",
    sub: `user-${i}`,
    aud: "sts.amazonaws.com",
    iat: nowS,
    exp: nowS + 3600,
  };
  return staticToken({ raw: `${b64({ alg: "RS256" })}.${b64(claims)}.c2ln`, claims, trust: "verified" });
});

async function run(label, limits) {
  let exchanges = 0;
  const provider = {
    cloud: "aws",
    key: "role=bench",
    audience: "sts.amazonaws.com",
    target: {},
    async exchange() {
      exchanges++;
      const expiresAt = Date.now() + 3_600_000;
      return {
        credentials: { kind: "aws", accessKeyId: "A", secretAccessKey: "s", sessionToken: "t", expiresAt },
      };
    },
  };
  const audit = memoryAudit();
  const federation = createFederation({ audit, ...(limits ? { limits } : {}) });
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++)
    for (const source of sources) await federation.getCredentials(provider, { source });
  const ms = performance.now() - started;
  const calls = SUBJECTS * ROUNDS;
  const evictionEvents = audit.events.filter((e) => e.type === "cache_eviction").length;
  console.log(
    `${label.padEnd(34)} calls ${calls}  exchanges ${String(exchanges).padStart(6)}  per call ${(exchanges / calls).toFixed(3)}  ` +
      `${((ms * 1000) / calls).toFixed(1)} µs/call  eviction events ${evictionEvents}`,
  );
}

await run("default bound (1,000 entries)");
await run(`cacheMaxEntries ${SUBJECTS}`, { cacheMaxEntries: SUBJECTS });
