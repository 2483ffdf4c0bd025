import { describe, expect, it } from "vitest";
import { isLibraryFrame, isTestFrame, matchesAppPrefix } from "./in-app.js";

describe("in-app rules", () => {
  it("knows each language's runtime, dependencies and test frameworks", () => {
    expect(isLibraryFrame("java", { file: "", module: "org.junit.runners.ParentRunner" })).toBe(true);
    expect(isLibraryFrame("java", { file: "", module: "org.apache.commons.lang3.StringUtils" })).toBe(false);
    expect(isLibraryFrame("python", { file: "/usr/lib/python3.12/json/decoder.py" })).toBe(true);
    expect(isLibraryFrame("python", { file: "/venv/lib/python3.11/site-packages/requests/api.py" })).toBe(true);
    expect(isLibraryFrame("python", { file: "/app/shop/api.py" })).toBe(false);
    expect(isLibraryFrame("go", { file: "/usr/local/go/src/runtime/panic.go", module: "runtime" })).toBe(true);
    expect(isLibraryFrame("go", { file: "/root/go/pkg/mod/github.com/x/y@v1/z.go", module: "github.com/x/y" })).toBe(
      true,
    );
    expect(isLibraryFrame("go", { file: "/src/app/main.go", module: "main" })).toBe(false);
    expect(isLibraryFrame("node", { file: "node:internal/process/task_queues" })).toBe(true);
    expect(isLibraryFrame("node", { file: "/app/node_modules/express/lib/router.js" })).toBe(true);
    expect(isLibraryFrame("dotnet", { file: "", module: "Microsoft.AspNetCore.Routing.EndpointMiddleware" })).toBe(
      true,
    );
  });

  it("recognises test code", () => {
    expect(isTestFrame({ file: "org/acme/FooTest.java", module: "org.acme.FooTest" })).toBe(true);
    expect(isTestFrame({ file: "org/acme/FooTests.java", module: "org.acme.FooTests$1" })).toBe(true);
    expect(isTestFrame({ file: "org/acme/Foo.java", module: "org.acme.Foo" })).toBe(false);
    expect(isTestFrame({ file: "/app/tests/test_api.py" })).toBe(true);
    expect(isTestFrame({ file: "/src/cart_test.go" })).toBe(true);
    expect(isTestFrame({ file: "/app/src/cart.spec.ts" })).toBe(true);
  });

  it("matches package prefixes on segment boundaries and path roots", () => {
    const f = { file: "org/apache/commons/lang3/StringUtils.java", module: "org.apache.commons.lang3.StringUtils" };
    expect(matchesAppPrefix(f, "org.apache.commons.lang3")).toBe(true);
    expect(matchesAppPrefix(f, "org.apache.commons.lang")).toBe(false);
    expect(matchesAppPrefix({ file: "/app/myapp/views.py" }, "myapp")).toBe(true);
    expect(matchesAppPrefix({ file: "/app/src/x.ts" }, "src/")).toBe(true);
    expect(matchesAppPrefix({ file: "/app/lib/x.ts" }, "/app/src")).toBe(false);
    expect(matchesAppPrefix({ file: "/x/cart.go", module: "github.com/acme/shop/cart" }, "github.com/acme/shop")).toBe(
      true,
    );
  });
});
