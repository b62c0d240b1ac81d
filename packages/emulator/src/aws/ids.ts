import { randomBytes } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** `prefix` + uppercase base32 characters, the shape of AWS unique ids (`ASIA…`, `AROA…`). @internal */
export function awsId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! % 32];
  return out;
}

/** A 40-character secret access key. @internal */
export function secretAccessKey(): string {
  return randomBytes(30).toString("base64");
}

/** A session token of the length real ones have (several hundred characters, base64). @internal */
export function sessionToken(): string {
  return `IQoJb3JpZ2luX2Vj${randomBytes(360).toString("base64")}`;
}
