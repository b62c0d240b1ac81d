import { StsError, stsErrors } from "./sts-xml.js";

/** The query parameters of an STS call (query string and form body merged, body wins). @internal */
export class StsParams {
  readonly #values: URLSearchParams;
  readonly problems: string[] = [];

  constructor(values: URLSearchParams) {
    this.#values = values;
  }

  get(name: string): string | undefined {
    return this.#values.get(name) ?? undefined;
  }

  /** `Name.member.1`, `Name.member.2`, … (awsQuery lists), stopping at the first gap. */
  list(name: string, field?: string): string[] {
    const out: string[] = [];
    for (let i = 1; ; i++) {
      const value = this.#values.get(`${name}.member.${i}${field ? `.${field}` : ""}`);
      if (value === null) return out;
      out.push(value);
    }
  }

  /** A required string with the model's length and pattern rules; problems are collected AWS-style. */
  string(
    name: string,
    rule: { required?: boolean; min: number; max: number; pattern?: RegExp },
  ): string | undefined {
    const value = this.get(name);
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    if (value === undefined) {
      if (rule.required)
        this.problems.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (value.length < rule.min) {
      this.problems.push(
        `Value '${shown(name, value)}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
      );
    } else if (value.length > rule.max) {
      this.problems.push(
        `Value '${shown(name, value)}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`,
      );
    } else if (rule.pattern && !rule.pattern.test(value)) {
      this.problems.push(
        `Value '${shown(name, value)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source.slice(1, -1)}`,
      );
    }
    return value;
  }

  /** `DurationSeconds`: an integer 900..43200 when present. */
  duration(): number | undefined {
    const raw = this.get("DurationSeconds");
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw)) {
      throw new StsError(
        400,
        "ValidationError",
        `Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`,
      );
    }
    if (value < 900) {
      this.problems.push(
        `Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
      );
    } else if (value > 43_200) {
      this.problems.push(
        `Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
      );
    }
    return value;
  }

  /** Throws the collected problems as one `ValidationError`, like AWS does. */
  check(): void {
    if (this.problems.length > 0) throw stsErrors.validation(this.problems);
  }
}

/** The web identity token and other secrets never appear in an error message. */
function shown(name: string, value: string): string {
  return name === "WebIdentityToken" || name === "ExternalId" ? "***" : value;
}

/** Reads an STS request: `Action` and `Version` from the query string or the form body. @internal */
export async function readStsParams(request: Request): Promise<StsParams> {
  const values = new URLSearchParams(new URL(request.url).search);
  if (request.method === "POST") {
    const type = request.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw new StsError(
        400,
        "InvalidParameterValue",
        "Content-Type must be application/x-www-form-urlencoded",
      );
    }
    for (const [key, value] of new URLSearchParams(await request.clone().text())) values.set(key, value);
  } else if (request.method !== "GET") {
    throw new StsError(405, "InvalidAction", `Method ${request.method} is not supported`);
  }
  return new StsParams(values);
}

/** Role session names and source identities: `[\w+=,.@-]`, 2..64. @internal */
export const SESSION_NAME = /^[\w+=,.@-]*$/;
/** External ids: `[\w+=,.@:/-]`, 2..1224. @internal */
export const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** Role ARNs STS accepts (any partition). @internal */
export const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
