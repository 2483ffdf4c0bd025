/**
 * Prints an {@link ImportedPipeline} as `.pitcrew/pipeline.yaml` text: the data as YAML, and the
 * comments of jobs and commented-out steps where they belong (a commented step sits right
 * where the source step was).
 */
import { Document, isMap, isSeq } from "yaml";
import { type ImportedPipeline, isComment } from "./imported-pipeline.js";

/** The pipeline as YAML text with its comments. */
export function emitPipeline(pipeline: ImportedPipeline): string {
  const { comments, jobs, ...top } = pipeline;
  const plainJobs = Object.fromEntries(
    Object.entries(jobs).map(([name, job]) => {
      const { comments: _, steps, ...rest } = job;
      return [name, { ...rest, steps: steps.filter((s) => !isComment(s)) }];
    }),
  );
  const doc = new Document({ ...top, jobs: plainJobs }, { aliasDuplicateObjects: false });
  if (comments?.length) doc.commentBefore = commentText(comments);
  for (const [name, job] of Object.entries(jobs)) {
    const node = doc.getIn(["jobs", name], true);
    if (job.comments?.length && isMap(node)) node.commentBefore = commentText(job.comments);
    const seq = doc.getIn(["jobs", name, "steps"], true);
    if (!isSeq(seq)) continue;
    let pending: string[] = [];
    let i = 0;
    for (const step of job.steps) {
      if (isComment(step)) {
        pending.push(...step.comment);
        continue;
      }
      const item = seq.items[i++];
      if (pending.length && item && typeof item === "object") {
        (item as { commentBefore?: string }).commentBefore = commentText(pending);
      }
      pending = [];
    }
    if (pending.length) seq.comment = commentText(pending);
  }
  return doc.toString({ lineWidth: 0 });
}

/** Comment lines as the yaml library wants them: each line after its `#`, with a space. */
function commentText(lines: string[]): string {
  return lines.map((l) => ` ${l}`).join("\n");
}
