/**
 * Evaluates alerting rules on a metrics source, with Prometheus' alert states, persisted in the
 * `alerts` table (source `pitcrew-rules`) so a restart continues where it stopped:
 *
 *   (none|resolved) ─expr returns the series─► pending (activeAt = now)
 *   pending ─still returned and now - activeAt ≥ for─► firing (startsAt = now)   [for: 0 → firing at once]
 *   pending ─not returned─► (row deleted)
 *   firing ─not returned─► resolved (endsAt = now)
 *
 * An alert's labels are the series' labels without `__name__`, plus the rule's (templated)
 * labels and `alertname`; its fingerprint is Prometheus'. Annotations are expanded on every
 * evaluation. A rule owns the stored active alerts whose `alertname` is its name and whose labels
 * contain its static labels. A failing query leaves the rule's alerts untouched (logged).
 */
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { Alert, AlertsRepo } from "../../store/index.js";
import type { MetricsSource } from "../metrics/metrics-source.js";
import { parseValue } from "../metrics/promql/query-result.js";
import type { AlertRecorder } from "./alert-recorder.js";
import { expandTemplate } from "./alert-template.js";
import { labelsFingerprint } from "./fingerprint.js";
import type { AlertingRule, RuleGroup } from "./rule-file.js";

/** What the evaluator reads and writes. */
export interface RuleEvaluatorDeps {
  source: MetricsSource;
  alerts: AlertsRepo;
  recorder: AlertRecorder;
  clock: Clock;
  log: Logger;
}

/** Evaluates rule groups; `start` runs each group at its interval. */
export class RuleEvaluator {
  /** Active (pending/firing) alerts by fingerprint, loaded from the store on first use. */
  #active: Map<string, Alert> | undefined;

  constructor(
    private readonly deps: RuleEvaluatorDeps,
    private readonly groups: RuleGroup[],
    private readonly defaultIntervalMs: number,
  ) {}

  /** Evaluates every rule of `group` at `now`; returns the alerts that changed to firing/resolved. */
  async evaluateGroup(group: RuleGroup, now = this.deps.clock.now()): Promise<Alert[]> {
    const changed: Alert[] = [];
    for (const rule of group.rules) changed.push(...(await this.#evaluateRule(rule, now)));
    return changed;
  }

  /** Starts one timer loop per group; returns the stop function. */
  start(): () => void {
    let stopped = false;
    const timers = new Set<NodeJS.Timeout>();
    for (const group of this.groups) {
      const interval = group.intervalMs ?? this.defaultIntervalMs;
      const loop = async () => {
        await this.evaluateGroup(group).catch((err) =>
          this.deps.log.error({ err, group: group.name }, "rule group failed"),
        );
        if (stopped) return;
        const t = setTimeout(() => {
          timers.delete(t);
          void loop();
        }, interval);
        timers.add(t);
      };
      void loop();
    }
    return () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    };
  }

  async #load(): Promise<Map<string, Alert>> {
    if (!this.#active) {
      const rows = await this.deps.alerts.list({ status: ["pending", "firing"], source: "pitcrew-rules" });
      this.#active = new Map(rows.map((a) => [a.fingerprint, a]));
    }
    return this.#active;
  }

  async #evaluateRule(rule: AlertingRule, now: number): Promise<Alert[]> {
    const active = await this.#load();
    let result: Awaited<ReturnType<MetricsSource["instantQuery"]>>;
    try {
      result = await this.deps.source.instantQuery(rule.expr, now);
    } catch (err) {
      this.deps.log.warn({ err, rule: rule.name }, "alert rule query failed; its alerts keep their state");
      return [];
    }
    const samples =
      result.resultType === "vector"
        ? result.result.map((r) => ({ metric: r.metric, v: parseValue(r.value[1]) }))
        : result.resultType === "scalar"
          ? [{ metric: {}, v: parseValue(result.result[1]) }]
          : [];
    const updates: Alert[] = [];
    const seen = new Set<string>();
    for (const s of samples) {
      const { __name__: _, ...base } = s.metric;
      const labels: Record<string, string> = { ...base };
      for (const [k, v] of Object.entries(rule.labels)) labels[k] = expandTemplate(v, base, s.v);
      labels.alertname = rule.name;
      const fingerprint = labelsFingerprint(labels);
      seen.add(fingerprint);
      const annotations = Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, base, s.v)]),
      );
      const prev = active.get(fingerprint);
      const activeAt = prev ? prev.activeAt : now;
      const firing = prev?.status === "firing" || now - activeAt >= rule.forMs;
      updates.push({
        fingerprint,
        name: rule.name,
        status: firing ? "firing" : "pending",
        source: "pitcrew-rules",
        labels,
        annotations,
        value: s.v,
        activeAt,
        startsAt: prev?.status === "firing" ? prev.startsAt : now,
        endsAt: null,
        updatedAt: now,
      });
    }
    const gone = [...active.values()].filter((a) => this.#owns(rule, a) && !seen.has(a.fingerprint));
    const dropped = gone.filter((a) => a.status === "pending").map((a) => a.fingerprint);
    for (const a of gone)
      if (a.status === "firing") updates.push({ ...a, status: "resolved", endsAt: now, updatedAt: now });
    const changed = await this.deps.recorder.record(updates);
    await this.deps.alerts.remove(dropped);
    for (const fp of dropped) active.delete(fp);
    for (const a of updates) {
      if (a.status === "resolved") active.delete(a.fingerprint);
      else active.set(a.fingerprint, a);
    }
    return changed;
  }

  #owns(rule: AlertingRule, a: Alert): boolean {
    if (a.labels.alertname !== rule.name) return false;
    return Object.entries(rule.labels).every(([k, v]) => v.includes("{{") || a.labels[k] === v);
  }
}
