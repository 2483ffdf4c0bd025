/**
 * Fills the placeholders of a check's PromQL query: `{{release}}`, `{{service}}` and
 * `{{environment}}` (spaces inside the braces allowed). Values are escaped as the body of a
 * double- or single-quoted PromQL string (backslash, both quotes, newline, CR, tab), so a
 * template such as `rate(http_errors_total{release="{{release}}"}[1m])` cannot be broken out of.
 * Backtick (raw) strings cannot escape anything: do not put placeholders inside them.
 */
import { ValidationError } from "../../common/errors.js";
import { escapePromqlString } from "../../observe/index.js";

/** The values a query template may refer to. */
export interface QueryVariables {
  release: string;
  service: string;
  environment: string;
}

/** Substitutes the placeholders of `template`; an unknown placeholder is a ValidationError. */
export function renderQuery(template: string, vars: QueryVariables): string {
  return template.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(vars, name)) {
      throw new ValidationError(
        `unknown placeholder {{${name}}} in query "${template}" (use {{release}}, {{service}} or {{environment}})`,
      );
    }
    return escapePromqlString(vars[name as keyof QueryVariables]);
  });
}
