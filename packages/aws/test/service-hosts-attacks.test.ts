import { describe, expect, it } from "vitest";
import { awsFetch } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { countingGetter } from "./helpers.js";

const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "us-west-2", env: {} });

const counting = () => countingGetter("ASIAHOSTATTACK", "session-token-attacks");

describe("awsFetch refuses Network Load Balancer names (the NLB forwards to the customer's own targets)", () => {
  const hosts = [
    "https://my-nlb-1234567890abcdef.elb.us-west-2.amazonaws.com/",
    "https://us-west-2a.my-nlb-1234567890abcdef.elb.us-west-2.amazonaws.com/",
    "https://dualstack.my-nlb-1234567890abcdef.elb.us-west-2.amazonaws.com/",
    "https://MY-NLB-1234567890ABCDEF.ELB.US-WEST-2.AMAZONAWS.COM./",
    "https://my-nlb-1234567890abcdef.elb.cn-north-1.amazonaws.com.cn/",
  ];
  for (const url of hosts) {
    it(`refuses ${url}`, async () => {
      const { getter, calls } = counting();
      const sent: Request[] = [];
      for (const service of ["s3", "execute-api", "newservice"]) {
        const signed = awsFetch(getter, provider, {
          service,
          fetch: async (r) => {
            sent.push(r);
            return new Response("ok");
          },
        });
        for (const attempt of [
          () => signed(url),
          () => signed(new Request(url)),
          () => signed.presign(url),
        ]) {
          await expect(attempt()).rejects.toMatchObject({
            code: "endpoint_refused",
            message: expect.stringMatching(/EC2 instance or load balancer/),
          });
        }
      }
      expect(calls()).toBe(0);
      expect(sent).toHaveLength(0);
    });
  }

  it("the Elastic Load Balancing API itself is still signed for", async () => {
    const { getter } = counting();
    const sent: Request[] = [];
    const elb = awsFetch(getter, provider, {
      service: "elasticloadbalancing",
      fetch: async (r) => {
        sent.push(r);
        return new Response("ok");
      },
    });
    await elb("https://elasticloadbalancing.us-west-2.amazonaws.com/?Action=DescribeLoadBalancers");
    expect(sent).toHaveLength(1);
  });
});
