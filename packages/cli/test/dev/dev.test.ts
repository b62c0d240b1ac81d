import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { children } from "../support/dev/children.js";

const sampleDir = fileURLToPath(new URL("../../../../apps/netlify-aws-s3", import.meta.url));
const emulatorConfig = fileURLToPath(new URL("../support/dev/aws-s3-emulator.json", import.meta.url));
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
});

describe("fedkit dev", () => {
  it("serves the AWS sample against the emulator: the function reads the private object, the unmapped one is refused, SIGINT stops everything with 0", async () => {
    let out = "";
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const exit = run(
      ["dev", "--json", "--emulator", emulatorConfig, "--env", "REPORTS_BUCKET_URL={s3}/fedkit-reports"],
      {
        cwd: sampleDir,
        isTTY: false,
        stdout: (text) => {
          out += `${text}\n`;
          if (text.startsWith('{"site"')) started();
        },
        stderr: (text) => {
          out += `${text}\n`;
        },
      },
    );
    await Promise.race([ready, exit.then((code) => Promise.reject(new Error(`exited ${code}: ${out}`)))]);
    const info = JSON.parse(out.split("\n").find((l) => l.startsWith('{"site"')) ?? "{}") as {
      site: string;
      trust: { target: string; cloud: string; trusts: string }[];
    };
    expect(info.trust).toEqual([
      { target: "reports", cloud: "aws", trusts: "arn:aws:iam::123456789012:role/netlify-reports-reader" },
    ]);

    const report = await fetch(`${info.site}/report`);
    expect(report.status).toBe(200);
    expect(await report.text()).toBe(BODY);
    const unmapped = await fetch(`${info.site}/unmapped`);
    expect(((await unmapped.json()) as { error: { code: string } }).error.code).toBe("policy_refused");
    // The issuer's keys were generated in memory: the audit never carries the secret, and nothing was written.
    expect(out).not.toMatch(/"d":"/);
    expect(children().some((line) => line.includes("deno"))).toBe(true);

    process.emit("SIGINT");
    expect(await exit).toBe(0);
    expect(children()).toEqual([]);
    await expect(fetch(`${info.site}/report`)).rejects.toThrow();
  }, 120_000);

  it("refuses an --env that is not NAME=VALUE, and a placeholder the emulator does not serve, with exit 2", async () => {
    let out = "";
    const io = {
      cwd: sampleDir,
      isTTY: false,
      stdout: (t: string) => {
        out += t;
      },
      stderr: (t: string) => {
        out += t;
      },
    };
    expect(await run(["dev", "--env", "=x"], io)).toBe(2);
    expect(out).toContain("is not NAME=VALUE");
    expect(await run(["dev", "--env", "X={nope}"], io)).toBe(2);
    expect(out).toContain("{nope}");
    expect(children()).toEqual([]);
  });
});
