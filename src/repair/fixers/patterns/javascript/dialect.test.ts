import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { patchedTexts, proposePatterns, syntaxErrorIn } from "../../../../../test/fixtures/repair/pattern-case.js";
import { oldestNodeMajor } from "../node-engines.js";

const cartView = readFileSync(new URL("../../../../../examples/shop/cart/src/cart-view.mjs", import.meta.url), "utf8");

describe("JavaScript pattern fixes", () => {
  it("skips a cart line whose product is gone (null guard in a .map callback)", async () => {
    const trace = `TypeError: Cannot read properties of undefined (reading 'name')
    at file:///srv/cart/src/cart-view.mjs:15:21
    at Array.map (<anonymous>)
    at Module.describeCart (file:///srv/cart/src/cart-view.mjs:11:28)
    at view (file:///srv/cart/src/app.mjs:18:47)
`;
    const patches = await proposePatterns({ "src/cart-view.mjs": cartView }, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard"]);
    const [after] = patchedTexts(patches);
    expect(after).toBe(
      cartView
        .replace(
          "    const product = productsById.get(item.productId);\n",
          "    const product = productsById.get(item.productId);\n    if (product == null) return null;\n",
        )
        .replace("    };\n  });\n", "    };\n  }).filter((item) => item !== null);\n"),
    );
    expect(await syntaxErrorIn("src/cart-view.mjs", after!)).toBeUndefined();
    expect(patches[0]!.explanation).toContain("Cannot read properties of undefined (reading 'name')");
    expect(patches[0]!.diff).toContain("+    if (product == null) return null;\n");
  });

  it("guards a nested read with an early return or optional chaining", async () => {
    const source = "export function displayName(user) {\n  return user.profile.name;\n}\n";
    const trace = `TypeError: Cannot read properties of undefined (reading 'name')
    at displayName (/srv/app/src/profile.js:2:23)
    at main (/srv/app/src/main.js:4:3)
`;
    const patches = await proposePatterns({ "src/profile.js": source }, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard", "pattern/optional-chaining"]);
    const texts = patchedTexts(patches);
    expect(texts).toEqual([
      "export function displayName(user) {\n  if (user.profile == null) return null;\n  return user.profile.name;\n}\n",
      "export function displayName(user) {\n  return user.profile?.name;\n}\n",
    ]);
    for (const t of texts) expect(await syntaxErrorIn("src/profile.js", t)).toBeUndefined();
  });

  it("answers the handler's own 404 path when a looked-up value is missing", async () => {
    const source = `export function routes(store) {
  return async function show(req, res) {
    if (!req.params.id) {
      res.statusCode = 400;
      return res.end(JSON.stringify({ error: "id is required" }));
    }
    const order = store.findOrder(req.params.id);
    res.end(JSON.stringify({ total: order.total }));
  };
}
`;
    const trace = `TypeError: Cannot read properties of null (reading 'total')
    at show (/srv/app/src/orders.js:8:45)
`;
    const patches = await proposePatterns({ "src/orders.js": source }, trace);
    const [first] = patchedTexts(patches);
    expect(first).toBe(
      source.replace(
        "    res.end(JSON.stringify({ total: order.total }));\n",
        `    if (order == null) {\n      res.statusCode = 404;\n      return res.end(JSON.stringify({ error: "order not found" }));\n    }\n    res.end(JSON.stringify({ total: order.total }));\n`,
      ),
    );
    expect(await syntaxErrorIn("src/orders.js", first!)).toBeUndefined();
  });

  it("proposes nothing when the failing line holds no access of the named property", async () => {
    const trace = `TypeError: Cannot read properties of undefined (reading 'price')
    at file:///srv/cart/src/cart-view.mjs:15:21
`;
    expect(await proposePatterns({ "src/cart-view.mjs": cartView }, trace)).toEqual([]);
  });

  it("answers 400 when a request body is not JSON (SyntaxError from JSON.parse)", async () => {
    const source = `export function create(req, res, body) {
  const order = JSON.parse(body);
  res.end(String(order.id));
}
`;
    const trace = `SyntaxError: Unexpected token 'x', "xyz" is not valid JSON
    at JSON.parse (<anonymous>)
    at create (/srv/app/src/create.js:2:22)
`;
    const [after] = patchedTexts(await proposePatterns({ "src/create.js": source }, trace));
    expect(after).toBe(`export function create(req, res, body) {
  let order;
  try {
    order = JSON.parse(body);
  } catch {
    res.statusCode = 400;
    return res.end(JSON.stringify({ error: "request body is not valid JSON" }));
  }
  res.end(String(order.id));
}
`);
    expect(await syntaxErrorIn("src/create.js", after!)).toBeUndefined();
  });

  it("awaits an async call whose Promise was read as a value", async () => {
    const source = `async function loadUser(id) {
  return { id, name: "Ada" };
}

export async function greet(id) {
  const user = loadUser(id);
  return user.profile.name;
}
`;
    const trace = `TypeError: Cannot read properties of undefined (reading 'name')
    at greet (/srv/app/src/greet.js:7:23)
`;
    const patches = await proposePatterns({ "src/greet.js": source }, trace);
    expect(patches[0]!.fixer).toBe("pattern/missing-await");
    expect(patchedTexts(patches)[0]).toBe(
      source.replace("const user = loadUser(id);", "const user = await loadUser(id);"),
    );
  });

  it("guards the value of a computed read, which V8 names by its key (reading '0')", async () => {
    const source =
      "function trimPrefix(layerPath, path) {\n  var c = path[layerPath.length];\n  return c === '/';\n}\nmodule.exports = trimPrefix;\n";
    const trace = `TypeError: Cannot read properties of null (reading '0')
    at trimPrefix (/srv/app/lib/router.js:2:15)
    at handle (/srv/app/lib/app.js:9:3)
`;
    const patches = await proposePatterns({ "lib/router.js": source }, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard", "pattern/optional-chaining"]);
    expect(patchedTexts(patches)[1]).toBe(source.replace("path[layerPath.length]", "path?.[layerPath.length]"));
    expect(patches[0]!.diff).toContain("+  if (path == null) return");
  });

  it("guards an argument the failing line hands to a dependency that read it", async () => {
    const source =
      "const esutils = require('esutils');\nfunction isIdentifier(name) {\n  return esutils.keyword.isIdentifierES5(name);\n}\nmodule.exports = isIdentifier;\n";
    const trace = `TypeError: Cannot read properties of undefined (reading 'length')
    at isIdentifierNameES5 (/srv/app/node_modules/esutils/lib/keyword.js:100:16)
    at Object.isIdentifierES5 (/srv/app/node_modules/esutils/lib/keyword.js:146:16)
    at isIdentifier (/srv/app/lib/names.js:3:26)
`;
    const patches = await proposePatterns({ "lib/names.js": source }, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard"]);
    expect(patches[0]!.diff).toContain("+  if (name == null) return");
    expect(await syntaxErrorIn("lib/names.js", patchedTexts(patches)[0]!)).toBeUndefined();
  });

  it("writes no optional chaining for a project whose engines include Node.js older than 14", async () => {
    const source = "export function displayName(user) {\n  return user.profile.name;\n}\n";
    const trace = `TypeError: Cannot read properties of undefined (reading 'name')
    at displayName (/srv/app/src/profile.js:2:23)
`;
    const files = { "src/profile.js": source, "package.json": JSON.stringify({ engines: { node: ">=4" } }) };
    const patches = await proposePatterns(files, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard"]);
    expect(oldestNodeMajor(">=4")).toBe(4);
    expect(oldestNodeMajor("^12.20.0 || >=14.13")).toBe(12);
    expect(oldestNodeMajor(">= 18")).toBe(18);
    expect(oldestNodeMajor("*")).toBeUndefined();
  });
});
