/** The shell commands that put a context's key set into the site's environment, reading each value from its file. */
import { toPublicJwk } from "../issuer-api.js";
import { keySetFile, listContexts, publicKeysFile, readContextKeys, writeSecret } from "./store.js";

const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/**
 * The `netlify env:set` commands for the changed contexts, reading each value from its file. The production
 * deploy also serves the other contexts' public keys, from a public-keys file written here.
 */
export function envCommands(dir: string, changed: readonly string[]): string[] {
  const commands = changed.map(
    (context) =>
      `netlify env:set FEDKIT_ISSUER_KEYS "$(cat ${quote(keySetFile(dir, context))})" --context ${context} --scope functions --secret`,
  );
  const others = listContexts(dir).filter((context) => context !== "production");
  if (changed.some((context) => context !== "production") && others.length > 0) {
    const file = publicKeysFile(dir);
    const map = Object.fromEntries(
      others.map((context) => {
        const doc = readContextKeys(dir, context)!.current;
        return [context, { keys: doc.keys.map((k) => toPublicJwk(k)) }];
      }),
    );
    writeSecret(file, map);
    commands.push(
      `netlify env:set FEDKIT_ISSUER_PUBLIC_KEYS "$(cat ${quote(file)})" --context production --scope functions`,
    );
  }
  return commands;
}
