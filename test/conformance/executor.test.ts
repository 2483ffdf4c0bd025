import { createLocalExecutor } from "../../src/runner/executors/local/local-executor.js";
import { createSandboxExecutor, isSandboxAvailable } from "../../src/runner/executors/sandbox/sandbox-executor.js";
import { resolveStepUser } from "../../src/runner/executors/sandbox/step-user.js";
import { serviceAvailable } from "../support/services.js";
import { runExecutorConformance } from "./executor.conformance.js";

runExecutorConformance("local", (opts) => createLocalExecutor(opts));

if (await serviceAvailable("bubblewrap (a working `bwrap`)", isSandboxAvailable)) {
  runExecutorConformance("sandbox", (opts) => createSandboxExecutor(opts));
  // As root (the server's default here and in CI), steps run as an unprivileged host user.
  const runAs = process.getuid?.() === 0 ? resolveStepUser("nobody") : undefined;
  if (runAs && (await isSandboxAvailable(runAs))) {
    runExecutorConformance("sandbox as nobody", (opts) => createSandboxExecutor({ ...opts, runAs }));
  }
}
