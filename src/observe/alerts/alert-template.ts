/**
 * The subset of Prometheus' alert templates pitcrew expands in rule labels and annotations:
 * `{{ $labels.<name> }}`, `{{ .Labels.<name> }}`, `{{ $value }}` and `{{ .Value }}`. Anything else
 * inside `{{ }}` is reported when the rule file is loaded.
 */
const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const LABEL = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/;
const VALUE = /^(?:\$value|\.Value)$/;

/** The unsupported actions in `text` (empty when it expands cleanly). */
export function unsupportedActions(text: string): string[] {
  return [...text.matchAll(ACTION)].map((m) => m[1]!).filter((a) => !LABEL.test(a) && !VALUE.test(a));
}

/** Expands `text` for an alert with `labels` and the current `value` (missing labels expand to ""). */
export function expandTemplate(text: string, labels: Record<string, string>, value: number): string {
  return text.replace(ACTION, (whole, action: string) => {
    const label = LABEL.exec(action);
    if (label) return labels[label[1]!] ?? "";
    return VALUE.test(action) ? String(value) : whole;
  });
}
