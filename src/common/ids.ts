import { randomBytes } from "node:crypto";

/** A random, URL-safe identifier with a readable prefix, e.g. `tok_3f9a…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url")}`;
}
