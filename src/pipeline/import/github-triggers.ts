/**
 * GitHub Actions `on:` → pitcrew `on:`: push and pull_request filters (`*-ignore` lists become
 * `!` patterns), `workflow_dispatch` inputs → `manual`, `schedule` → `cron`. Events pitcrew
 * does not have (tags, releases, issues, …) are reported and left out.
 */
import { isPlainObject } from "../../common/plain-object.js";
import type { TriggersSpec } from "../spec/schema.js";
import type { ImportNotes } from "./imported-pipeline.js";

type Filter = NonNullable<TriggersSpec["push"]>;
type Inputs = NonNullable<NonNullable<TriggersSpec["manual"]>["inputs"]>;

/** The pitcrew triggers of a workflow's `on:` (never empty: manual runs at least). */
export function convertGitHubTriggers(on: unknown, notes: ImportNotes): TriggersSpec {
  const events: Record<string, unknown> =
    typeof on === "string"
      ? { [on]: null }
      : Array.isArray(on)
        ? Object.fromEntries(on.map((e) => [String(e), null]))
        : isPlainObject(on)
          ? on
          : {};
  const out: TriggersSpec = {};
  for (const [event, config] of Object.entries(events)) {
    const settings = isPlainObject(config) ? config : {};
    if (event === "push" || event === "pull_request" || event === "pull_request_target") {
      const filter = convertFilter(settings, ["on", event], notes);
      if (filter === undefined) continue;
      const key = event === "push" ? "push" : "pull_request";
      out[key] = filter;
      if (event === "pull_request_target") {
        notes.add(
          "warning",
          "import-trigger",
          "pull_request_target runs as pull_request (pull-request code is untrusted in pitcrew: no secrets unless the project trusts pull requests)",
          ["on", event],
        );
      }
    } else if (event === "workflow_dispatch") {
      const inputs = convertInputs(settings.inputs);
      out.manual = inputs ? { inputs } : {};
    } else if (event === "schedule" && Array.isArray(config)) {
      out.cron = config
        .filter((c): c is { cron: string } => isPlainObject(c) && typeof c.cron === "string")
        .map((c, i) => ({ name: `schedule-${i + 1}`, schedule: c.cron }));
    } else {
      notes.add("warning", "import-trigger", `trigger '${event}' has no pitcrew equivalent and was left out`, [
        "on",
        event,
      ]);
    }
  }
  if (Object.keys(out).length === 0) {
    notes.add("warning", "import-trigger", "no trigger pitcrew has: the pipeline runs only when started by hand", [
      "on",
    ]);
    out.manual = {};
  }
  return out;
}

function convertFilter(settings: Record<string, unknown>, path: string[], notes: ImportNotes): Filter | undefined {
  const list = (key: string) => (Array.isArray(settings[key]) ? settings[key].map(String) : []);
  const branches = [...list("branches"), ...list("branches-ignore").map((b) => `!${b}`)];
  const paths = [...list("paths"), ...list("paths-ignore").map((p) => `!${p}`)];
  if (list("tags").length || list("tags-ignore").length) {
    const message = "tag pushes have no pitcrew trigger; the tags filter was left out";
    if (branches.length === 0 && path[1] === "push") {
      notes.add("warning", "import-trigger", `${message}, and with it this push trigger`, [...path, "tags"]);
      return undefined;
    }
    notes.add("warning", "import-trigger", message, [...path, "tags"]);
  }
  const filter: Filter = {};
  if (branches.length) filter.branches = branches;
  if (paths.length) filter.paths = paths;
  return filter;
}

function convertInputs(inputs: unknown): Inputs | undefined {
  if (!isPlainObject(inputs)) return undefined;
  const out: Inputs = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const s = isPlainObject(spec) ? spec : {};
    out[name] = {
      ...(typeof s.description === "string" && { description: s.description }),
      ...(s.default !== undefined && s.default !== null && { default: String(s.default) }),
      ...(typeof s.required === "boolean" && { required: s.required }),
      ...(Array.isArray(s.options) && { options: s.options.map(String) }),
    };
  }
  return out;
}
