import { createHash } from "node:crypto";

/**
 * BullMQ has no per-job labels, so the driver keeps one BullMQ queue per (pitcrew queue, label
 * set): a consumer takes work only from the label sets that are subsets of its own labels.
 * BullMQ names and custom job ids must not contain ':'; these helpers make safe ones.
 */

/** The label set of an item, sorted and de-duplicated (its identity). */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort();
}

/** The BullMQ queue name that holds items of `queue` needing exactly `labels`. */
export function labelSetQueueName(queue: string, labels: readonly string[]): string {
  const sorted = normalizeLabels(labels);
  const tag =
    sorted.length === 0 ? "any" : createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
  return `${queue}.${tag}`;
}

/** A BullMQ job id for a dedupe key (reversible, never ':' and never all digits). */
export function jobIdForKey(dedupeKey: string): string {
  return `k-${Buffer.from(dedupeKey).toString("base64url")}`;
}

/** Whether a consumer with `own` labels may take an item needing `needed`. */
export function labelsMatch(needed: readonly string[], own: readonly string[]): boolean {
  return needed.every((l) => own.includes(l));
}
