import { describe, expect, it } from "vitest";
import { cleanLine } from "./clean-line.js";

describe("cleanLine", () => {
  it("removes ANSI escapes and a GitHub Actions timestamp", () => {
    expect(cleanLine("2024-01-01T00:00:00.0000000Z \x1b[31;1mError: boom\x1b[0m").text).toBe("Error: boom");
  });

  it("keeps what a terminal shows last of carriage-return progress output", () => {
    expect(cleanLine("Downloading 10%\rDownloading 50%\rDownloading 100%\r").text).toBe("Downloading 100%");
    expect(cleanLine("abc\b\bX").text).toBe("aX");
  });

  it("reduces fold markers to their title and marks the start of a step", () => {
    expect(cleanLine("2024-01-01T00:00:00.0000000Z ##[group]Run npm test")).toEqual({
      text: "Run npm test",
      opensStep: true,
    });
    expect(cleanLine("::group::Build")).toEqual({ text: "Build", opensStep: true });
    expect(cleanLine("##[endgroup]")).toEqual({ text: "", opensStep: false });
    expect(cleanLine("travis_fold:start:install\r\x1b[0K\x1b[33;1mInstalling\x1b[0m")).toEqual({
      text: "Installing",
      opensStep: true,
    });
    expect(cleanLine("\x1b[0Ktravis_time:end:1a2b:start=1,finish=2\r\x1b[0KThe command exited with 1.")).toEqual({
      text: "The command exited with 1.",
      opensStep: false,
    });
  });

  it("drops a CRLF's carriage return and other control bytes", () => {
    expect(cleanLine("ok\x07 done\r").text).toBe("ok done");
  });
});
