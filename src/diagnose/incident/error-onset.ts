/**
 * When an error began: the first record of the current episode of an error signature — going
 * back from the newest occurrence, the episode ends at the first silence longer than `quietGapMs`
 * (an older episode of the same error, fixed and come back, is another story). Reads error logs
 * newest first, page by page, up to `maxRecords`.
 */
import type { LogQuery, StoredLogRecord } from "../../store/index.js";
import { errorSignature } from "./error-signature.js";

/** Where the onset is looked for. */
export interface OnsetQuery {
  service: string;
  /** The signature key (error-signature.ts). */
  key: string;
  levels: string[];
  since: number;
  until: number;
  /** A silence this long separates two episodes (default 5 min). */
  quietGapMs?: number;
  /** Records read at most (default 5,000). */
  maxRecords?: number;
}

/** The episode of a signature: its first and last occurrence and every time it occurred, oldest first. */
export interface ErrorEpisode {
  onset: number;
  last: number;
  occurrences: number[];
}

const PAGE = 500;

/** The current episode of `q.key` in `q.service`'s error logs, or undefined when it never occurred. */
export async function errorOnset(
  searchLogs: (q: LogQuery) => Promise<StoredLogRecord[]>,
  q: OnsetQuery,
): Promise<ErrorEpisode | undefined> {
  const gap = q.quietGapMs ?? 300_000;
  const max = q.maxRecords ?? 5_000;
  const times: number[] = []; // newest first
  let until = q.until;
  for (let read = 0; read < max; ) {
    const page = await searchLogs({ service: q.service, levels: q.levels, since: q.since, until, limit: PAGE });
    read += page.length;
    for (const r of page) {
      if (errorSignature(r).key !== q.key) continue;
      if (times.length && (times.at(-1) as number) - r.at > gap) return episode(times);
      times.push(r.at);
    }
    const oldest = page.at(-1)?.at;
    if (page.length < PAGE || oldest === undefined || oldest >= until) break;
    until = oldest;
  }
  return times.length ? episode(times) : undefined;
}

function episode(newestFirst: number[]): ErrorEpisode {
  const occurrences = [...newestFirst].reverse();
  return { onset: occurrences[0] as number, last: occurrences.at(-1) as number, occurrences };
}
