import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Encrypts small values at rest with AES-256-GCM; output is base64 of iv|tag|ciphertext. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A SecretBox over a 32-byte key. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("secret key must be 32 bytes");
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const enc = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), enc]).toString("base64");
    },
    open(sealed) {
      const buf = Buffer.from(sealed, "base64");
      const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
    },
  };
}

/**
 * Loads the key from `path` (hex), creating a random one with mode 0600 on first use.
 * `PITCREW_SECRET_KEY` (64 hex chars) overrides the file, for servers sharing one database.
 */
export function loadOrCreateKey(path: string): Buffer {
  const fromEnv = process.env.PITCREW_SECRET_KEY;
  if (fromEnv) return Buffer.from(fromEnv, "hex");
  if (existsSync(path)) return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString("hex"), { mode: 0o600 });
  return key;
}
