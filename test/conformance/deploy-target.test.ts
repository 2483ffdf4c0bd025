import { createProcessTarget } from "../../src/deploy/targets/process/process-target.js";
import { runDeployTargetConformance } from "./deploy-target.conformance.js";

runDeployTargetConformance("process", (opts) =>
  createProcessTarget({ ...opts, backoffInitialMs: 50, backoffMaxMs: 200, maxRestarts: 3 }),
);
