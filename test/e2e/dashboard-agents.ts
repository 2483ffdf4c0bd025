/**
 * The dashboard's Agents page, for the dashboard's end-to-end walk: the empty state tells how to
 * start an agent; an agent registered through the agent protocol shows up with its labels, load
 * and state (polled, no reload), and shows as offline once it deregisters.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from "../../src/agents/index.js";
import type { TestApp } from "../support/test-app.js";

/** Visits Agents before and after an agent registers, then deregisters it (leaving no live agent). */
export async function readAgents(page: Page, t: TestApp, shots: string): Promise<void> {
  await page.getByRole("link", { name: "Agents", exact: true }).click();
  await page.getByRole("heading", { name: "Agents" }).waitFor();
  const empty = page.getByRole("status").filter({ hasText: "No agent has registered" });
  await empty.waitFor();
  expect(await empty.textContent()).toContain("pitcrew agent --server");
  expect(await empty.textContent()).toContain("docs/scale-out.md");

  const { token } = await t.app.store.tokens.create("e2e-agents", "agent");
  const call = (url: string, body: object) =>
    t.server.inject({
      method: "POST",
      url,
      headers: {
        authorization: `Bearer ${token}`,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        "content-type": "application/json",
      },
      payload: JSON.stringify(body),
    });
  const reg = await call("/api/agent/register", {
    name: "builder-1",
    labels: ["linux", "gpu"],
    capacity: { cpus: 4, memory: 8 * 1024 ** 3 },
    concurrency: 2,
    version: "e2e",
  });
  expect(reg.statusCode, reg.body).toBe(200);
  const { agentId } = reg.json() as { agentId: number };

  // no reload: the page polls
  const row = page.getByRole("row").filter({ hasText: "builder-1" });
  await row.waitFor({ timeout: 15_000 });
  const cells = await row.getByRole("cell").allTextContents();
  expect(cells).toEqual([
    `builder-1 #${agentId}`,
    "online",
    "linux, gpu",
    "4 cpus, 8.0 GiB",
    "0 of 2 busy (2 free)",
    "—",
    expect.stringMatching(/ ago$/),
    "e2e",
  ]);
  expect(await empty.count()).toBe(0);
  await page.screenshot({ path: `${shots}/agents.png`, fullPage: true });

  expect((await call("/api/agent/deregister", { agentId })).statusCode).toBe(204);
  await row.getByText("offline").waitFor({ timeout: 15_000 });
}
