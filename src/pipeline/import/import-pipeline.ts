/**
 * `pitcrew import`: a GitHub Actions workflow or a `.gitlab-ci.yml` → `.pitcrew/pipeline.yaml`
 * text. The input is only parsed (nothing in it is run or fetched); each construct without a
 * pitcrew equivalent is a diagnostic at its place in the input, and is kept in the output as a
 * comment. The output is then linted like any pipeline.
 */
import { type Diagnostic, hasErrors, sortDiagnostics } from "../../common/diagnostics.js";
import { isPlainObject } from "../../common/plain-object.js";
import { parseYamlSource } from "../../common/yaml-source.js";
import { lintPipeline } from "../lint/lint-pipeline.js";
import { detectForeignFormat, FORMAT_NAMES, type ForeignFormat } from "./detect-format.js";
import { emitPipeline } from "./emit-pipeline.js";
import { convertGitHubActions } from "./github-actions.js";
import { convertGitLabCi } from "./gitlab-ci.js";
import type { ImportNotes } from "./imported-pipeline.js";

/** Largest input converted (a CI file is a few KiB; this bounds the work done on a hostile one). */
export const MAX_IMPORT_BYTES = 1024 * 1024;

/** What converting produced. */
export interface ImportResult {
  format?: ForeignFormat;
  /** The pipeline text, absent when the input could not be converted at all. */
  pipeline?: string;
  /** Names of the converted jobs. */
  jobs: string[];
  /** About the input: what did not convert (warnings) or why nothing did (errors). */
  diagnostics: Diagnostic[];
  /** pitcrew's lint of the converted pipeline. */
  lint: Diagnostic[];
}

/** Converts CI file text; `format` overrides detection. Never throws on bad input. */
export function importPipeline(text: string, opts: { file?: string; format?: ForeignFormat } = {}): ImportResult {
  const { file } = opts;
  const fail = (message: string, at = { line: 1, column: 1 }): ImportResult => ({
    diagnostics: [{ severity: "error", code: "import-error", message, file, ...at }],
    jobs: [],
    lint: [],
  });
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES) return fail(`the file is larger than ${MAX_IMPORT_BYTES} bytes`);
  const source = parseYamlSource(text, file, { mergeKeys: true });
  if (hasErrors(source.diagnostics)) return { diagnostics: source.diagnostics, jobs: [], lint: [] };
  const doc = source.value;
  if (!isPlainObject(doc)) return fail("the file is not a YAML map of CI settings");
  const format = opts.format ?? detectForeignFormat(doc);
  if (!format)
    return fail(
      "this is neither a GitHub Actions workflow (on:, jobs: with runs-on/steps) nor a GitLab CI file (stages:, jobs with script:)",
    );
  const diagnostics: Diagnostic[] = [];
  const notes: ImportNotes = {
    add(severity, code, message, path) {
      diagnostics.push({ severity, code, message, file, ...source.locate(path, { key: true }) });
    },
  };
  const pipeline = format === "github-actions" ? convertGitHubActions(doc, notes) : convertGitLabCi(doc, notes);
  if (Object.keys(pipeline.jobs).length === 0) {
    return {
      ...fail("the file defines no job"),
      format,
      diagnostics: [...diagnostics, ...fail("the file defines no job").diagnostics],
    };
  }
  pipeline.comments = [
    `Converted by \`pitcrew import\` from ${file ?? "a file"} (a ${FORMAT_NAMES[format]}).`,
    "Review every comment that starts with 'pitcrew import:' (what had no pitcrew equivalent).",
  ];
  const output = emitPipeline(pipeline);
  return {
    format,
    pipeline: output,
    jobs: Object.keys(pipeline.jobs),
    diagnostics: sortDiagnostics(diagnostics),
    lint: lintPipeline(output),
  };
}
