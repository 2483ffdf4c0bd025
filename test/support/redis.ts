/** The test Redis server (127.0.0.1:6379 unless PITCREW_TEST_REDIS_URL says otherwise) and cleanup. */
import { Redis } from "ioredis";

/** URL of the test Redis server. */
export const REDIS_URL = process.env.PITCREW_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Deletes every key matching `pattern` (a test run's prefix) with SCAN, never KEYS. */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", pattern, "COUNT", 500);
      if (keys.length > 0) await r.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
}
