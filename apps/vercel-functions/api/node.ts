// A Vercel Function on the Node.js runtime (the default): Web-standard GET, the token from the request's
// x-vercel-oidc-token header. Pass `waitUntil` from @vercel/functions to keep background refreshes alive.
import { withVercel } from "@fedkit/platforms/vercel";
import { readReport } from "../lib/reports.js";

declare const process: { readonly env: Readonly<Record<string, string | undefined>> };

export const GET = withVercel((request, fedkit) => readReport(request, fedkit, process.env));
