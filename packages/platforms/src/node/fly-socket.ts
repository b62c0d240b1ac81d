/// <reference types="node" />
/**
 * A `fetch` over a unix socket, for Fly's Machines API inside a Machine (`/.fly/api`).
 *
 * @packageDocumentation
 */
import { request as httpRequest } from "node:http";
import type { FetchLike } from "@fedkit/core";

/**
 * A `fetch` whose requests go to the unix socket `socketPath` (the URL's path and query are kept, its host
 * ignored). No redirect is followed: a 3xx comes back as is.
 *
 * @example
 * ```ts
 * import { flyMachineToken } from "@fedkit/platforms";
 * import { flySocketFetch } from "@fedkit/platforms/node";
 * const source = flyMachineToken({ fetch: flySocketFetch() });
 * ```
 * @public
 */
export function flySocketFetch(socketPath = "/.fly/api"): FetchLike {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const headers = new Headers(init.headers);
      const req = httpRequest(
        {
          socketPath,
          path: `${url.pathname}${url.search}`,
          method: init.method ?? "GET",
          headers: Object.fromEntries(headers),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const answer = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (typeof value === "string") answer.set(name, value);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers: answer }));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      init.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")), { once: true });
      if (typeof init.body === "string") req.write(init.body);
      req.end();
    });
}
