/**
 * The config fixer (the `Fixer` port, kind "config"): when the diagnosis blames a config value
 * (a timeout hit by the failing calls), it changes that value in the JSON or YAML file a
 * `pitcrew.repair.yaml` governs, within the declared range. The new value is what the calls were
 * measured to need (p99) plus 50 % headroom, rounded up; without a measurement the value is
 * doubled. A value whose need lies beyond the range is left for a human: no patch.
 */
import { readFile } from "node:fs/promises";
import { isScalar, parseDocument } from "yaml";
import type { FixContext, Fixer, Patch } from "../../fixer.js";
import { unifiedDiff } from "../../unified-diff.js";
import { configEvidence, type KeyEvidence } from "./config-evidence.js";
import { type Bound, type RepairBounds, readRepairBounds } from "./repair-bounds.js";

const HEADROOM = 1.5;

/** Rounds up to a step that reads well: 10 below 1 000, 100 below 10 000, else 1 000. */
function roundUp(value: number): number {
  const step = value < 1000 ? 10 : value < 10_000 ? 100 : 1000;
  return Math.ceil(value / step) * step;
}

/** The value to set and why, or undefined when no change inside the bound helps. */
function target(bound: Bound, current: number, ev: KeyEvidence): { value: number; why: string } | undefined {
  const scale = bound.unit === "s" ? 1 / 1000 : 1;
  if (ev.needMs !== undefined && (bound.unit === "ms" || bound.unit === "s")) {
    const need = ev.needMs * scale;
    if (need > bound.max) return undefined;
    const wanted = bound.unit === "ms" ? roundUp(need * HEADROOM) : Math.ceil(need * HEADROOM);
    const value = Math.min(bound.max, Math.max(bound.min, wanted));
    const capped = value < wanted ? `, capped at the bound's maximum ${bound.max} ${bound.unit}` : "";
    return value > current
      ? {
          value,
          why: `the calls need ${need} ${bound.unit} (p99); that plus 50 % headroom is ${value} ${bound.unit}${capped}`,
        }
      : undefined;
  }
  const doubled = bound.unit === "count" ? current + 1 : current * 2;
  const value = Math.min(bound.max, Math.round(doubled));
  const how = bound.unit === "count" ? "raised by one" : "doubled";
  return value > current ? { value, why: `no latency was measured, so the value is ${how}` } : undefined;
}

/** One patch for one key of one governed file, or undefined when none fits. */
async function patchFor(
  repoDir: string,
  governed: RepairBounds,
  bound: Bound,
  ev: KeyEvidence,
): Promise<Patch | undefined> {
  if (!/\.(json|ya?ml)$/i.test(governed.file)) return undefined;
  const before = await readFile(`${repoDir}/${governed.file}`, "utf8");
  const doc = parseDocument(before);
  const node = doc.getIn(bound.key.split("."), true);
  if (!isScalar(node) || typeof node.value !== "number" || !node.range) return undefined;
  const current = node.value;
  const next = target(bound, current, ev);
  if (!next) return undefined;
  const after = before.slice(0, node.range[0]) + String(next.value) + before.slice(node.range[1]);
  const edits = [{ path: governed.file, before, after }];
  const unit = bound.unit === "count" ? "" : ` ${bound.unit}`;
  const evidence = ev.summaries.slice(0, 3).map((s) => `- ${s}`);
  return {
    fixer: "config/bounded-value",
    kind: "config",
    title: `Raise ${bound.key} from ${current} to ${next.value}${unit} in ${governed.file}`,
    explanation: [
      `${ev.hypothesis.explanation} Evidence:`,
      ...evidence,
      `${bound.key} is ${current}${unit}; ${next.why}. The patch sets it to ${next.value}${unit}, inside the range ${bound.min}–${bound.max}${unit} that ${governed.source} allows.`,
    ].join("\n"),
    edits,
    diff: unifiedDiff(edits),
  };
}

/** Changes config values the diagnosis blames, within declared bounds. */
export class ConfigFixer implements Fixer {
  readonly name = "config/bounded-value";
  readonly kind = "config" as const;

  /** Proposes one patch per blamed key that a bounds file governs (see the Fixer protocol). */
  async propose(ctx: FixContext): Promise<Patch[]> {
    const evidence = configEvidence(ctx.diagnosis);
    if (evidence.length === 0) return [];
    const governed = await readRepairBounds(ctx.repoDir);
    const out: Patch[] = [];
    for (const ev of evidence)
      for (const g of governed) {
        const bound = g.bounds.find((b) => b.key === ev.key);
        const patch = bound && (await patchFor(ctx.repoDir, g, bound, ev));
        if (patch && !out.some((p) => p.diff === patch.diff)) out.push(patch);
      }
    return out;
  }
}
