import { describe, expect, it } from "vitest";
import { forgeRepoOf, samePlace } from "./forge-repo-of.js";

describe("forgeRepoOf / samePlace", () => {
  const github = { cloneUrl: (repo: string) => `https://github.com/acme/${repo}.git` };

  it("matches a GitHub repository whatever the spelling: no .git, a trailing slash, other case, ssh", () => {
    for (const url of [
      "https://github.com/acme/shop.git",
      "https://github.com/acme/shop",
      "https://github.com/acme/shop/",
      "https://GitHub.com/ACME/Shop.git",
      "ssh://git@github.com/acme/shop.git",
      "git@github.com:acme/shop.git",
    ])
      expect(forgeRepoOf(github, url)?.toLowerCase(), url).toBe("shop");
  });

  it("does not match another owner, host, port or repository", () => {
    for (const url of [
      "https://github.com/other/shop.git",
      "https://gitlab.com/acme/shop.git",
      "https://github.com/acme/shop/extra",
      "/srv/git/acme/shop.git",
    ])
      expect(forgeRepoOf(github, url), url).toBeUndefined();
    expect(samePlace("http://127.0.0.1:8080/acme/shop.git", "http://127.0.0.1:9090/acme/shop.git")).toBe(false);
  });

  it("matches local forge paths as paths (file://, trailing slash, relative)", () => {
    const local = { cloneUrl: (repo: string) => `${process.cwd()}/data/forge/${repo}.git` };
    expect(forgeRepoOf(local, `${process.cwd()}/data/forge/shop.git/`)).toBe("shop");
    expect(forgeRepoOf(local, `file://${process.cwd()}/data/forge/shop.git`)).toBe("shop");
    expect(forgeRepoOf(local, "data/forge/shop.git")).toBe("shop");
    expect(samePlace(`${process.cwd()}/data/forge/Shop.git`, local.cloneUrl("shop"))).toBe(false);
    expect(forgeRepoOf(local, "https://github.com/acme/shop.git")).toBeUndefined();
  });
});
