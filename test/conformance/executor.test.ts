import { createLocalExecutor } from "../../src/runner/executors/local/local-executor.js";
import { createSandboxExecutor, isSandboxAvailable } from "../../src/runner/executors/sandbox/sandbox-executor.js";
import { serviceAvailable } from "../support/services.js";
import { runExecutorConformance } from "./executor.conformance.js";

runExecutorConformance("local", (opts) => createLocalExecutor(opts));

if (await serviceAvailable("bubblewrap (a working `bwrap`)", isSandboxAvailable)) {
  runExecutorConformance("sandbox", (opts) => createSandboxExecutor(opts));
}
