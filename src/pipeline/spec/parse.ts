/**
 * First stage of the pipeline compiler: YAML text → a schema-checked {@link PipelineSpec},
 * keeping the source so every later stage can point diagnostics at the text. The size limit is
 * checked before the text is parsed and the job and step counts right after, so an oversized
 * pipeline costs no more than reading it.
 */
import type { Limits } from "../../common/config/limits-schema.js";
import type { Diagnostic } from "../../common/diagnostics.js";
import { parseYamlSource, validateYaml, type YamlSource } from "../../common/yaml-source.js";
import { checkPipelineCounts, checkPipelineSize } from "./limits.js";
import { type PipelineSpec, pipelineSchema } from "./schema.js";

/** The result of parsing a pipeline file: the spec when it is well-formed, and diagnostics. */
export interface ParsedPipeline {
  source?: YamlSource;
  text: string;
  spec?: PipelineSpec;
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
  const { data, diagnostics } = validateYaml(source, pipelineSchema);
  return { source, text, spec: data, diagnostics };
}
