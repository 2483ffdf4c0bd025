import type { Command } from "commander";
import { apiRequest, clientOptions } from "../api-client.js";
import { table } from "../output.js";

interface RepoView {
  name: string;
  cloneUrl: string;
  description?: string;
  protection?: Record<string, { requiredChecks: string[] }>;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const protectedList = (r: RepoView) =>
  Object.entries(r.protection ?? {})
    .map(([branch, p]) => `${branch} (${p.requiredChecks.join(", ") || "no checks"})`)
    .join("; ") || "-";

/** `pitcrew repos create|protect|list`: the forge repositories a service is onboarded into. */
export function registerReposCommand(program: Command): void {
  const repos = program.command("repos").description("forge repositories: create, protect a branch, list");
  clientOptions(
    repos
      .command("create")
      .description("create a forge repository and print its clone URL (admin)")
      .argument("<name>", "repository name: letters, digits, '.', '_', '-'")
      .option("--description <text>", "one line describing it")
      .option("--json", "print JSON"),
  ).action(async (name: string, opts) => {
    const r = (await apiRequest(opts, "POST", "/api/forge/repos", {
      name,
      ...(opts.description === undefined ? {} : { description: opts.description }),
    })) as RepoView;
    if (opts.json) return void print(r);
    process.stdout.write(`created ${r.name}\nclone URL: ${r.cloneUrl}\n`);
  });
  clientOptions(
    repos
      .command("protect")
      .description("refuse pushes to a branch; merges into it need the required checks green (admin)")
      .argument("<name>", "repository name")
      .requiredOption("--branch <branch>", "branch to protect, e.g. main")
      .option("--require-checks <check...>", "checks a merge needs green (default pitcrew/ci)")
      .option("--json", "print JSON"),
  ).action(async (name: string, opts) => {
    const checks: string[] = opts.requireChecks ?? [];
    const r = (await apiRequest(opts, "POST", `/api/forge/repos/${encodeURIComponent(name)}/protection`, {
      branch: opts.branch,
      ...(checks.length ? { requiredChecks: checks } : {}),
    })) as { name: string; branch: string; requiredChecks: string[] };
    if (opts.json) return void print(r);
    process.stdout.write(`${r.name}: ${r.branch} is protected; merges need ${r.requiredChecks.join(", ")}\n`);
  });
  clientOptions(
    repos.command("list").description("the local forge's repositories").option("--json", "print JSON"),
  ).action(async (opts) => {
    const r = (await apiRequest(opts, "GET", "/api/forge/repos")) as { repositories: RepoView[] };
    if (opts.json) return void print(r);
    if (r.repositories.length === 0) return void process.stdout.write("no repositories\n");
    const rows = r.repositories.map((x) => [x.name, protectedList(x), x.description || "-", x.cloneUrl]);
    process.stdout.write(`${table(["NAME", "PROTECTED", "DESCRIPTION", "CLONE URL"], rows)}\n`);
  });
}
