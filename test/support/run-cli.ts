/** Runs the pitcrew CLI in this process, for integration tests against a test app's store. */
import { vi } from "vitest";
import { buildProgram } from "../../src/cli/main.js";

/** Runs `pitcrew -c CONFIG ...args`; returns stdout, stderr and the exit code. */
export async function runCli(config: string, ...args: string[]) {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  process.exitCode = undefined;
  try {
    const argv = ["node", "pitcrew", "-c", config, ...args];
    await (await buildProgram(argv)).parseAsync(argv);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}
