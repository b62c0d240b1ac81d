// The server's settings come from its environment (process.env in src/main.ts); tests pass their own.

/** The environment variables the server reads. */
export type Vars = Readonly<Record<string, string | undefined>>;

/** The value of `name`, or a TypeError saying which variable to set. */
export function need(vars: Vars, name: string): string {
  const value = vars[name];
  if (!value) throw new TypeError(`set the environment variable ${name}`);
  return value;
}
