import { decodeSubjectToken } from "@fedkit/core";
import { testProvider } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import { SA, startFixture } from "./setup.js";

testProvider(
  "gcpProvider (STS + impersonation, emulator)",
  async () => {
    const fx = await startFixture({ uploadJwks: true });
    return {
      provider: fx.provider({ serviceAccount: SA }),
      subject: decodeSubjectToken(await fx.mint()),
      rejectedSubject: decodeSubjectToken(await fx.mint({ claims: { context: "deploy-preview" } })),
      close: () => fx.emulator.stop(),
    };
  },
  { describe, it, expect },
);
