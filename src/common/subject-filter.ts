/**
 * The `?subject=` filter of the event log. A filter names a subject or a group of them by whole
 * segments: `run:42` matches `run:42` but not `run:420`; `run` or `run:` matches every run;
 * `series:cpu` matches `series:cpu{web}`; `pr:shop` matches `pr:shop#3`.
 */

/** Characters that end a segment of a stored subject key (`kind:id`, `pr:repo#n`, `series:name{labels}`). */
const SEGMENT_ENDS = [":", "#", "{"] as const;

/**
 * The string prefixes a subject must start with to match `filter` (besides being equal to it):
 * the filter itself when it already ends a segment, else the filter followed by each segment end.
 */
export function subjectFilterPrefixes(filter: string): string[] {
  if (SEGMENT_ENDS.some((end) => filter.endsWith(end))) return [filter];
  return SEGMENT_ENDS.map((end) => `${filter}${end}`);
}

/** Whether a stored subject key matches a `?subject=` filter (see the module comment). */
export function matchesSubjectFilter(subject: string, filter: string): boolean {
  return subject === filter || subjectFilterPrefixes(filter).some((p) => subject.startsWith(p));
}
