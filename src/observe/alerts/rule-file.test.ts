import { describe, expect, it } from "vitest";
import { expandTemplate } from "./alert-template.js";
import { parseRuleFile } from "./rule-file.js";

describe("parseRuleFile", () => {
  it("reads Prometheus rule groups", () => {
    const { groups, diagnostics } = parseRuleFile(`groups:
  - name: api
    interval: 30s
    rules:
      - alert: HighErrors
        expr: sum by (job) (rate(errors_total[1m])) > 1
        for: 2m
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.job }} has {{ $value }} errors/s"
      - record: job:errors:rate1m
        expr: sum(rate(errors_total[1m]))
`);
    expect(groups).toEqual([
      {
        name: "api",
        intervalMs: 30_000,
        rules: [
          {
            name: "HighErrors",
            expr: "sum by (job) (rate(errors_total[1m])) > 1",
            forMs: 120_000,
            labels: { severity: "page" },
            annotations: { summary: "{{ $labels.job }} has {{ $value }} errors/s" },
          },
        ],
      },
    ]);
    expect(diagnostics).toMatchObject([{ severity: "warning", code: "recording-rule", line: 11 }]);
  });

  it("reports schema, PromQL and template problems at their positions", () => {
    const { groups, diagnostics } = parseRuleFile(`groups:
  - name: api
    rules:
      - alert: Bad
        expr: sum(rate(x[1m])
        for: soon
        annotations:
          a: "{{ humanize $value }}"
        colour: red
`);
    expect(groups).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["invalid-value", 6, 14],
      ["unknown-key", 9, 9],
    ]);
    const second = parseRuleFile(`groups:
  - name: api
    rules:
      - alert: Bad
        expr: sum(rate(x[1m])
        annotations:
          a: "{{ humanize $value }}"
`);
    expect(second.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["invalid-expr", 5, 15],
      ["unsupported-template", 7, 14],
    ]);
    expect(second.diagnostics[0]!.message).toMatch(/column 16/);
  });

  it("expands $labels and $value", () => {
    expect(expandTemplate("{{ $labels.job }}/{{.Labels.x}}: {{ $value }}{{ $labels.none }}", { job: "api" }, 0.5)).toBe(
      "api/: 0.5",
    );
  });
});
