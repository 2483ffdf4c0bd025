import type { Command } from "commander";
import { TOKEN_ROLES } from "../../store/index.js";
import { apiFetch, apiJson, type ClientOptions, clientOptions, requireServer } from "../api-client.js";
import { oneOf, positiveInt } from "../client/option-values.js";
import { table } from "../output.js";

interface TokenView {
  id: number;
  name: string;
  role: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const when = (t: number | null) => (t == null ? "-" : new Date(t).toISOString().replace("T", " ").slice(0, 19));

/** `pitcrew tokens create|list|revoke`: the server's API tokens (needs an admin token). */
export function registerTokensCommand(program: Command): void {
  const tokens = program.command("tokens").description("API tokens of the server (admin)");
  clientOptions(
    tokens
      .command("create")
      .description("create a token; its secret is printed only this once")
      .argument("<name>", "what the token is for (shown in run triggers and audit)")
      .option(
        "--role <role>",
        `${TOKEN_ROLES.join(" | ")} (agent: a token for pitcrew agent)`,
        oneOf("--role", TOKEN_ROLES),
        "viewer",
      )
      .option("--json", "print JSON"),
  ).action(async (name: string, opts: ClientOptions & { role: string; json?: boolean }) => {
    const created = (await apiJson(requireServer(opts), "POST", "/api/tokens", {
      name,
      role: opts.role,
    })) as TokenView & {
      token: string;
    };
    if (opts.json) return void process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
    process.stdout.write(
      `token ${created.id} '${created.name}' (${created.role}) — shown only this once:\n${created.token}\n`,
    );
  });
  clientOptions(
    tokens
      .command("list")
      .description("all tokens: names and roles, never secrets")
      .option("--json", "print JSON ({tokens})"),
  ).action(async (opts: ClientOptions & { json?: boolean }) => {
    const { tokens: list } = (await apiJson(requireServer(opts), "GET", "/api/tokens")) as { tokens: TokenView[] };
    if (opts.json) return void process.stdout.write(`${JSON.stringify({ tokens: list }, null, 2)}\n`);
    const rows = list.map((t) => [
      String(t.id),
      t.name,
      t.role,
      when(t.createdAt),
      when(t.lastUsedAt),
      when(t.revokedAt),
    ]);
    process.stdout.write(`${table(["ID", "NAME", "ROLE", "CREATED", "LAST USED", "REVOKED"], rows)}\n`);
  });
  clientOptions(
    tokens
      .command("revoke")
      .description("revoke a token (it stops working at once)")
      .argument("<id>", "token id (see `pitcrew tokens list`)", positiveInt("ID")),
  ).action(async (id: number, opts: ClientOptions) => {
    await apiFetch(requireServer(opts), "DELETE", `/api/tokens/${id}`);
    process.stdout.write(`token ${id} revoked\n`);
  });
}
