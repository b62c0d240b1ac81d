/** Base64url without padding, for JWS segments and random ids. @internal */
export function base64urlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes standard or url-safe base64 (PEM bodies, JWK members). Throws on anything else. @internal */
export function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const normal = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(normal + "=".repeat((4 - (normal.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Base64url of a JSON value (a JWS header or payload). @internal */
export function base64urlJson(value: unknown): string {
  return base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));
}
