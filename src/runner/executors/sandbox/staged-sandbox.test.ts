/** A staged sandbox whose set-up fails before its turn (real bubblewrap). */
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceAvailable } from "../../../../test/support/services.js";
import { createSandboxExecutor, isSandboxAvailable } from "./sandbox-executor.js";

const available = await serviceAvailable("bubblewrap (a working `bwrap`)", isSandboxAvailable);

describe.runIf(available)("a staged sandbox whose set-up fails", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pitcrew-staged-")));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // a hidden file mounted over by a blank file that does not exist: bwrap cannot set up the mounts
  const broken = createSandboxExecutor({ hidePaths: ["/etc/hostname"], blankFile: join(root, "no-such-blank") });
  const launch = { script: "touch marker", cwd: root, workspace: root, env: { PATH: "/usr/bin:/bin" } };

  it.each([
    ["on its own", () => ({})],
    ["with a timeout and a cancel on the way", () => ({ timeoutMs: 100, signal: AbortSignal.timeout(150) })],
  ])("ends at its turn, failed, with bubblewrap's message (%s)", async (_, extra) => {
    const staged = broken.stage!(launch);
    await new Promise((r) => setTimeout(r, 500));
    const lines: string[] = [];
    const r = await staged.run({ ...launch, ...extra(), onLine: (stream, line) => lines.push(`${stream}: ${line}`) });
    expect(r).toMatchObject({ exitCode: 1, cancelled: false, timedOut: false });
    expect(lines.join("\n")).toMatch(/^stderr: bwrap: .*no-such-blank/m);
    expect(existsSync(join(root, "marker"))).toBe(false);
  });
});
