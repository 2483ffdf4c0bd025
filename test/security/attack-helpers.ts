/**
 * Shared moves of the security tests: signed webhook deliveries to a real server, waiting for a
 * run to finish and reading its logs, and putting a fork's commit where GitHub keeps it
 * (`refs/pull/<n>/head` of the base repository).
 */
import { randomUUID } from "node:crypto";
import { signGitHubPayload } from "../../src/forge/index.js";
import { commitFiles, gitIn } from "../support/git-repo.js";
import type { ServeProcess } from "../support/serve-process.js";

/** Sends a signed webhook delivery; `delivery` defaults to a fresh id. */
export async function sendHook(
  server: ServeProcess,
  hook: string,
  secret: string,
  event: string,
  payload: unknown,
  delivery: string = randomUUID(),
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body whose shape each test asserts
): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(payload);
  const res = await fetch(`${server.base}/api/hooks/${hook}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": signGitHubPayload(raw, secret),
    },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A GitHub-shaped `pull_request` payload; `fork` puts the head in another repository. */
export function prPayload(o: { number: number; head: string; sha: string; base: string; fork?: boolean }) {
  return {
    action: "opened",
    number: o.number,
    pull_request: {
      head: { ref: o.head, sha: o.sha, repo: { full_name: o.fork ? "mallory/app" : "acme/app" } },
      base: { ref: o.base, repo: { full_name: "acme/app" } },
      updated_at: new Date().toISOString(),
    },
  };
}

/** Waits for run `id` to finish; returns its status, trust and every log line. */
export async function finishedRun(
  server: ServeProcess,
  id: number,
): Promise<{ status: string; trust: string; log: string }> {
  const run = await server.waitForRun(id, 90_000);
  const logs = await server.api("GET", `/api/runs/${id}/logs`);
  const lines = (logs.body.jobs as { lines: { line: string }[] }[]).flatMap((j) => j.lines.map((l) => l.line));
  return { status: run.status, trust: run.trust, log: lines.join("\n") };
}

/**
 * Makes a fork of `repo` with `files` committed on `branch`, and stores that commit in `repo` as
 * `refs/pull/<number>/head` (as GitHub does for every pull request); returns the commit SHA.
 */
export function forkPullRequest(repo: string, number: number, branch: string, files: Record<string, string>): string {
  const fork = `${repo}-fork-${number}`;
  gitIn(repo, "clone", "--quiet", repo, fork);
  gitIn(fork, "checkout", "--quiet", "-B", branch);
  const sha = commitFiles(fork, files, "from a fork");
  gitIn(repo, "fetch", "--quiet", fork, `+refs/heads/${branch}:refs/pull/${number}/head`);
  return sha;
}
