import type { Command } from "commander";
import { apiRequest, clientOptions } from "../api-client.js";

interface HealView {
  id: number;
  incidentId: number;
  service: string;
  state: string;
  reason: string | null;
  attempts: number;
  stateSince: string;
  timeline?: { at: string; from: string | null; to: string; note: string }[];
}

const line = (h: HealView) =>
  `heal ${h.id}  incident ${h.incidentId}  ${h.service}  ${h.state}${h.reason ? ` — ${h.reason}` : ""}`;

/** `pitcrew heal list|show|retry`: the heals of incidents, one with its timeline, retrying a stopped one. */
export function registerHealCommand(program: Command): void {
  const heal = program.command("heal").description("the healing loop's heals: list, show one, retry one");
  clientOptions(
    heal
      .command("list")
      .description("heals, newest first")
      .option("--state <state>", "only heals in this state (e.g. failed, escalated)")
      .option("--service <name>", "only heals of this service")
      .option("--json", "print JSON"),
  ).action(async (opts) => {
    const q = new URLSearchParams();
    if (opts.state) q.set("state", opts.state);
    if (opts.service) q.set("service", opts.service);
    const res = (await apiRequest(opts, "GET", `/api/heals?${q}`)) as { heals: HealView[] };
    if (opts.json) return void process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    process.stdout.write(res.heals.length ? `${res.heals.map(line).join("\n")}\n` : "no heals\n");
  });
  clientOptions(
    heal
      .command("show")
      .description("a heal with its timeline")
      .argument("<id>", "heal id")
      .option("--json", "print JSON"),
  ).action(async (id: string, opts) => {
    const h = (await apiRequest(opts, "GET", `/api/heals/${encodeURIComponent(id)}`)) as HealView;
    if (opts.json) return void process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
    const steps = (h.timeline ?? []).map((e) => `  ${e.at}  ${e.from ?? "-"} → ${e.to}: ${e.note}`);
    process.stdout.write(`${line(h)}\n${steps.join("\n")}\n`);
  });
  clientOptions(
    heal
      .command("retry")
      .description("start a failed or escalated heal again from diagnosis, with a fresh attempt budget")
      .argument("<id>", "heal id")
      .option("--json", "print JSON"),
  ).action(async (id: string, opts) => {
    const h = (await apiRequest(opts, "POST", `/api/heals/${encodeURIComponent(id)}/retry`)) as HealView;
    if (opts.json) return void process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
    process.stdout.write(`${line(h)}\n`);
  });
}
