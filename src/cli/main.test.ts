import { describe, expect, it } from "vitest";
import { buildProgram, commandsFor } from "./main.js";

const ALL = [
  "serve",
  "agent",
  "agents",
  "run",
  "lint",
  "import",
  "trigger",
  "runs",
  "logs",
  "cancel",
  "rerun",
  "watch",
  "artifacts",
  "secrets",
  "tokens",
  "login",
  "logout",
  "migrate",
  "stack",
  "tests",
  "models",
  "explain",
  "fix",
  "detect",
  "demo",
  "deploy",
  "promote",
  "rollback",
  "status",
  "heal",
  "repos",
];

describe("lazy command loading", () => {
  it("loads only the command the arguments name, skipping global option values", () => {
    expect(commandsFor(["tests", "prioritize", "--json"])).toEqual(["tests"]);
    expect(commandsFor(["-c", "run", "logs", "mine", "-"])).toEqual(["logs"]);
    expect(commandsFor(["--config=x.yaml", "heal", "list"])).toEqual(["heal"]);
  });

  it("loads nothing for --version and everything for help or an unknown command", () => {
    expect(commandsFor(["--version"])).toEqual([]);
    expect(commandsFor(["-V"])).toEqual([]);
    expect(commandsFor(["--help"])).toEqual(ALL);
    expect(commandsFor([])).toEqual(ALL);
    expect(commandsFor(["tset"])).toEqual(ALL);
  });

  it("--help still lists every command, in order", async () => {
    const help = (await buildProgram(["node", "pitcrew", "--help"])).helpInformation();
    const listed = [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((n) => n !== "help");
    expect(listed).toEqual(ALL);
  });

  it("a named command parses with its own options", async () => {
    const program = await buildProgram(["node", "pitcrew", "tests"]);
    expect(program.commands.map((c) => c.name())).toEqual(["tests"]);
    expect(program.commands[0]?.commands.map((c) => c.name())).toContain("prioritize");
  });
});
