import { execFileSync } from "node:child_process";

/** This process's children (the edge runtime's Deno, Azurite, anything else `fedkit dev` started). */
export function children(): string[] {
  try {
    const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out.split("\n").filter((line) => line.trim() !== "" && !/\bps -o\b/.test(line));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}
