import { MalformedPolicyError } from "./errors.js";
import { parseOperator } from "./operators.js";
import type { PolicyDocument } from "./types.js";

/**
 * What kind of policy is being parsed: identity and session policies must name a `Resource` and may not name a
 * `Principal`; trust and resource policies must name a `Principal`. `any` checks the grammar only.
 * @public
 */
export type PolicyKind = "identity" | "session" | "trust" | "resource" | "any";

const DOC_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
]);
const PRINCIPAL_TYPES = new Set(["AWS", "Federated", "Service", "CanonicalUser"]);
const ACTION = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]*)$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function fail(message: string, path: string): never {
  throw new MalformedPolicyError(message, path);
}

function checkStrings(value: unknown, path: string, check?: (s: string, p: string) => void): void {
  const list = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) fail("must not be an empty list", path);
  list.forEach((item, i) => {
    const p = Array.isArray(value) ? `${path}[${i}]` : path;
    if (typeof item !== "string" || item === "") fail("must be a non-empty string or a list of them", p);
    check?.(item, p);
  });
}

function checkAction(action: string, path: string): void {
  if (!ACTION.test(action))
    fail(`"${action}" is not an action: write "service:Action" (wildcards * ? allowed)`, path);
}

function checkPrincipal(value: unknown, path: string): void {
  if (value === "*") return;
  if (!isObject(value) || Object.keys(value).length === 0)
    fail('must be "*" or an object such as { "Federated": "arn:aws:iam::...:oidc-provider/..." }', path);
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type))
      fail(
        `unknown principal type "${type}" (use AWS, Federated, Service or CanonicalUser)`,
        `${path}.${type}`,
      );
    checkStrings(ids, `${path}.${type}`);
  }
}

function checkCondition(value: unknown, path: string): void {
  if (!isObject(value)) fail("must be an object of operator → { key → value(s) }", path);
  for (const [name, keys] of Object.entries(value)) {
    const p = `${path}.${name}`;
    const operator = parseOperator(name);
    if (!operator) fail(`unknown condition operator "${name}"`, p);
    if (!isObject(keys) || Object.keys(keys).length === 0)
      fail("must be a non-empty object of condition key → value(s)", p);
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) fail("must not be an empty list", `${p}.${key}`);
      for (const v of list) {
        if (!["string", "number", "boolean"].includes(typeof v))
          fail("condition values must be strings, numbers or booleans", `${p}.${key}`);
        if (operator.family === "null" && !/^(true|false)$/i.test(String(v)))
          fail(`Null takes "true" or "false", not "${String(v)}"`, `${p}.${key}`);
      }
    }
  }
}

function checkStatement(s: unknown, path: string, kind: PolicyKind): void {
  if (!isObject(s)) fail("must be an object", path);
  for (const key of Object.keys(s))
    if (!STATEMENT_KEYS.has(key)) fail(`unknown element "${key}"`, `${path}.${key}`);
  if (s.Sid !== undefined && (typeof s.Sid !== "string" || !/^[A-Za-z0-9]*$/.test(s.Sid)))
    fail("Sid must be a string of letters and digits", `${path}.Sid`);
  if (s.Effect !== "Allow" && s.Effect !== "Deny") fail('Effect must be "Allow" or "Deny"', `${path}.Effect`);
  if ((s.Action === undefined) === (s.NotAction === undefined))
    fail("exactly one of Action or NotAction is required", path);
  checkStrings(
    s.Action ?? s.NotAction,
    `${path}.${s.Action === undefined ? "NotAction" : "Action"}`,
    checkAction,
  );
  if (s.Resource !== undefined && s.NotResource !== undefined)
    fail("Resource and NotResource cannot both be present", path);
  const resource = s.Resource ?? s.NotResource;
  if (resource !== undefined)
    checkStrings(resource, `${path}.${s.Resource === undefined ? "NotResource" : "Resource"}`);
  else if (kind === "identity" || kind === "session") fail("Resource or NotResource is required", path);
  if (s.Principal !== undefined && s.NotPrincipal !== undefined)
    fail("Principal and NotPrincipal cannot both be present", path);
  const principal = s.Principal ?? s.NotPrincipal;
  if (principal !== undefined) {
    if (kind === "identity" || kind === "session")
      fail(`${kind === "identity" ? "an" : "a"} ${kind} policy cannot name a Principal`, path);
    checkPrincipal(principal, `${path}.${s.Principal === undefined ? "NotPrincipal" : "Principal"}`);
  } else if (kind === "trust" || kind === "resource") fail("Principal or NotPrincipal is required", path);
  if (s.Condition !== undefined) checkCondition(s.Condition, `${path}.Condition`);
}

/**
 * Validates an IAM policy (a JSON string or an already-parsed object) and returns it as a {@link PolicyDocument}.
 * Throws {@link MalformedPolicyError} naming the first problem found.
 *
 * @example
 * ```ts
 * const policy = parsePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}');
 * ```
 * @public
 */
export function parsePolicy(json: unknown, options: { kind?: PolicyKind } = {}): PolicyDocument {
  const kind = options.kind ?? "any";
  let doc = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (cause) {
      throw new MalformedPolicyError("not valid JSON", "", { cause });
    }
  }
  if (!isObject(doc)) fail("a policy must be a JSON object", "");
  for (const key of Object.keys(doc)) if (!DOC_KEYS.has(key)) fail(`unknown top-level element "${key}"`, key);
  if (doc.Version !== undefined && doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17")
    fail(
      `Version must be "2012-10-17" (or the legacy "2008-10-17"), not ${JSON.stringify(doc.Version)}`,
      "Version",
    );
  if (doc.Id !== undefined && typeof doc.Id !== "string") fail("Id must be a string", "Id");
  const statements = doc.Statement;
  if (statements === undefined) fail("Statement is required", "Statement");
  if (Array.isArray(statements)) {
    if (statements.length === 0) fail("must contain at least one statement", "Statement");
    for (const [i, s] of statements.entries()) checkStatement(s, `Statement[${i}]`, kind);
  } else checkStatement(statements, "Statement", kind);
  return structuredClone(doc) as unknown as PolicyDocument;
}
