/**
 * The schema of a replay given from outside (`pitcrew fix --request FILE`, the heal loop): the
 * failing request, the session before it and the upstream answers, validated before use.
 */
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import type { ReproductionInput } from "./reproduction.js";

const request = z.object({
  method: z.string().regex(/^[A-Z]{3,10}$/, "an upper-case HTTP method"),
  path: z.string().startsWith("/").max(8192),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().max(1_048_576).optional(),
  status: z.number().int().min(100).max(599).optional(),
});

/** A replay document. */
export const replaySchema = z.object({
  name: z.string().max(200).optional(),
  request,
  setup: z.array(request).max(100).optional(),
  upstreams: z
    .array(
      z.object({
        env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"),
        responses: z.array(
          z.object({
            method: z.string().regex(/^[A-Z]{3,10}$/),
            path: z.string().startsWith("/"),
            status: z.number().int().min(100).max(599),
            body: z.string(),
            contentType: z.string().optional(),
          }),
        ),
      }),
    )
    .max(20)
    .optional(),
});

/** Checks a parsed replay document; throws a ValidationError naming each problem. */
export function parseReplay(value: unknown, source: string): ReproductionInput {
  const parsed = replaySchema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}
