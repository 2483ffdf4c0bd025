/**
 * First stage of the pipeline compiler: YAML text → a schema-checked {@link PipelineSpec},
 * keeping the source so every later stage can point diagnostics at the text.
 */
import type { Diagnostic } from "../../common/diagnostics.js";
import { parseYamlSource, validateYaml, type YamlSource } from "../../common/yaml-source.js";
import { type PipelineSpec, pipelineSchema } from "./schema.js";

/** The result of parsing a pipeline file: the spec when it is well-formed, and diagnostics. */
export interface ParsedPipeline {
  source: YamlSource;
  text: string;
  spec?: PipelineSpec;
  diagnostics: Diagnostic[];
}

/** Parses and schema-validates pipeline text; never throws on bad input. */
export function parsePipelineSpec(text: string, file?: string): ParsedPipeline {
  const source = parseYamlSource(text, file);
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
  const { data, diagnostics } = validateYaml(source, pipelineSchema);
  return { source, text, spec: data, diagnostics };
}
