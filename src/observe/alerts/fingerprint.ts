/**
 * Alert fingerprints exactly as Prometheus and Alertmanager compute them (`model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the sorted label names and values, each followed by a 0xff separator, printed as
 * 16 hex digits. Alerts from pitcrew's rules and from Alertmanager therefore share keys.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** The fingerprint of a label set (`alertname` included). */
export function labelsFingerprint(labels: Record<string, string>): string {
  let h = OFFSET;
  const add = (bytes: Uint8Array) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  };
  const enc = new TextEncoder();
  const sep = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(enc.encode(name));
    add(sep);
    add(enc.encode(labels[name]!));
    add(sep);
  }
  return h.toString(16).padStart(16, "0");
}
