import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findTrace, findTraces } from "./detect.js";

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/traces/${name}`, import.meta.url));
const brief = (frames: { file: string; line?: number; function?: string; inApp: boolean }[]) =>
  frames.map((f) => `${f.inApp ? "*" : " "} ${f.function ?? "?"} ${f.file}:${f.line ?? "-"}`);

describe("Java", () => {
  it("reads Caused by chains, Suppressed blocks and inherits '... N more' frames", () => {
    const { trace } = findTrace(fixture("java-caused-by.log"));
    expect(trace.language).toBe("java");
    expect(trace.exception.type).toBe("org.springframework.web.util.NestedServletException");
    expect(trace.causes?.map((c) => c.exception.type)).toEqual([
      "com.acme.orders.OrderException",
      "java.lang.NullPointerException",
    ]);
    const [order, npe] = trace.causes!;
    expect(order!.suppressed?.[0]?.exception).toEqual({
      type: "java.lang.IllegalStateException",
      message: "audit log closed",
    });
    expect(npe!.exception.message).toContain('because "rate" is null');
    expect(brief(npe!.frames).slice(0, 4)).toEqual([
      "* taxFor com/acme/orders/pricing/TaxCalculator.java:63",
      "* gross com/acme/orders/pricing/PriceBook.java:29",
      "* price com/acme/orders/OrderService.java:84",
      "* quote com/acme/orders/web/OrderController.java:41",
    ]);
    expect(npe!.frames.at(-1)).toMatchObject({ module: "java.lang.Thread", function: "run", inApp: false });
    expect(npe!.frames[0]).toMatchObject({ module: "com.acme.orders.pricing.TaxCalculator", line: 63 });
  });

  it("maps classes to files, keeps the file name of inner classes and marks test frameworks as library", () => {
    const text = [
      "java.lang.NullPointerException",
      "\tat org.apache.commons.lang3.StringUtils$1.apply(StringUtils.java:3676)",
      "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
      "\tat org.junit.runners.ParentRunner.run(ParentRunner.java:309)",
    ].join("\n");
    const { trace } = findTrace(text);
    expect(brief(trace.frames)).toEqual([
      "* apply org/apache/commons/lang3/StringUtils.java:3676",
      "  invoke0 jdk/internal/reflect/NativeMethodAccessorImpl.java:-",
      "  run org/junit/runners/ParentRunner.java:309",
    ]);
  });

  it("finds a trace inside a JSON log record and warns about a truncated frame", () => {
    const { trace } = findTrace(fixture("java-logstash.json"));
    expect(trace.exception).toEqual({
      type: "java.lang.IllegalArgumentException",
      message: "quantity must be positive: -2",
    });
    expect(trace.frames[1]).toMatchObject({ function: "reserve", module: "com.example.inventory.stock.StockLevel" });
    const truncated = findTrace(fixture("java-truncated.log")).trace;
    expect(truncated.frames).toHaveLength(1);
    expect(truncated.warnings?.[0]).toMatch(/^truncated: unreadable frame line/);
  });
});

describe("Python", () => {
  it("reads 'During handling' chains root first into causes, frames innermost first", () => {
    const found = findTraces(fixture("python-chained.log"));
    expect(found).toHaveLength(1);
    const { trace, line } = found[0]!;
    expect(line).toBe(4);
    expect(trace.exception).toEqual({ type: "shop.pricing.errors.InvalidCoupon", message: "WINTER26" });
    expect(trace.relation).toBe("context");
    expect(trace.causes?.[0]?.exception).toEqual({ type: "KeyError", message: "'WINTER26'" });
    expect(brief(trace.frames)).toEqual([
      "* apply_coupon /app/shop/pricing/discounts.py:44",
      "* total /app/shop/pricing/__init__.py:18",
      "* checkout /app/shop/api/checkout.py:77",
      "  full_dispatch_request /usr/local/lib/python3.12/site-packages/flask/app.py:882",
      "  wsgi_app /usr/local/lib/python3.12/site-packages/flask/app.py:1473",
    ]);
    expect(trace.frames[3]!.module).toBe("flask.app");
  });

  it("reads 'direct cause' chains from a structlog JSON record", () => {
    const { trace } = findTrace(fixture("python-json.log"));
    expect(trace.relation).toBe("cause");
    expect(trace.causes?.[0]?.frames[0]).toMatchObject({ function: "_format", line: 33, inApp: true });
    expect(trace.frames[1]).toMatchObject({ module: "celery.app.trace", inApp: false });
  });

  it("separates traces of two compose services printed at the same time", () => {
    const found = findTraces(fixture("compose-interleaved.log"));
    expect(found.map((f) => f.trace.exception.type)).toEqual(["TypeError", "ConnectionRefusedError"]);
    expect(brief(found[0]!.trace.frames)).toEqual([
      "  manager_method /usr/local/lib/python3.12/site-packages/django/db/models/manager.py:87",
      "* create_note /app/notes/views.py:12",
    ]);
  });

  it("warns when a traceback ends before its exception line", () => {
    const { trace } = findTrace(
      'Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>\n    main()\n',
    );
    expect(trace.exception.type).toBe("unknown");
    expect(trace.warnings).toEqual(["truncated: the traceback ends before its exception line"]);
  });
});

describe("Go", () => {
  it("reads a panic: the running goroutine's frames, module and function split, others as threads", () => {
    const { trace } = findTrace(fixture("go-panic.log"));
    expect(trace.exception).toEqual({
      type: "panic",
      message: "runtime error: invalid memory address or nil pointer dereference",
    });
    expect(trace.frames[0]).toMatchObject({
      file: "/home/runner/work/shop/shop/internal/cart/cart.go",
      line: 58,
      module: "github.com/acme/shop/internal/cart",
      function: "(*Cart).Total",
      inApp: true,
    });
    expect(trace.frames.filter((f) => f.inApp)).toHaveLength(2);
    expect(trace.threads?.map((t) => t.name)).toEqual(["goroutine 1 [IO wait]"]);
  });

  it("reads a SIGQUIT goroutine dump and picks the goroutine with app frames", () => {
    const { trace } = findTrace(fixture("go-goroutine-dump.txt"));
    expect(trace.exception).toEqual({ type: "SIGQUIT", message: "quit" });
    expect(trace.frames.at(-1)).toMatchObject({
      module: "main",
      function: "main",
      file: "/src/app/main.go",
      inApp: true,
    });
    expect(trace.threads).toHaveLength(3);
  });

  it("reads a handler panic that net/http recovered and logged, after the log's timestamp", () => {
    const log = [
      "2026/11/23 10:41:02 inventory listening on 127.0.0.1:8080",
      "2026/11/23 10:41:07 http: panic serving 10.0.3.17:53412: runtime error: index out of range [3] with length 3",
      "goroutine 19 [running]:",
      "net/http.(*conn).serve.func1()",
      "\t/usr/local/go/src/net/http/server.go:1903 +0xbe",
      "panic({0x6b1d20?, 0x9a5f30?})",
      "\t/usr/local/go/src/runtime/panic.go:770 +0x132",
      "github.com/acme/inventory/internal/api.(*Handler).reserve(0xc0000a4078, {0x7a3d38, 0xc0001540e0}, 0xc00015a000)",
      "\t/src/internal/api/handler.go:34 +0xd8",
      "net/http.HandlerFunc.ServeHTTP(0xc000012300?, {0x7a3d38?, 0xc0001540e0?}, 0x10?)",
      "\t/usr/local/go/src/net/http/server.go:2171 +0x29",
    ].join("\n");
    const { trace } = findTrace(log);
    expect(trace.exception).toEqual({ type: "panic", message: "runtime error: index out of range [3] with length 3" });
    expect(trace.frames.find((f) => f.inApp)).toMatchObject({ file: "/src/internal/api/handler.go", line: 34 });
  });
});

describe("Node.js", () => {
  it("reads V8 frames: plain, [as x], async, anonymous locations and node: internals", () => {
    const { trace } = findTrace(fixture("node-uncaught.log"));
    expect(trace.exception.type).toBe("TypeError");
    expect(brief(trace.frames)).toEqual([
      "* orderTotal /home/runner/work/orders-api/orders-api/dist/routes/orders.js:27",
      "* OrdersController.show /home/runner/work/orders-api/orders-api/dist/routes/orders.js:41",
      "  Promise.all index 0:-",
      "  dispatch /home/runner/work/orders-api/orders-api/node_modules/koa-compose/index.js:42",
      "* ? /home/runner/work/orders-api/orders-api/dist/middleware/timing.js:9",
      "  process.processTicksAndRejections node:internal/process/task_queues:95",
    ]);
    expect(trace.frames[0]!.column).toBe(31);
    expect(trace.frames[3]!.module).toBe("koa-compose");
  });

  it("reads [cause] blocks of a pino record and file:// URLs", () => {
    const { trace } = findTrace(fixture("node-pino.json"));
    expect(trace.causes?.[0]?.exception.type).toBe("SyntaxError");
    expect(trace.causes?.[0]?.frames[1]).toMatchObject({
      file: "/app/src/profiles/codec.ts",
      function: "decodeProfile",
      inApp: true,
    });
    expect(trace.frames[0]).toMatchObject({ file: "/app/src/profiles/service.ts", line: 58, column: 13 });
  });

  it("reads `new X` frames", () => {
    const { trace } = findTrace("Error: boom\n    at new Widget (/srv/app/widget.js:3:9)\n    at /srv/app/main.js:1:1");
    expect(trace.frames[0]).toMatchObject({ function: "new Widget", line: 3 });
  });
});

describe(".NET", () => {
  it("reads inner exceptions, async state machines and 'End of stack trace' markers", () => {
    const { trace } = findTrace(fixture("dotnet-inner.log"));
    expect(trace.exception.type).toBe("System.InvalidOperationException");
    expect(trace.relation).toBe("inner");
    const inner = trace.causes![0]!;
    expect(inner.exception.type).toBe("System.NullReferenceException");
    expect(inner.frames[0]).toMatchObject({
      file: "/src/Billing/Invoices/LineFormatter.cs",
      line: 31,
      function: "Format",
      module: "Billing.Invoices.LineFormatter",
      inApp: true,
    });
    expect(inner.frames[1]).toMatchObject({ module: "System.Linq.Enumerable.SelectListIterator`2", inApp: false });
    expect(trace.frames[1]).toMatchObject({ function: "Create", module: "Billing.Api.InvoicesController", line: 27 });
    expect(trace.frames).toHaveLength(4);
  });
});
