/**
 * Alert fingerprints exactly as Prometheus and Alertmanager compute them (`model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the sorted label names and values, each followed by a 0xff separator, printed as
 * 16 hex digits. Alerts from pitcrew's rules and from Alertmanager therefore share keys.
 *
 * The 64-bit state is kept in four 16-bit limbs of small integers (the usual exact way without
 * BigInt, many times faster per byte), over the label set's UTF-8 bytes encoded in one buffer.
 */
const SEPARATOR = 0xff;
const utf8 = new TextEncoder();
/** Reused between calls (grown when a label set needs more); a fingerprint is computed synchronously. */
let scratch = new Uint8Array(4096);

/** The fingerprint of a label set (`alertname` included). */
export function labelsFingerprint(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  let bound = 0;
  for (const name of names) bound += 3 * (name.length + labels[name]!.length) + 2;
  if (bound > scratch.length) scratch = new Uint8Array(bound);
  const bytes = scratch;
  let n = 0;
  for (const name of names) {
    n += utf8.encodeInto(name, bytes.subarray(n)).written;
    bytes[n++] = SEPARATOR;
    n += utf8.encodeInto(labels[name]!, bytes.subarray(n)).written;
    bytes[n++] = SEPARATOR;
  }
  // Offset basis 0xcbf29ce484222325, limbs low to high; prime 0x100000001b3 = 2^40 + 0x1b3.
  let v0 = 0x2325;
  let v1 = 0x8422;
  let v2 = 0x9ce4;
  let v3 = 0xcbf2;
  for (let i = 0; i < n; i++) {
    v0 ^= bytes[i]!;
    const t0 = v0 * 0x1b3;
    let t1 = v1 * 0x1b3;
    let t2 = v2 * 0x1b3 + (v0 << 8);
    const t3 = v3 * 0x1b3 + (v1 << 8);
    t1 += t0 >>> 16;
    v0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    v1 = t1 & 0xffff;
    v3 = (t3 + (t2 >>> 16)) & 0xffff;
    v2 = t2 & 0xffff;
  }
  const hex = (v: number) => v.toString(16).padStart(4, "0");
  return hex(v3) + hex(v2) + hex(v1) + hex(v0);
}
