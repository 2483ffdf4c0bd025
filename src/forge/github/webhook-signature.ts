import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies GitHub's `X-Hub-Signature-256: sha256=<hex>` header: the HMAC SHA-256 of the raw body
 * with the webhook secret, compared in constant time. A missing or malformed header is false.
 */
export function verifyGitHubSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const given = header.startsWith("sha256=") ? header.slice(7) : header;
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}

/** The header value GitHub would send for `body` (for senders and tests). */
export function signGitHubPayload(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}
