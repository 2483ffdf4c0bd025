/**
 * `.pitcrew/deploy.yaml` in a repository: how to run the service, versioned with its code, so a
 * release (a commit) always carries the command it was tested with.
 *
 * ```yaml
 * build: { run: [[npm, ci]], timeout: 10m }   # optional; before any replica starts (release-build.ts)
 * start: [node, src/main.mjs]        # argv, no shell; PORT is set per replica
 * dir: .                             # working directory inside the repository
 * env: { CATALOG_URL: "{{url:catalog}}" }   # {{url:<project>}} = that project's listener here
 * health: { readiness: /readyz, liveness: /healthz }
 * metrics: /metrics                  # optional; each replica scraped on its own port
 * replicas: 2                        # default; the environment may override
 * strategy: { canary: { steps: [...] } }    # optional; overrides the environment's
 * ```
 */
import { posix } from "node:path";
import * as z from "zod";
import { formatDiagnostic, hasErrors } from "../../common/diagnostics.js";
import { ValidationError } from "../../common/errors.js";
import { parseYamlSource, validateYaml } from "../../common/yaml-source.js";
import { durationSchema } from "../../common/config/config-schema.js";
import { strategySchema } from "../strategies/strategy-spec.js";
import { DEFAULT_BUILD_TIMEOUT_MS } from "./release-build.js";

/** Where the manifest lives in a repository. */
export const DEPLOY_MANIFEST_PATH = ".pitcrew/deploy.yaml";

const httpPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, "an absolute URL path on the replica, like /healthz");

/** The manifest schema. */
const argv = z.array(z.string().min(1).max(4096)).min(1).max(256);

export const deployManifestSchema = z
  .object({
    build: z
      .object({ run: z.array(argv).min(1).max(32), timeout: durationSchema.default(DEFAULT_BUILD_TIMEOUT_MS) })
      .strict()
      .optional(),
    start: argv,
    dir: z
      .string()
      .default(".")
      .refine((d) => !posix.isAbsolute(d) && !posix.normalize(d).startsWith(".."), {
        message: "dir must stay inside the repository",
      }),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(8192)).default({}),
    health: z.object({ readiness: httpPath, liveness: httpPath }).strict().default({
      readiness: "/readyz",
      liveness: "/healthz",
    }),
    /** Prometheus text path on each replica: scraped per replica, labelled with release and replica. */
    metrics: httpPath.optional(),
    replicas: z.number().int().min(1).max(32).default(1),
    strategy: strategySchema.optional(),
  })
  .strict();

/** A validated deploy manifest. */
export type DeployManifest = z.output<typeof deployManifestSchema>;

/** Parses and validates manifest text; errors name the file, line and column. */
export function parseDeployManifest(text: string, file = DEPLOY_MANIFEST_PATH): DeployManifest {
  const { data, diagnostics } = validateYaml(parseYamlSource(text, file), deployManifestSchema);
  if (hasErrors(diagnostics) || !data) {
    const lines = diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    throw new ValidationError(`invalid ${file}: ${lines.join("; ")}`, { diagnostics });
  }
  return data;
}
