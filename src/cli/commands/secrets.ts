import type { Command } from "commander";
import { apiFetch, apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { readStdin } from "../client/read-stdin.js";

/** The largest secret value the server accepts. */
const MAX_SECRET_BYTES = 65_536;

/**
 * `pitcrew secrets set|list|rm`: a server project's secrets. A value comes from stdin (or
 * `--value`) and is never printed; `list` shows names only.
 */
export function registerSecretsCommand(program: Command): void {
  const secrets = program.command("secrets").description("a project's secrets on the server (values never shown)");
  const path = (project: string, name?: string) =>
    `/api/projects/${encodeURIComponent(project)}/secrets${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
  clientOptions(
    secrets
      .command("set")
      .description("set a secret; the value is read from stdin unless --value is given")
      .argument("<project>", "project name or id")
      .argument("<name>", "secret name (an environment variable name)")
      .option("--value <value>", "the value (visible in your shell history and process list: prefer stdin)"),
  ).action(async (project: string, name: string, opts: ClientOptions & { value?: string }) => {
    const value = opts.value ?? (await readStdin("secret value", MAX_SECRET_BYTES));
    await apiFetch(requireServer(opts), "PUT", path(project, name), { value });
    process.stdout.write(`secret ${name} set for ${project}\n`);
  });
  clientOptions(
    secrets
      .command("list")
      .description("names of a project's secrets")
      .argument("<project>", "project name or id")
      .option("--json", "print JSON ({names})"),
  ).action(async (project: string, opts: ClientOptions & { json?: boolean }) => {
    const { names } = (await apiJson(requireServer(opts), "GET", path(project))) as { names: string[] };
    if (opts.json) return void process.stdout.write(`${JSON.stringify({ names }, null, 2)}\n`);
    process.stdout.write(names.length ? `${names.join("\n")}\n` : "no secrets\n");
  });
  clientOptions(
    secrets
      .command("rm")
      .description("delete a secret")
      .argument("<project>", "project name or id")
      .argument("<name>", "secret name"),
  ).action(async (project: string, name: string, opts: ClientOptions) => {
    await apiFetch(requireServer(opts), "DELETE", path(project, name));
    process.stdout.write(`secret ${name} deleted from ${project}\n`);
  });
}
