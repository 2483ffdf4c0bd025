/**
 * Alerting rules in Prometheus' rule-file format, loaded with positioned diagnostics:
 *
 *   groups:
 *     - name: api
 *       interval: 30s            # default: alerts.evaluation_interval
 *       rules:
 *         - alert: HighErrorRate
 *           expr: sum(rate(errors_total[1m])) by (job) > 1
 *           for: 2m
 *           labels: { severity: page }
 *           annotations: { summary: "{{ $labels.job }} errors at {{ $value }}/s" }
 *
 * YAML, schema, PromQL and template problems are all collected, each at its line and column.
 * Recording rules (`record:`), `keep_firing_for` and `limit` are reported as warnings and ignored.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { type Diagnostic, sortDiagnostics } from "../../common/diagnostics.js";
import { parseYamlSource, validateYaml } from "../../common/yaml-source.js";
import { parsePromql, parseDurationMs } from "../metrics/promql/parse-promql.js";
import { unsupportedActions } from "./alert-template.js";

/** One alerting rule, ready to evaluate. */
export interface AlertingRule {
  name: string;
  expr: string;
  forMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A group of rules evaluated together every `intervalMs` (undefined: the configured default). */
export interface RuleGroup {
  name: string;
  intervalMs?: number;
  rules: AlertingRule[];
}

const duration = z
  .string()
  .refine((s) => parseDurationMs(s) !== undefined && /[a-z]$/.test(s), "a duration like 30s, 5m, 1h");
const strings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({});
const ruleSchema = z
  .object({
    alert: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "a metric-name-like alert name")
      .optional(),
    record: z.string().optional(),
    expr: z.union([z.string().min(1), z.number().transform(String)]),
    for: duration.optional(),
    keep_firing_for: duration.optional(),
    labels: strings,
    annotations: strings,
  })
  .strict()
  .refine(
    (r) => (r.alert === undefined) !== (r.record === undefined),
    "a rule needs exactly one of 'alert' or 'record'",
  );
const fileSchema = z
  .object({
    groups: z.array(
      z
        .object({
          name: z.string().min(1),
          interval: duration.optional(),
          limit: z.number().int().optional(),
          rules: z.array(ruleSchema).default([]),
        })
        .strict(),
    ),
  })
  .strict();

/** Parses and checks a rule file's text; `groups` is set only when there are no errors. */
export function parseRuleFile(text: string, file?: string): { groups?: RuleGroup[]; diagnostics: Diagnostic[] } {
  const source = parseYamlSource(text, file);
  const { data, diagnostics } = validateYaml(source, fileSchema);
  if (!data) return { diagnostics: sortDiagnostics(diagnostics) };
  const at = (path: PropertyKey[]) => ({ file, path: path.join("."), ...source.locate(path) });
  const names = new Set<string>();
  const groups: RuleGroup[] = data.groups.map((g, gi) => {
    if (names.has(g.name)) {
      diagnostics.push({
        severity: "error",
        code: "duplicate-group",
        message: `group '${g.name}' is defined twice`,
        ...at(["groups", gi, "name"]),
      });
    }
    names.add(g.name);
    if (g.limit !== undefined) {
      diagnostics.push({
        severity: "warning",
        code: "ignored-key",
        message: "'limit' is not supported by pitcrew and is ignored",
        ...at(["groups", gi, "limit"]),
      });
    }
    const rules: AlertingRule[] = [];
    g.rules.forEach((r, ri) => {
      const path = ["groups", gi, "rules", ri];
      if (r.record !== undefined) {
        diagnostics.push({
          severity: "warning",
          code: "recording-rule",
          message: `recording rule '${r.record}' is not supported by pitcrew and is skipped`,
          ...at([...path, "record"]),
        });
        return;
      }
      if (r.keep_firing_for !== undefined) {
        diagnostics.push({
          severity: "warning",
          code: "ignored-key",
          message: "'keep_firing_for' is not supported by pitcrew and is ignored",
          ...at([...path, "keep_firing_for"]),
        });
      }
      try {
        parsePromql(r.expr);
      } catch (err) {
        diagnostics.push({
          severity: "error",
          code: "invalid-expr",
          message: `expr: ${(err as Error).message}`,
          ...at([...path, "expr"]),
        });
      }
      for (const kind of ["labels", "annotations"] as const) {
        for (const [k, v] of Object.entries(r[kind])) {
          for (const action of unsupportedActions(v)) {
            diagnostics.push({
              severity: "error",
              code: "unsupported-template",
              message: `${kind}.${k}: unsupported template action '{{ ${action} }}' (use $labels.<name> or $value)`,
              ...at([...path, kind, k]),
            });
          }
        }
      }
      rules.push({
        name: r.alert!,
        expr: r.expr,
        forMs: r.for ? parseDurationMs(r.for)! : 0,
        labels: r.labels,
        annotations: r.annotations,
      });
    });
    return { name: g.name, intervalMs: g.interval ? parseDurationMs(g.interval) : undefined, rules };
  });
  sortDiagnostics(diagnostics);
  return diagnostics.some((d) => d.severity === "error") ? { diagnostics } : { groups, diagnostics };
}

/** Reads and parses a rule file from disk (a missing file is a diagnostic). */
export function loadRuleFile(path: string): { groups?: RuleGroup[]; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return {
      diagnostics: [
        { severity: "error", code: "unreadable", message: (err as Error).message, file: path, line: 0, column: 0 },
      ],
    };
  }
  return parseRuleFile(text, path);
}
