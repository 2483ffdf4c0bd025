/** Whether an agent with `have` may take a job needing `need` (its `runs-on`). */
export function labelsCover(have: readonly string[], need: readonly string[]): boolean {
  return need.every((l) => have.includes(l));
}
