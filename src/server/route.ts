/**
 * One way to declare an API route: method, path, required role, zod schemas for params/query/body
 * and a handler. The same declaration registers the Fastify route, validates input (400 with the
 * failing fields) and feeds the OpenAPI document, so the two never drift apart.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as z from "zod";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../common/errors.js";
import { ROLES, type Role, type TokenInfo } from "../store/index.js";

/** Who is calling (set by the auth hook; undefined when no token was sent). */
export type Caller = TokenInfo | undefined;

/** A route declaration. `role: "public"` needs no token. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  role: Role | "public";
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Largest request body this route accepts (bytes), when its schema allows more than the server's `body_limit`. */
  bodyLimit?: number;
  /** OpenAPI description of the success response (JSON unless `produces` says otherwise). */
  response?: z.ZodType;
  produces?: string;
  handler: (
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; caller: Caller },
    req: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<unknown>;
}

/** Collected operations for `/api/openapi.json`. */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

/** Registers a route on `app` and records it in `paths`. */
export function defineRoute<
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  B extends z.ZodType = z.ZodUnknown,
>(app: FastifyInstance, paths: OpenApiPaths, spec: RouteSpec<P, Q, B>): void {
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
    handler: async (req, reply) => {
      const caller = (req as FastifyRequest & { caller?: Caller }).caller;
      authorize(spec.role, caller);
      const params = parse(spec.params, req.params, "path parameters");
      const query = parse(spec.query, req.query, "query");
      const body = parse(spec.body, req.body, "body");
      return spec.handler({ params, query, body, caller }, req, reply);
    },
  });
  const path = spec.url.replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{path}");
  const op: Record<string, unknown> = {
    summary: spec.summary,
    tags: spec.tags,
    security: spec.role === "public" ? [] : [{ bearer: [] }],
    "x-required-role": spec.role,
    parameters: [
      ...objectParams(spec.params, "path"),
      ...objectParams(spec.query, "query"),
      ...(spec.url.endsWith("*") ? [{ name: "path", in: "path", required: true, schema: { type: "string" } }] : []),
    ],
    responses: {
      "200": {
        description: "OK",
        content: { [spec.produces ?? "application/json"]: { schema: spec.response ? toSchema(spec.response) : {} } },
      },
      "4XX": {
        description: "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    },
  };
  if (spec.body) op.requestBody = { required: true, content: { "application/json": { schema: toSchema(spec.body) } } };
  paths[path] = { ...paths[path], [spec.method.toLowerCase()]: op };
}

/**
 * Throws unless `caller` may use a route needing `role`: 401 without a token, 403 with a weaker
 * role. Agent tokens pass only `agent` routes, and only agent tokens pass them.
 */
export function authorize(role: Role | "public", caller: Caller): void {
  if (role === "public") return;
  if (!caller) throw new UnauthorizedError();
  if (role === "agent" || caller.role === "agent") {
    if (role === caller.role) return;
    throw new ForbiddenError(
      role === "agent"
        ? `this route is for pitcrew agents; token '${caller.name}' has '${caller.role}'`
        : `token '${caller.name}' is an agent token: it is accepted only by the agent protocol`,
    );
  }
  if (ROLES.indexOf(caller.role) < ROLES.indexOf(role)) {
    throw new ForbiddenError(`this needs the '${role}' role; token '${caller.name}' has '${caller.role}'`);
  }
}

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, what: string) {
  if (!schema) return value as never;
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const details = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(
      `invalid ${what}: ${details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ")}`,
      details,
    );
  }
  return r.data as never;
}

function toSchema(s: z.ZodType): unknown {
  try {
    return z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
  } catch {
    return {};
  }
}

function objectParams(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const js = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (js.required ?? []).includes(name),
    schema: s,
  }));
}
