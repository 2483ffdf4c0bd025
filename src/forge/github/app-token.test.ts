import { generateKeyPairSync } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHubServer } from "../../../test/fixtures/github/fake-github.js";
import { createRepo } from "../../../test/support/git-repo.js";
import { installationAuth } from "./app-token.js";
import { GitHubForge } from "./github-forge.js";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();

describe("GitHub App authentication", () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });
  const fake = async () => {
    gh = await startFakeGitHubServer({ app: { appId: 4242, installationId: 77, publicKey: keys.publicKey } });
    return gh;
  };

  it("buys an installation token with a signed JWT at the configured API base, once, and uses it for REST and git", async () => {
    const gh = await fake();
    const forge = new GitHubForge({
      apiUrl: gh.apiUrl,
      gitUrl: gh.gitUrl,
      owner: "acme",
      app: { appId: 4242, installationId: 77, privateKey },
      events: { emit: async () => undefined },
      privateRepos: true,
      retryDelayMs: 5,
      pollMs: 20,
    });
    const repo = await forge.createRepository("shop", { fromPath: createRepo({ "a.txt": "a\n" }) });
    expect(gh.installationTokens).toHaveLength(1);
    const token = gh.installationTokens[0]!;
    expect(token).toMatch(/^ghs_/);
    const tokenRequests = gh.requests.filter((r) => r.path.startsWith("/api/v3/app/"));
    expect(tokenRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v3/app/installations/77/access_tokens",
    ]);
    const rest = gh.requests.filter((r) => !/^\/api\/v3\/app(\/|$)/.test(r.path));
    expect(rest.length).toBeGreaterThan(1);
    expect(rest.every((r) => r.authorized)).toBe(true);
    // The private repository was pushed over git with the installation token and is readable with it.
    const { stdout: out } = await promisify(execFile)("git", [
      "ls-remote",
      repo.cloneUrl.replace("://", `://x-access-token:${token}@`),
    ]);
    expect(out).toMatch(/refs\/heads\/main/);
  });

  it("acts as the app's bot: its login comes from GET /app, since GitHub refuses GET /user to installation tokens", async () => {
    const gh = await fake();
    const forge = new GitHubForge({
      apiUrl: gh.apiUrl,
      gitUrl: gh.gitUrl,
      owner: "acme",
      app: { appId: 4242, installationId: 77, privateKey },
      events: { emit: async () => undefined },
      retryDelayMs: 5,
    });
    expect(await forge.login()).toBe("pitcrew-app[bot]");
    const token = await installationAuth(gh.apiUrl, { appId: 4242, installationId: 77, privateKey }).token();
    const user = await fetch(`${gh.apiUrl}/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(user.status).toBe(403);
    expect(((await user.json()) as { message: string }).message).toBe("Resource not accessible by integration");
    expect(gh.requests.filter((r) => r.path === "/api/v3/user" && r.authorized)).toHaveLength(1);
  });

  it("names the problem when the app's credentials are wrong", async () => {
    const gh = await fake();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    });
    const badKey = installationAuth(gh.apiUrl, {
      appId: 4242,
      installationId: 77,
      privateKey: other.toString(),
    }).token;
    await expect(badKey()).rejects.toThrow(/JSON web token could not be decoded/);
    const badInstallation = installationAuth(gh.apiUrl, { appId: 4242, installationId: 78, privateKey }).token;
    await expect(badInstallation()).rejects.toThrow(/Not Found/);
    expect(() => installationAuth(gh.apiUrl, { appId: 4242, installationId: 77, privateKey: "nope" })).toThrow(
      "not a PEM private key",
    );
    expect(gh.installationTokens).toEqual([]);
  });
});
