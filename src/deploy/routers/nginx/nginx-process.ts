/**
 * Our own nginx master as a child process: `nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;
 * pid …; error_log stderr;'`. Reload = SIGHUP to the master (graceful: old workers finish their
 * requests); stop = SIGQUIT (graceful) then SIGKILL. Never touches a system nginx.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { access, constants, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Default nginx binary (Debian package). */
export const NGINX_BIN = process.env.PITCREW_NGINX_BIN ?? "/usr/sbin/nginx";

/** True when the nginx binary exists and is executable. */
export async function isNginxAvailable(bin = NGINX_BIN): Promise<boolean> {
  return access(bin, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** A running nginx master. */
export class NginxProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #pidFile: string;
  #stderr = "";

  constructor(bin: string, dir: string) {
    this.#pidFile = join(dir, "nginx.pid");
    const global = `daemon off; pid ${join(dir, "nginx.pid")}; error_log stderr;`;
    this.#child = spawn(bin, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", global], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.#child.stderr?.on("data", (c: Buffer) => {
      this.#stderr = (this.#stderr + c.toString("utf8")).slice(-4096);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once("exit", () => resolve());
      this.#child.once("error", () => resolve());
    });
  }

  /** Last few KiB nginx wrote to stderr (for error messages). */
  get stderr(): string {
    return this.#stderr;
  }

  /** True while the master runs. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }

  /** Resolves once the master wrote its pid file (signal handlers are in place); false if it died. */
  async started(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.running && Date.now() < end) {
      const pid = await readFile(this.#pidFile, "utf8").catch(() => "");
      if (Number(pid.trim()) === this.#child.pid) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Asks the master to re-read its config gracefully. */
  reload(): void {
    this.#child.kill("SIGHUP");
  }

  /** Graceful quit, SIGKILL after `graceMs`; resolves once the master exited. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.#child.kill("SIGQUIT");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
