import type { Command } from "commander";

/** Adds `--server` and `--token` (defaults: PITCREW_SERVER / PITCREW_TOKEN) to a command. */
export function clientOptions(cmd: Command): Command {
  return cmd
    .option("--server <url>", "server URL (default $PITCREW_SERVER or http://127.0.0.1:8080)")
    .option("--token <token>", "API token (default $PITCREW_TOKEN)");
}

/** Calls the pitcrew API and returns the JSON body; API errors become thrown Errors with the server's message. */
export async function apiRequest(
  opts: { server?: string; token?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const server = (opts.server ?? process.env.PITCREW_SERVER ?? "http://127.0.0.1:8080").replace(/\/$/, "");
  const token = opts.token ?? process.env.PITCREW_TOKEN;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new Error(`cannot reach the pitcrew server at ${server}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as { error?: { message?: string } }) : {};
  if (!res.ok) throw new Error(`${res.status}: ${json.error?.message ?? text}`);
  return json;
}
