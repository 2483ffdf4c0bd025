import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createRepo, gitIn } from "../../../test/support/git-repo.js";
import { readPipelineFile } from "./read-pipeline-file.js";

describe("readPipelineFile", () => {
  const yaml = "jobs:\n  build:\n    steps:\n      - run: echo héllo ✓\n";
  const repo = createRepo({
    ".pitcrew/pipeline.yaml": yaml,
    "big.yaml": `# ${"x".repeat(5000)}\n`,
    "empty.yaml": "",
    "no-newline.yaml": "jobs: {}",
  });
  const head = gitIn(repo, "rev-parse", "HEAD");
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reads a file within the limit, byte for byte (multibyte text, no final newline, empty)", async () => {
    expect(await readPipelineFile(repo, `${head}:.pitcrew/pipeline.yaml`, 1024)).toEqual({
      size: Buffer.byteLength(yaml),
      text: yaml,
    });
    expect(await readPipelineFile(repo, `${head}:no-newline.yaml`, 1024)).toEqual({ size: 8, text: "jobs: {}" });
    expect(await readPipelineFile(repo, `${head}:empty.yaml`, 1024)).toEqual({ size: 0, text: "" });
    // exactly at the limit is still read
    expect((await readPipelineFile(repo, `${head}:.pitcrew/pipeline.yaml`, Buffer.byteLength(yaml)))?.text).toBe(yaml);
  });

  it("gives only the size of a file over the limit, without its text", async () => {
    expect(await readPipelineFile(repo, `${head}:big.yaml`, 1000)).toEqual({ size: 5003 });
    expect(await readPipelineFile(repo, `${head}:.pitcrew/pipeline.yaml`, 10)).toEqual({
      size: Buffer.byteLength(yaml),
    });
  });

  it("is undefined for a missing file or commit, and a name with a line break asks git by argv only", async () => {
    expect(await readPipelineFile(repo, `${head}:nope.yaml`, 1024)).toBeUndefined();
    expect(await readPipelineFile(repo, `${"0".repeat(40)}:.pitcrew/pipeline.yaml`, 1024)).toBeUndefined();
    // on stdin this would be two object names, the first one a real file
    expect(await readPipelineFile(repo, `${head}:.pitcrew/pipeline.yaml\n${head}:big.yaml`, 1024)).toBeUndefined();
  });

  it("reads a directory as `git show` prints it, as before (the compiler then reports it)", async () => {
    const dir = await readPipelineFile(repo, `${head}:.pitcrew`, 1024);
    expect(dir?.text).toBe(gitIn(repo, "show", `${head}:.pitcrew`).concat("\n"));
  });
});
