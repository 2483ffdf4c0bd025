import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock } from "../../common/clock.js";
import type { DB } from "../schema.js";

/**
 * API roles: `viewer`, `operator`, `admin`, each allowing what the previous one does and more;
 * and `agent`, outside that ladder: a `pitcrew agent`'s token, accepted only by the agent
 * protocol's routes (and refused by every other route).
 */
export type Role = "viewer" | "operator" | "admin" | "agent";

/** The ladder of user roles, in increasing power (`agent` is not on it). */
export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

/** Every role a token may have. */
export const TOKEN_ROLES: readonly Role[] = [...ROLES, "agent"];

/** A token's identity (never its secret). */
export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** SHA-256 of a token, as stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Persistence of API tokens: only hashes are kept; the secret is returned once at creation. */
export class TokensRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** Creates a token and returns its secret (shown once) with its info. */
  async create(name: string, role: Role): Promise<{ token: string; info: TokenInfo }> {
    const token = `pcr_${randomBytes(24).toString("base64url")}`;
    const now = this.clock.now();
    const row = await this.db
      .insertInto("api_tokens")
      .values({ name, role, token_hash: hashToken(token), created_at: now, last_used_at: null, revoked_at: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { token, info: { id: row.id, name, role, createdAt: now, lastUsedAt: null, revokedAt: null } };
  }

  /** The live token matching `token`, if any. */
  async verify(token: string): Promise<TokenInfo | undefined> {
    const row = await this.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", hashToken(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      role: row.role as Role,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    };
  }

  /** The live (not revoked) token with id `id`, if any. */
  async findLive(id: number): Promise<TokenInfo | undefined> {
    const row = await this.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      role: row.role as Role,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    };
  }

  /** Number of tokens ever created (0 means the server was never bootstrapped). */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** All tokens' info. */
  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom("api_tokens").selectAll().orderBy("id").execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role as Role,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a token. */
  async revoke(id: number): Promise<void> {
    await this.db.updateTable("api_tokens").set({ revoked_at: this.clock.now() }).where("id", "=", id).execute();
  }
}
