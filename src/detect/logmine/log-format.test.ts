import { describe, expect, it } from "vitest";
import { compileLogFormat } from "./log-format.js";

describe("compileLogFormat", () => {
  it("turns placeholders into lazy named groups and space runs into \\s+, anchored", () => {
    const f = compileLogFormat("<Date> <Time>  <Level> <Component>: <Content>");
    expect(f.regex.source).toBe(
      "^(?<Date>.*?)\\s+(?<Time>.*?)\\s+(?<Level>.*?)\\s+(?<Component>.*?):\\s+(?<Content>.*?)$",
    );
    expect(f.fields).toEqual(["Date", "Time", "Level", "Component", "Content"]);
    expect(f.parse("081109 203615   INFO dfs.DataNode: Receiving block blk_1 src: /10.0.0.1:5")).toEqual({
      fields: { Date: "081109", Time: "203615", Level: "INFO", Component: "dfs.DataNode" },
      content: "Receiving block blk_1 src: /10.0.0.1:5",
      matched: true,
    });
  });

  it("keeps regex metacharacters in literal parts as regex (escaped brackets, optional groups)", () => {
    const f = compileLogFormat("<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>");
    expect(f.parse("Jul  1 09:00:55 host kernel[0]: hello world")).toMatchObject({
      fields: { Component: "kernel", PID: "0", Address: "" },
      content: "hello world",
    });
    expect(f.parse("Jul 1 09:01 host QQ[42] (0x1f): x = 1")).toMatchObject({
      fields: { PID: "42", Address: "0x1f" },
      content: "x = 1",
    });
    const proxifier = compileLogFormat("\\[<Time>\\] <Program> - <Content>");
    expect(proxifier.parse("[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open").content).toBe(
      "proxy.cse.cuhk.edu.hk:5070 open",
    );
    const piped = compileLogFormat("<Time>\\|<Component>\\|<Pid>\\|<Content>");
    expect(piped.parse("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579")).toMatchObject({
      fields: { Component: "Step_LSC" },
      content: "onStandStepChanged 3579",
    });
  });

  it("gives the whole line as content when the line does not match", () => {
    const f = compileLogFormat("\\[<Time>\\] <Content>");
    expect(f.parse("no brackets here")).toEqual({ fields: {}, content: "no brackets here", matched: false });
  });

  it("rejects a format without <Content>, a bad field name, a repeated field or an invalid regex", () => {
    expect(() => compileLogFormat("<Date> <Time>")).toThrow(/needs a <Content>/);
    expect(() => compileLogFormat("<Date-x> <Content>")).toThrow(/not a valid field name/);
    expect(() => compileLogFormat("<A> <A> <Content>")).toThrow(/appears twice/);
    expect(() => compileLogFormat("(<Date> <Content>")).toThrow(/not a valid regular expression/);
  });
});
