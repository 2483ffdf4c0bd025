import * as z from "zod";

/** The query fields of a list paged by id, newest first: `?limit=` (1–500, default 50) and `?cursor=<next>`. */
export const idPageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().positive().optional(),
};

/** The `next` cursor of a page listed newest first by id: its last id when the page is full, else null. */
export function nextIdCursor(page: readonly { id: number }[], limit: number): string | null {
  const last = page.at(-1);
  return page.length === limit && last ? String(last.id) : null;
}
