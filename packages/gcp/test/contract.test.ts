import { decodeSubjectToken } from "@fedkit/core/provider";
import { testProvider } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import { OTHER_SA, SA, startFixture } from "./setup.js";

testProvider(
  "gcpProvider (STS + impersonation, emulator)",
  async () => {
    const fx = await startFixture({ uploadJwks: true });
    return {
      provider: fx.provider({ serviceAccount: SA }),
      sameConfig: () => fx.provider({ serviceAccount: SA }),
      // Every option that changes what the token may do, one at a time.
      permissionVariants: {
        serviceAccount: fx.provider({ serviceAccount: OTHER_SA }),
        noImpersonation: fx.provider({ serviceAccount: undefined }),
        scopes: fx.provider({
          serviceAccount: SA,
          scopes: ["https://www.googleapis.com/auth/devstorage.read_only"],
        }),
        lifetimeSeconds: fx.provider({ serviceAccount: SA, lifetimeSeconds: 900 }),
        delegates: fx.provider({ serviceAccount: SA, delegates: [OTHER_SA] }),
        audience: fx.provider({
          serviceAccount: SA,
          audience: fx.audience.replace(/providers\/[^/]+$/, "providers/other"),
        }),
        subjectAudience: fx.provider({ serviceAccount: SA, subjectAudience: "https://other.example" }),
        workforcePoolUserProject: fx.provider({
          serviceAccount: SA,
          workforcePoolUserProject: "other-project",
        }),
        stsEndpoint: fx.provider({ serviceAccount: SA, stsEndpoint: `${fx.options.stsEndpoint}/other` }),
      },
      subject: decodeSubjectToken(await fx.mint()),
      rejectedSubject: decodeSubjectToken(await fx.mint({ claims: { context: "deploy-preview" } })),
      close: () => fx.emulator.stop(),
    };
  },
  { describe, it, expect },
);
