/// <reference types="node" />
/**
 * A subject token from a file, re-read on every use, like the AWS SDK's `AWS_WEB_IDENTITY_TOKEN_FILE`
 * (Kubernetes projected service-account tokens rotate the file in place).
 *
 * @packageDocumentation
 */
import { open } from "node:fs/promises";
import { FederationError, MissingSubjectTokenError } from "../errors.js";
import { lastDecoded } from "../sources/decode-memo.js";
import type { SubjectTokenSource } from "../types.js";
import { MAX_SUBJECT_TOKEN_LENGTH, tooLong } from "../util/token-size.js";

/** Options of {@link fileToken}. @public */
export interface FileTokenOptions {
  /**
   * Reads the file. Default: reads at most {@link MAX_SUBJECT_TOKEN_LENGTH} bytes plus some whitespace as UTF-8,
   * and refuses a longer file without reading the rest.
   */
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
  const read = options.read ?? readBounded;
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
        if (cause instanceof FederationError) throw cause;
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

/** Room for a trailing newline or indentation around the longest token. */
const SLACK_BYTES = 1024;

/** Reads up to the token cap (plus slack) and refuses a longer file: a token file is never read in full blindly. */
async function readBounded(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const limit = MAX_SUBJECT_TOKEN_LENGTH + SLACK_BYTES;
    const buffer = new Uint8Array(limit + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > limit) throw tooLong(size);
    }
    return new TextDecoder().decode(buffer.subarray(0, size));
  } finally {
    await handle.close();
  }
}
