/**
 * The outside service: json-server 0.17.4 (MIT) as published on the npm registry, a REST service
 * nobody here wrote. Seeding puts it into a fresh git repository in two commits — the package as
 * it is, then the onboarding files of `test/fixtures/outside-service/` (entry point, health/metrics
 * middleware, tests, pipeline and deploy files) with its production dependencies installed from
 * the npm cache (`npm install --prefer-offline`) and committed beside it — and pushes `main` to a
 * bare repository (the forge's). Its faults are ordinary commits a developer pushes.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gitIn } from "./git-repo.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PACKAGE = join(ROOT, "node_modules/json-server");
const ONBOARDING = join(ROOT, "test/fixtures/outside-service");

/** True when json-server (a devDependency) is installed. */
export const HAS_OUTSIDE_SERVICE = existsSync(join(PACKAGE, "package.json"));

/** One injected fault: files edited by exact replacement, committed with `message`. */
export interface OutsideFault {
  name: string;
  kind: "crash-on-part-of-traffic" | "bad-release" | "bad-config";
  message: string;
  edits: Array<{ file: string; from: string; to: string }>;
}

/**
 * The three faults, each of a kind json-server can really have:
 * - a crash on part of the traffic: the author's name read from a user that may not exist
 *   (post 8 belongs to a deleted user), met once clients expand posts with their user;
 * - a bad release: comments sorted by a date read as a Date although JSON holds strings, so every
 *   `GET /comments` answers 500;
 * - a bad config: json-server's network-delay setting (meant for front-end tests) left at 150 ms.
 */
export const OUTSIDE_FAULTS: OutsideFault[] = [
  {
    name: "expand-missing-user",
    kind: "crash-on-part-of-traffic",
    message: "posts: name the author when a post is expanded with its user",
    edits: [
      {
        file: "lib/server/router/plural.js",
        from: "        resource[innerResource] = db.get(plural).getById(resource[prop]).value();\n",
        to:
          "        resource[innerResource] = db.get(plural).getById(resource[prop]).value();\n" +
          "        resource[`${innerResource}Name`] = resource[innerResource].name;\n",
      },
    ],
  },
  {
    name: "comments-sort-by-date",
    kind: "bad-release",
    message: "comments: newest first",
    edits: [
      {
        file: "lib/server/router/plural.js",
        from: "    // Sort\n",
        to:
          "    // Newest comments first\n" +
          "    if (name === 'comments' && !_sort) {\n" +
          "      chain = chain.orderBy([c => c.createdAt.getTime()], ['desc']);\n" +
          "    }\n\n" +
          "    // Sort\n",
      },
    ],
  },
  {
    name: "network-delay-left-on",
    kind: "bad-config",
    message: "config: simulate a mobile network (150 ms) for the app team's tests",
    edits: [{ file: "config/server.json", from: '"delay_ms": 0', to: '"delay_ms": 150' }],
  },
];

/**
 * A latent bug that only a new kind of request meets: a list of posts expanded with their users
 * names each post's author, reading `.name` of a user that may not exist (post 8's was deleted).
 * Ordinary traffic never lists posts with `_expand`, so the release ships healthy; the errors
 * begin when clients start sending `GET /posts?_expand=user`, a request shape nobody sent before,
 * with no release at that moment (the traffic-shift heal of `test/e2e/outside-service.test.ts`).
 */
export const TRAFFIC_SHIFT_FAULT: OutsideFault = {
  name: "list-expanded-authors",
  kind: "crash-on-part-of-traffic",
  message: "posts: a list expanded with users names each post's author",
  edits: [
    {
      file: "lib/server/router/plural.js",
      from: "      expand(element, _expand);\n    });\n",
      to: "      expand(element, _expand);\n      if (_expand === 'user') element.author = element.user.name;\n    });\n",
    },
  ],
};

/** Runs npm in `cwd` (quietly; throws with its output on failure). */
function npm(cwd: string, ...args: string[]): void {
  execFileSync("npm", args, { cwd, stdio: "pipe", env: { ...process.env, npm_config_update_notifier: "false" } });
}

/**
 * Seeds the service into a new working repository and pushes `main` to `bareRepo` (created when
 * missing); returns the working repository's path (the developer's clone).
 */
export function seedOutsideService(bareRepo: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-outside-"));
  gitIn(dir, "init", "--quiet", "--initial-branch=main");
  for (const f of ["package.json", "LICENSE", "README.md", "lib", "public"])
    cpSync(join(PACKAGE, f), join(dir, f), { recursive: true });
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "--quiet", "-m", "json-server 0.17.4 as published on the npm registry");

  cpSync(ONBOARDING, dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  delete pkg.devDependencies;
  delete pkg.husky;
  pkg.main = "server.js";
  pkg.scripts = { start: "node server.js", test: "node --test test/" };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  npm(dir, "install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts");
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "--quiet", "-m", "onboard to pitcrew: entry point, health and metrics, tests, pipeline");

  if (!existsSync(bareRepo)) execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bareRepo]);
  gitIn(dir, "remote", "add", "origin", bareRepo);
  gitIn(dir, "push", "--quiet", "origin", "main");
  return dir;
}

/** Commits `fault` on top of the forge's `main` (pulled first) and pushes it; returns the commit. */
export function pushFault(clone: string, fault: OutsideFault): string {
  gitIn(clone, "pull", "--quiet", "--ff-only", "origin", "main");
  for (const e of fault.edits) {
    const path = join(clone, e.file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(e.from)) throw new Error(`fault ${fault.name}: ${e.file} does not contain the edited text`);
    writeFileSync(path, text.replace(e.from, e.to));
  }
  gitIn(clone, "commit", "--quiet", "-am", fault.message);
  gitIn(clone, "push", "--quiet", "origin", "main");
  return gitIn(clone, "rev-parse", "HEAD");
}

/** Reverts `commit` on the forge's `main` as a developer would (pull, `git revert`, push). */
export function pushRevert(clone: string, commit: string): string {
  gitIn(clone, "pull", "--quiet", "--ff-only", "origin", "main");
  gitIn(clone, "revert", "--no-edit", commit);
  gitIn(clone, "push", "--quiet", "origin", "main");
  return gitIn(clone, "rev-parse", "HEAD");
}
