/// <reference types="node" />
/**
 * A subject token from a file, re-read on every use, like the AWS SDK's `AWS_WEB_IDENTITY_TOKEN_FILE`
 * (Kubernetes projected service-account tokens rotate the file in place).
 *
 * @packageDocumentation
 */
import { readFile } from "node:fs/promises";
import { FederationError, MissingSubjectTokenError } from "../errors.js";
import { lastDecoded } from "../sources/decode-memo.js";
import type { SubjectTokenSource } from "../types.js";

/** Options of {@link fileToken}. @public */
export interface FileTokenOptions {
  /** Reads the file. Default `fs.promises.readFile(path, "utf8")`. */
  read?: (path: string) => Promise<string>;
}

/**
 * Reads the token from `path` on every call (unverified). Without a path it uses
 * `AWS_WEB_IDENTITY_TOKEN_FILE`.
 *
 * @throws MissingSubjectTokenError when the file does not exist or is empty (a chain falls through).
 * @example
 * ```ts
 * import { fileToken } from "@fedkit/core/node";
 * const source = fileToken("/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
 * ```
 * @public
 */
export function fileToken(path?: string, options: FileTokenOptions = {}): SubjectTokenSource {
  const decode = lastDecoded();
  const read = options.read ?? ((p: string) => readFile(p, "utf8"));
  return {
    name: `file:${path ?? "$AWS_WEB_IDENTITY_TOKEN_FILE"}`,
    async getToken() {
      const file = path ?? process.env["AWS_WEB_IDENTITY_TOKEN_FILE"];
      if (file === undefined || file === "") {
        throw new MissingSubjectTokenError(
          "file",
          "No token file: no path given and AWS_WEB_IDENTITY_TOKEN_FILE is unset.",
          {
            hint: "Pass the path to fileToken(path) or set AWS_WEB_IDENTITY_TOKEN_FILE.",
          },
        );
      }
      let text: string;
      try {
        text = await read(file);
      } catch (cause) {
        const code = (cause as { code?: string }).code;
        if (code === "ENOENT") {
          throw new MissingSubjectTokenError(`file:${file}`, `The token file ${file} does not exist.`, {
            cause,
          });
        }
        // Present but unreadable is not "missing": a chain must not fall back to another identity.
        throw new FederationError(
          "config",
          `The token file ${file} could not be read (${code ?? "error"}).`,
          {
            provider: "core",
            cause,
            hint: "Check the file's permissions.",
          },
        );
      }
      if (text.trim() === "") {
        throw new MissingSubjectTokenError(`file:${file}`, `The token file ${file} is empty.`);
      }
      return decode(text);
    },
  };
}
