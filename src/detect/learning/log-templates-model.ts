/**
 * The log template watcher as a learned model (`log-templates`), one scope per service
 * (`service:<name>`): its state is what the watcher learnt of the service's logs — the Drain tree
 * of its templates (at most `MAX_TEMPLATES`) and each template's bucket count and EWMA rate. It
 * learns online only: an update restores the state and mines the service's stored log lines after
 * its newest one, and is checkpointed behind the validation gate, so `pitcrew serve` resumes from
 * the live version after a restart instead of learning again, and an update that makes the
 * watcher raise more false findings on recent held-out lines is rolled back.
 *
 * Validation: the held-out lines are streamed through the state (learning as the watcher would);
 * lines outside the service's incidents are cut into blocks of {@link BLOCK}, one evaluation unit
 * each, scored by the share of its lines that raised a finding (a never-seen template or a burst):
 * outside incidents a finding is a false alarm, so lower is better. Lines inside incidents are
 * learnt but not scored (new templates are expected there).
 */
import type { Explanation, FeatureContribution, LearnedModel } from "../../learning/index.js";
import type { Store } from "../../store/index.js";
import { type LogFinding, LogTemplateWatcher, type ServiceTemplates } from "../logmine/index.js";
import { type LogLine, storedLogLines } from "./log-lines.js";

/** Name of the model. */
export const LOG_TEMPLATES = "log-templates";

/** Held-out lines per evaluation unit. */
export const BLOCK = 20;

/** Context lines the drift features mine before the window's lines (the newest ones). */
const FEATURE_CONTEXT = 10_000;
/** Lines per value of the `new_template_share` drift feature. */
const FEATURE_BLOCK = 100;

/** The checkpointed state: plain JSON. */
export interface LogTemplatesState {
  /** Time (epoch ms) of the newest line learnt: an update learns only later ones. */
  through: number;
  /** What was learnt (null: nothing yet, the shipped default). */
  templates: ServiceTemplates | null;
}

/** One line to judge: what the watcher reads. */
export interface LogTemplatesInput {
  service: string;
  at: number;
  level: string;
  message: string;
}

/** The scope of a service's log templates. */
export function logTemplatesScope(service: string): string {
  return `service:${service}`;
}

/** The key a model's private watcher files its one service under. */
const SELF = "self";

/** A watcher that knows `state` (no warm-up: every never-seen template counts). */
function watcherOf(state: LogTemplatesState): LogTemplateWatcher {
  const w = new LogTemplateWatcher({ warmupMs: 0 });
  if (state.templates !== null) w.restore(SELF, state.templates, LOG_TEMPLATES);
  return w;
}

/** `state` with the lines of `items` after its newest one learnt (a new state). */
function learn(state: LogTemplatesState, items: readonly LogLine[]): LogTemplatesState {
  const w = watcherOf(state);
  let through = state.through;
  for (const i of items) {
    if (i.at <= state.through) continue;
    w.observeLine({ service: SELF, at: i.at, level: i.level, message: i.message });
    through = Math.max(through, i.at);
  }
  return { through, templates: w.snapshot(SELF) ?? state.templates };
}

/** The log template watcher's model (see the file comment). */
export const logTemplatesModel: LearnedModel<LogTemplatesState, LogLine, LogTemplatesInput, LogFinding[]> = {
  name: LOG_TEMPLATES,
  task: "which of a service's log lines follow a template it never logged before, or burst (the log template watcher)",
  codeVersion: "log-templates/1",
  scopeKind: "service",
  keptStates: 10,
  // no onlineWorseP: on a steady stream both states raise nothing (the units tie), so any rise of
  // false findings on the held-out lines is the update's doing and rolls it back
  metrics: [
    {
      name: "false_alarm_rate",
      direction: "lower",
      description: `per block of ${BLOCK} held-out lines outside incidents: the share that raised a finding (new template or burst)`,
    },
    {
      name: "new_template_rate",
      direction: "lower",
      description: "share of lines outside incidents that opened a template",
    },
    { name: "burst_rate", direction: "lower", description: "share of lines outside incidents that raised a burst" },
    {
      name: "known_share",
      direction: "higher",
      description: "share of lines outside incidents whose template the state knew",
    },
    { name: "lines", direction: "higher", description: "held-out lines outside incidents scored" },
  ],
  latencyBudgetMs: 1,

  initialState(): LogTemplatesState {
    return { through: 0, templates: null };
  },

  dataset(store: Store, scope: string, window): Promise<LogLine[]> {
    if (!scope.startsWith("service:")) return Promise.resolve([]);
    return storedLogLines(store, scope.slice("service:".length), window);
  },

  train(items) {
    return learn({ through: 0, templates: null }, items);
  },

  update(state, _context, items) {
    return learn(state, items);
  },

  evaluate(state, _context, items) {
    const w = watcherOf(state);
    const known = new Set(state.templates?.miner.clusters.map(([id]) => id));
    const perItem: number[] = [];
    let block = 0;
    let alarms = 0;
    let lines = 0;
    let opened = 0;
    let bursts = 0;
    let knew = 0;
    const started = performance.now();
    for (const i of items) {
      const { templateId, findings } = w.observeLine({ service: SELF, at: i.at, level: i.level, message: i.message });
      if (i.incident) continue;
      lines++;
      if (known.has(templateId)) knew++;
      if (findings.some((f) => f.kind === "new-template")) opened++;
      if (findings.some((f) => f.kind === "burst")) bursts++;
      if (findings.length > 0) alarms++;
      if (++block === BLOCK) {
        perItem.push(alarms / block);
        block = 0;
        alarms = 0;
      }
    }
    if (block > 0) perItem.push(alarms / block);
    const share = (n: number) => (lines === 0 ? 0 : n / lines);
    return {
      metrics: {
        false_alarm_rate: perItem.length === 0 ? 0 : perItem.reduce((a, b) => a + b, 0) / perItem.length,
        new_template_rate: share(opened),
        burst_rate: share(bursts),
        known_share: share(knew),
        lines,
      },
      perItem,
      classes: [],
      latencyMs: items.length === 0 ? 0 : (performance.now() - started) / items.length,
    };
  },

  predict(state, input) {
    return watcherOf(state)
      .observeLine({ ...input, service: SELF })
      .findings.map((f) => ({ ...f, service: input.service }));
  },

  explain(state, input): Explanation {
    const w = watcherOf(state);
    const { templateId, findings } = w.observeLine({ ...input, service: SELF });
    const t = w.template(SELF, templateId)!;
    const learnt = state.templates?.lines ?? 0;
    const rate = t.rate;
    const features: FeatureContribution[] = [
      { name: "template_lines_before", value: t.lines - 1, contribution: t.lines === 1 ? 1 : 0 },
      { name: "expected_per_bucket", value: rate?.rate ?? 0, contribution: 0 },
      { name: "count_in_bucket", value: rate?.count ?? 1, contribution: 0 },
    ];
    const burst = findings.find((f) => f.kind === "burst");
    if (burst) features[2]!.contribution = -Math.log10(Math.max(burst.pValue ?? 1, 1e-300));
    features.sort((a, b) => b.contribution - a.contribution);
    const summary =
      t.lines === 1
        ? `never-seen template "${t.template}" (${templateId}): not among the templates learnt from ${learnt} lines`
        : `template "${t.template}" (${templateId}), seen ${t.lines - 1} times before; ${rate?.count ?? 1} in this bucket, usually ${(rate?.rate ?? 0).toFixed(1)}${burst ? ` (burst, p = ${burst.pValue?.toExponential(1)})` : ""}`;
    return { summary, features };
  },

  features(context, items) {
    const w = new LogTemplateWatcher({ warmupMs: 0 });
    for (const i of context.slice(-FEATURE_CONTEXT)) w.observeLine({ ...i, service: SELF });
    const ids: number[] = [];
    const opened: number[] = [];
    let block = 0;
    let fresh = 0;
    for (const i of items) {
      const { templateId, findings } = w.observeLine({ ...i, service: SELF });
      ids.push(Number.parseInt(templateId.slice(0, 8), 16) / 2 ** 32);
      if (findings.some((f) => f.kind === "new-template")) fresh++;
      if (++block === FEATURE_BLOCK) {
        opened.push(fresh / block);
        block = 0;
        fresh = 0;
      }
    }
    return { template: ids, new_template_share: opened };
  },
};
