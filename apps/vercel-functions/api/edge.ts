// The same reads as a Vercel Function on the Edge runtime: fedkit's main entries use fetch and WebCrypto only.
import { withVercel } from "@fedkit/platforms/vercel";
import { readReport } from "../lib/reports.js";

declare const process: { readonly env: Readonly<Record<string, string | undefined>> };

export const config = { runtime: "edge" };

export default withVercel((request, fedkit) => readReport(request, fedkit, process.env));
