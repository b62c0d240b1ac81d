#!/usr/bin/env bash
# Regenerates the transcripts in docs/cli.md by running the built CLI (`pnpm build` first) against the test
# site in src/test/site, with keys in a throwaway XDG_CONFIG_HOME and an issuer served on loopback.
set -u
cli="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$cli/../.." && pwd)"
export XDG_CONFIG_HOME="$(mktemp -d)/config" NO_COLOR=1
cd "$cli/src/test/site"
fedkit() { node "$cli/dist/bin.js" "$@"; }
run() {
  echo "\$ fedkit $*" | sed -e "s#$XDG_CONFIG_HOME#/home/you/.config#g" -e "s#$root#/home/you/src/fedkit#g"
  fedkit "$@" 2>&1 | sed -e "s#$XDG_CONFIG_HOME#/home/you/.config#g" -e "s#$root#/home/you/src/fedkit#g"
  echo "[exit ${PIPESTATUS[0]}]"
  echo
}
case "${1:-all}" in
  keys)
    run keys --help
    run keys generate --context production --context deploy-preview
    run keys generate --context production --alg ES384
    run keys generate --context production
    run keys stage --context production
    run keys promote --context production
    run keys status
    run keys revoke --context deploy-preview --kid "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).keys[0].kid)' "$XDG_CONFIG_HOME/fedkit/keys/default/deploy-preview.json")"
    run keys generate --context production --dir "$cli/src/keys"
    ;;
  trust)
    run trust --target reports --format aws
    run trust --target archive --format gcloud
    run trust --target blobs --format terraform
    run trust --target report
    (cd "$cli/../../apps/netlify-aws-s3" && run trust --target reports)
    ;;
  doctor)
    run doctor --target blobs
    # The role as `aws iam get-role --output json` prints it, after someone widened its subject by hand.
    fedkit trust --target reports | node -e '
      const policy = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const condition = policy.Statement[0].Condition;
      const key = Object.keys(condition.StringEquals).find((k) => k.endsWith(":sub"));
      condition.StringLike = { [key]: condition.StringEquals[key].replace(/context:.*/, "context:*") };
      delete condition.StringEquals[key];
      console.log(JSON.stringify({ Role: { Path: "/", RoleName: "netlify-reports-reader", RoleId: "AROATESTROLEID0000001",
        Arn: "arn:aws:iam::210987654321:role/netlify-reports-reader", CreateDate: "2026-01-01T00:00:00+00:00",
        AssumeRolePolicyDocument: policy, MaxSessionDuration: 3600, RoleLastUsed: {} } }, null, 4));' > role.json
    run doctor --target reports --aws-role role.json
    run doctor --target reports --drift --aws-role role.json
    rm role.json
    ;;
  site)
    fedkit keys generate --context production >/dev/null && fedkit keys stage --context production >/dev/null
    # The site's real issuer routes on loopback (plain http: doctor says no cloud would fetch it).
    FEDKIT_ISSUER_KEYS="$(cat "$XDG_CONFIG_HOME/fedkit/keys/default/production.json")" node --input-type=module -e '
      import { createServer } from "node:http";
      import { issuerRoutes } from "@fedkit/netlify";
      const server = createServer(async (req, res) => {
        const url = `http://127.0.0.1:${server.address().port}`;
        const env = { FEDKIT_CONTEXT: "production", FEDKIT_SITE_URL: url, FEDKIT_ISSUER_KEYS: process.env.FEDKIT_ISSUER_KEYS };
        const routes = issuerRoutes({ siteId: "x", siteUrl: url, targets: {}, functions: {}, runtime: { env: (n) => env[n] } });
        const response = await routes(new Request(url + req.url));
        res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
      }).listen(8917, "127.0.0.1");
      setTimeout(() => server.close(), 5000);' &
    sleep 1
    run doctor --site http://127.0.0.1:8917
    wait
    ;;
esac
