import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createRepo } from "../../../test/support/git-repo.js";
import { gitAuthEnv } from "./git-auth.js";
import { defaultGitUrl } from "./github-forge.js";

/** What git itself resolves `http.extraHeader` to for `url` under `env`. */
const headerFor = (env: Record<string, string>, url: string) => {
  try {
    return execFileSync("git", ["config", "--get-urlmatch", "http.extraHeader", url], {
      cwd: createRepo({ "a.txt": "a" }),
      env: { ...process.env, ...env },
      encoding: "utf8",
    }).trim();
  } catch {
    return "";
  }
};

describe("git auth", () => {
  it("gives git the token as a Basic header scoped to the forge's git URL, through the environment", () => {
    const env = gitAuthEnv("https://github.com/", "ghp_secret");
    const header = `Authorization: Basic ${Buffer.from("x-access-token:ghp_secret").toString("base64")}`;
    expect(headerFor(env, "https://github.com/acme/app.git")).toBe(header);
    expect(headerFor(env, "https://evil.example.com/acme/app.git")).toBe("");
    expect(Object.keys(env)).toEqual(["GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"]);
    expect(env.GIT_CONFIG_KEY_0).not.toContain("ghp_secret");
  });

  it("derives the git URL from the REST URL (github.com and GitHub Enterprise)", () => {
    expect(defaultGitUrl("https://api.github.com")).toBe("https://github.com");
    expect(defaultGitUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(defaultGitUrl("http://127.0.0.1:4000/api/v3/")).toBe("http://127.0.0.1:4000");
  });
});
