/**
 * Reproduction tests in the project's own framework, run for real: a tiny Python service tested
 * with pytest, a tiny Node.js service tested with vitest, and a tiny Java service known only by
 * the commands its pitcrew.repair.yaml declares. Each reproduction fails on the base commit and
 * the suite passes with the patch (`provePatch`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Patch } from "../../src/repair/fixer.js";
import { provePatch } from "../../src/repair/prove-patch.js";
import { generateReproduction } from "../../src/repair/reproduce/reproduction.js";
import { readServiceProject } from "../../src/repair/reproduce/service-project.js";
import { unifiedDiff } from "../../src/repair/unified-diff.js";

/** A committed git repository holding `files` (and a `node_modules` symlink when given). */
function repoWith(files: Record<string, string>, nodeModules?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-frameworks-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (nodeModules) symlinkSync(nodeModules, join(dir, "node_modules")); // committed, so worktrees have it
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
  return dir;
}

/** A patch replacing `from` by `to` in `path` (of `files`). */
function patchOf(files: Record<string, string>, path: string, from: string, to: string): Patch {
  const before = files[path]!;
  const edits = [{ path, before, after: before.replace(from, to) }];
  return {
    fixer: "test/hand",
    kind: "pattern",
    title: `fix ${path}`,
    explanation: "",
    edits,
    diff: unifiedDiff(edits),
  };
}

const pythonService: Record<string, string> = {
  "main.py": `import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prices import unit_price


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            _, total, quantity = self.path.split("/")[1:4]
            status, body = 200, {"unit": unit_price(int(total), int(quantity))}
        except Exception as err:  # the service logs and answers 500
            status, body = 500, {"error": repr(err)}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))), Handler)
print("listening on %s:%d" % server.server_address, flush=True)
server.serve_forever()
`,
  "prices.py": "def unit_price(total, quantity):\n    return total / quantity\n",
  "pytest.ini": "[pytest]\npythonpath = .\n",
  "tests/test_prices.py":
    "from prices import unit_price\n\n\ndef test_unit_price():\n    assert unit_price(10, 4) == 2.5\n",
};

const nodeService: Record<string, string> = {
  "package.json": JSON.stringify({
    name: "carts",
    private: true,
    type: "module",
    scripts: { start: "node main.mjs", test: "vitest run" },
    devDependencies: { vitest: "^4" },
  }),
  "main.mjs": `import { createServer } from "node:http";
import { describeCart } from "./src/carts.mjs";

const carts = new Map([["c-1", { items: [{ price: 2, quantity: 3 }] }]]);
const server = createServer((req, res) => {
  try {
    const id = req.url.split("/")[2];
    const body = describeCart(carts.get(id));
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: "no such cart" }));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? "127.0.0.1", () => {
  console.log(\`listening on 127.0.0.1:\${server.address().port}\`);
});
`,
  "src/carts.mjs": `/** The cart's total, or undefined for no cart. */
export function describeCart(cart) {
  return { total: cart.items.reduce((sum, i) => sum + i.price * i.quantity, 0) };
}
`,
  "test/carts.test.mjs": `import { expect, test } from "vitest";
import { describeCart } from "../src/carts.mjs";

test("totals a cart", () => {
  expect(describeCart({ items: [{ price: 2, quantity: 3 }] })).toEqual({ total: 6 });
});
`,
};

const javaService: Record<string, string> = {
  "pitcrew.repair.yaml": "test: [sh, run-tests.sh]\nservice:\n  start: [sh, run-service.sh]\n",
  // the project's suite runs pitcrew's reproductions too, so the proof re-runs the replay with the patch
  "run-tests.sh":
    "set -e\njavac -d build/test src/*.java test/*.java\njava -cp build/test PricesTest\nif [ -d pitcrew-repro ]; then node --test pitcrew-repro/; fi\n",
  "run-service.sh": "set -e\njavac -d build/main src/*.java\nexec java -cp build/main Main\n",
  "src/Prices.java": `public class Prices {
    public static int unitPrice(int total, int quantity) {
        return total / quantity;
    }
}
`,
  "src/Main.java": `import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public class Main {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/unit/", exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            int status = 200;
            String body;
            try {
                body = "unit " + Prices.unitPrice(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
            } catch (RuntimeException e) {
                status = 500;
                body = "error " + e;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        System.out.println("listening on 127.0.0.1:" + server.getAddress().getPort());
    }
}
`,
  "test/PricesTest.java": `public class PricesTest {
    public static void main(String[] args) {
        if (Prices.unitPrice(10, 5) != 2) throw new AssertionError("unitPrice(10, 5) should be 2");
        System.out.println("PricesTest: 1 passed");
    }
}
`,
};

describe("reproduction tests in the project's framework", () => {
  it("pytest: the replay fails on the base and the suite passes with the patch", async () => {
    const repoDir = repoWith(pythonService);
    const project = readServiceProject(repoDir);
    expect(project).toMatchObject({ framework: "pytest", testDir: "tests" });
    const reproduction = generateReproduction(project, {
      request: { method: "GET", path: "/unit/10/0", status: 500 },
      name: "unit price of nothing",
    });
    expect(reproduction.command).toEqual([
      "python3",
      "-m",
      "pytest",
      "-q",
      "tests/test_pitcrew_repro_unit_price_of_nothing.py",
    ]);
    const patch = patchOf(pythonService, "prices.py", "total / quantity", "total / quantity if quantity else 0");
    const proof = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch });
    expect(proof.onBase?.output).toContain("GET /unit/10/0 answered 500");
    expect(proof.onBase?.output).toContain("1 failed");
    expect(proof.withPatch.output).toContain("2 passed");
    expect(proof.proven).toBe(true);
  });

  it("vitest: the replay fails on the base and the suite passes with the patch", async () => {
    const repoDir = repoWith(nodeService, join(import.meta.dirname, "../../node_modules"));
    const project = readServiceProject(repoDir);
    expect(project).toMatchObject({ framework: "vitest", test: ["node_modules/.bin/vitest", "run"] });
    const reproduction = generateReproduction(project, { request: { method: "GET", path: "/carts/c-9", status: 500 } });
    expect(reproduction.path).toBe("test/pitcrew-repro-get-carts-c-9.test.mjs");
    const patch = patchOf(nodeService, "src/carts.mjs", "  return {", "  if (!cart) return undefined;\n  return {");
    const proof = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch });
    expect(proof.onBase?.output).toContain("GET /carts/c-9 answered 500");
    expect(proof.withPatch.output).toContain("test/pitcrew-repro-get-carts-c-9.test.mjs");
    expect(proof.withPatch.output).toContain("2 passed");
    expect(proof.proven).toBe(true);
  });

  it("declared commands: a Java service is reproduced by a node:test replay and validated by its own test script", async () => {
    const repoDir = repoWith(javaService);
    const project = readServiceProject(repoDir);
    expect(project).toEqual({
      language: "other",
      framework: "node:test",
      start: ["sh", "run-service.sh"],
      test: ["sh", "run-tests.sh"],
      testDir: "pitcrew-repro",
    });
    const reproduction = generateReproduction(project, { request: { method: "GET", path: "/unit/10/0", status: 500 } });
    expect(reproduction.command).toEqual(["node", "--test", "pitcrew-repro/pitcrew-repro-get-unit-10-0.test.mjs"]);
    const patch = patchOf(
      javaService,
      "src/Prices.java",
      "return total / quantity;",
      "return quantity == 0 ? 0 : total / quantity;",
    );
    const proof = await provePatch({ repoDir, serviceDir: "", project, reproduction, patch });
    expect(proof.onBase?.output).toContain("GET /unit/10/0 answered 500");
    expect(proof.onBase?.output).toContain("ArithmeticException: / by zero");
    expect(proof.withPatch.output).toContain("PricesTest: 1 passed");
    expect(proof.withPatch.output).toContain("# pass 1");
    expect(proof.proven).toBe(true);
  });
});
