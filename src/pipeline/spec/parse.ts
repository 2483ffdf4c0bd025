/**
 * First stage of the pipeline compiler: YAML text → a schema-checked {@link PipelineSpec},
 * keeping the source so every later stage can point diagnostics at the text. The size limit is
 * checked before the text is parsed and the job and step counts right after, so an oversized
 * pipeline costs no more than reading it.
 */
import type { Limits } from "../../common/config/limits-schema.js";
import type { Diagnostic } from "../../common/diagnostics.js";
import { parseYamlSource, validateYaml, type YamlSource } from "../../common/yaml-source.js";
import { detectForeignFormat, FORMAT_NAMES } from "../import/detect-format.js";
import { checkPipelineCounts, checkPipelineSize } from "./limits.js";
import { type PrunedPipeline, pruneInvalid } from "./prune-invalid.js";
import { type PipelineSpec, pipelineSchema } from "./schema.js";

/** The result of parsing a pipeline file: the spec when it is well-formed, and diagnostics. */
export interface ParsedPipeline {
  source?: YamlSource;
  text: string;
  spec?: PipelineSpec;
  /**
   * When the schema failed: what is left valid once the failing parts are cut out, for the lint
   * rules to check too (see {@link pruneInvalid}). Never compiled.
   */
  partial?: { spec: PipelineSpec } & Omit<PrunedPipeline, "value">;
  diagnostics: Diagnostic[];
}

/** How large a pipeline may be (the `limits.pipeline` section of the config). */
export type PipelineLimits = Limits["pipeline"];

/** Parses and schema-validates pipeline text; never throws on bad input. */
export function parsePipelineSpec(text: string, file?: string, limits?: PipelineLimits): ParsedPipeline {
  const tooLarge = checkPipelineSize(text, file, limits);
  if (tooLarge) return { text, diagnostics: [tooLarge] };
  const source = parseYamlSource(text, file, { maxAliases: limits?.max_aliases });
  if (source.value === null || source.value === undefined) {
    if (source.diagnostics.length === 0) {
      const empty: Diagnostic = {
        severity: "error",
        code: "empty-pipeline",
        message: "the pipeline file is empty",
        file,
        line: 1,
        column: 1,
      };
      return { source, text, diagnostics: [empty] };
    }
  }
  const counts = checkPipelineCounts(source, file, limits);
  if (counts) return { source, text, diagnostics: [...source.diagnostics, counts] };
  const { data, diagnostics, issues } = validateYaml(source, pipelineSchema);
  if (data || !issues) return { source, text, spec: data, diagnostics };
  const foreign = detectForeignFormat(source.value);
  if (foreign) {
    const message = `this looks like a ${FORMAT_NAMES[foreign]}, not a pitcrew pipeline; convert it with \`pitcrew import ${file ?? "FILE"}\``;
    const hint: Diagnostic = { severity: "error", code: "foreign-pipeline", message, file, line: 1, column: 1 };
    return { source, text, diagnostics: [hint] };
  }
  const pruned = pruneInvalid(source.value, issues);
  const partial = pruned && pipelineSchema.safeParse(pruned.value);
  if (!pruned || !partial?.success) return { source, text, diagnostics };
  return {
    source,
    text,
    partial: { spec: partial.data, tainted: pruned.tainted, stepless: pruned.stepless },
    diagnostics,
  };
}
