/**
 * Stream tickets: short-lived, sealed (AES-256-GCM with the server's secret key) references to an
 * API token, for EventSource clients that cannot send `Authorization`. The token itself never
 * appears in a URL (so not in proxy or access logs); a leaked ticket opens read-only streams of
 * its token for at most its lifetime. Servers sharing the secret key accept each other's tickets.
 */
import type { Clock } from "./clock.js";
import type { SecretBox } from "./secret-box.js";

/** Mints and opens stream tickets. */
export interface StreamTickets {
  /** A ticket for token `tokenId`, valid until `expiresAt` (epoch ms). */
  mint(tokenId: number): { ticket: string; expiresAt: number };
  /** The token id a ticket stands for, or undefined when it is forged, malformed or expired. */
  open(ticket: string): number | undefined;
}

/** Tickets sealed with `box`, each valid for `ttlMs`. */
export function createStreamTickets(box: SecretBox, clock: Clock, ttlMs: number): StreamTickets {
  return {
    mint(tokenId) {
      const expiresAt = clock.now() + ttlMs;
      const sealed = box.seal(JSON.stringify({ kind: "stream", tokenId, expiresAt }));
      return { ticket: Buffer.from(sealed, "base64").toString("base64url"), expiresAt };
    },
    open(ticket) {
      if (!/^[A-Za-z0-9_-]{40,400}$/.test(ticket)) return undefined;
      try {
        const claims = JSON.parse(box.open(Buffer.from(ticket, "base64url").toString("base64"))) as {
          kind?: unknown;
          tokenId?: unknown;
          expiresAt?: unknown;
        };
        if (claims.kind !== "stream" || typeof claims.tokenId !== "number") return undefined;
        if (typeof claims.expiresAt !== "number" || claims.expiresAt <= clock.now()) return undefined;
        return claims.tokenId;
      } catch {
        return undefined;
      }
    },
  };
}
