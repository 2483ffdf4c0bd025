// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
import { describe, expect, it } from "vitest";
import { interpolate, scanInterpolations } from "./interpolate.js";

const values = {
  matrix: { node: "20", os: "linux" },
  inputs: { level: "2" },
  branch: "$(touch /tmp/pwned)",
  commit: "abc",
  event: "push",
};

describe("scanInterpolations", () => {
  it("finds references with their offsets and trust", () => {
    const { refs, problems } = scanInterpolations("node ${{ matrix.node }} on ${{branch}} ({{ hashFiles('x') }})");
    expect(problems).toEqual([]);
    expect(refs).toEqual([
      { path: ["matrix", "node"], offset: 5, text: "${{ matrix.node }}", untrusted: false },
      { path: ["branch"], offset: 27, text: "${{branch}}", untrusted: true },
    ]);
  });

  it.each([
    ["echo ${{ matrix.node", 5, "never closed"],
    ["echo ${{ matrix. }}", 17, "expected a name after '.'"],
    ["echo ${{ env.HOME }}", 9, "is not allowed"],
    ["echo ${{ needs.a.status }}", 9, "is not allowed"],
    ["echo ${{ branch == 'x' }}", 9, "is not allowed"],
    ["echo ${{ }}", 8, "empty expression"],
  ])("reports %j at offset %i", (text, offset, message) => {
    const { problems } = scanInterpolations(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.offset).toBe(offset);
    expect(problems[0]!.message).toContain(message);
  });
});

describe("interpolate", () => {
  it("substitutes values verbatim", () => {
    expect(interpolate("node-${{ matrix.node }}-${{ matrix.os }}/${{ inputs.level }}", values)).toBe("node-20-linux/2");
    expect(interpolate("${{ branch }}@${{ commit }} (${{ event }})", values)).toBe("$(touch /tmp/pwned)@abc (push)");
  });

  it("leaves text without references alone", () => {
    expect(interpolate("npm-{{ hashFiles('package-lock.json') }}", values)).toBe(
      "npm-{{ hashFiles('package-lock.json') }}",
    );
  });

  it("resolves unknown names to empty strings", () => {
    expect(interpolate("[${{ matrix.nope }}][${{ base_branch }}]", values)).toBe("[][]");
  });
});
