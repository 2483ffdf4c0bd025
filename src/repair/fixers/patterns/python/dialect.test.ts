import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { patchedTexts, proposePatterns, syntaxErrorIn } from "../../../../../test/fixtures/repair/pattern-case.js";

const quotes = readFileSync(new URL("../../../../../examples/shop/pricing/pricing/quotes.py", import.meta.url), "utf8");

describe("Python pattern fixes", () => {
  it("guards the pricing division by a zero quantity (ZeroDivisionError)", async () => {
    const trace = `Traceback (most recent call last):
  File "/srv/pricing/pricing/app.py", line 12, in post_quote
    return quote(parse_lines(body.get("lines")), body.get("coupon"))
  File "/srv/pricing/pricing/quotes.py", line 63, in quote
    priced = [price_line(*line) for line in lines]
  File "/srv/pricing/pricing/quotes.py", line 63, in <listcomp>
    priced = [price_line(*line) for line in lines]
  File "/srv/pricing/pricing/quotes.py", line 31, in price_line
    "unitSavings": round(discount / quantity, 2),
ZeroDivisionError: float division by zero
`;
    const patches = await proposePatterns({ "pricing/quotes.py": quotes }, trace);
    const texts = patchedTexts(patches);
    expect(texts).toEqual([
      quotes.replace(
        '"unitSavings": round(discount / quantity, 2),',
        '"unitSavings": round((discount / quantity if quantity else 0), 2),',
      ),
      quotes.replace(
        "    discount = round(gross * volume_rate(quantity), 2)\n",
        "    discount = round(gross * volume_rate(quantity), 2)\n    if quantity == 0:\n        return None\n",
      ),
    ]);
    for (const t of texts) expect(await syntaxErrorIn("pricing/quotes.py", t)).toBeUndefined();
    expect(patches[0]!.explanation).toContain("ZeroDivisionError: float division by zero");
  });

  it("guards a None returned by a lookup (AttributeError on NoneType)", async () => {
    const source = `def find_user(users, user_id):
    for u in users:
        if u["id"] == user_id:
            return u
    return None


def email_of(users, user_id):
    user = find_user(users, user_id)
    return user.get("email")
`;
    const trace = `Traceback (most recent call last):
  File "/srv/app/users.py", line 10, in email_of
    return user.get("email")
AttributeError: 'NoneType' object has no attribute 'get'
`;
    const [after, ...rest] = patchedTexts(await proposePatterns({ "app/users.py": source }, trace));
    expect(rest).toEqual([]);
    expect(after).toBe(
      source.replace(
        '    return user.get("email")\n',
        '    if user is None:\n        return None\n    return user.get("email")\n',
      ),
    );
    expect(await syntaxErrorIn("app/users.py", after!)).toBeUndefined();
  });

  it("reads a missing dict key with a default or checks it first (KeyError)", async () => {
    const source = `STOCK = {"p-1": 3}


def add_stock(counts, product_id, n):
    counts[product_id] += n
    return counts


def units_of(product_id):
    return STOCK[product_id] * 2
`;
    const read = `Traceback (most recent call last):
  File "/srv/app/stock.py", line 10, in units_of
    return STOCK[product_id] * 2
KeyError: 'p-7'
`;
    const texts = patchedTexts(await proposePatterns({ "app/stock.py": source }, read));
    expect(texts).toEqual([
      source.replace("return STOCK[product_id] * 2", "return STOCK.get(product_id, 0) * 2"),
      source.replace(
        "    return STOCK[product_id] * 2\n",
        "    if product_id not in STOCK:\n        return 0\n    return STOCK[product_id] * 2\n",
      ),
    ]);
    const update = `Traceback (most recent call last):
  File "/srv/app/stock.py", line 5, in add_stock
    counts[product_id] += n
KeyError: 'p-7'
`;
    const [started] = patchedTexts(await proposePatterns({ "app/stock.py": source }, update));
    expect(started).toBe(
      source.replace("counts[product_id] += n", "counts[product_id] = counts.get(product_id, 0) + n"),
    );
    for (const t of [...texts, started!]) expect(await syntaxErrorIn("app/stock.py", t)).toBeUndefined();
  });

  it("catches an int() of bad input and checks an empty list before indexing", async () => {
    const parse = 'def handle(params):\n    qty = int(params["qty"])\n    return {"qty": qty}\n';
    const [parsed] = patchedTexts(
      await proposePatterns(
        { "app/qty.py": parse },
        `Traceback (most recent call last):
  File "/srv/app/qty.py", line 2, in handle
    qty = int(params["qty"])
ValueError: invalid literal for int() with base 10: 'x'
`,
      ),
    );
    expect(parsed).toBe(
      'def handle(params):\n    try:\n        qty = int(params["qty"])\n    except ValueError:\n        return None\n    return {"qty": qty}\n',
    );
    const index = "def first_name(names):\n    return names[0].title()\n";
    const [guarded] = patchedTexts(
      await proposePatterns(
        { "app/first.py": index },
        `Traceback (most recent call last):
  File "/srv/app/first.py", line 2, in first_name
    return names[0].title()
IndexError: list index out of range
`,
      ),
    );
    expect(guarded).toBe(
      "def first_name(names):\n    if not names:\n        return None\n    return names[0].title()\n",
    );
    for (const t of [parsed!, guarded!]) expect(await syntaxErrorIn("app/x.py", t)).toBeUndefined();
  });

  it("guards a None handed to a builtin (object of type 'NoneType' has no len())", async () => {
    const source =
      "class Bar:\n    def __init__(self, iterable=None):\n        self.iterable = iterable\n\n    def __len__(self):\n        return len(self.iterable)\n";
    const trace = `Traceback (most recent call last):
  File "/srv/app/bar.py", line 6, in __len__
    return len(self.iterable)
TypeError: object of type 'NoneType' has no len()
`;
    const patches = await proposePatterns({ "bar.py": source }, trace);
    expect(patches.map((p) => p.fixer)).toEqual(["pattern/null-guard"]);
    expect(patches[0]!.diff).toContain("+        if self.iterable is None:\n");
    expect(await syntaxErrorIn("bar.py", patchedTexts(patches)[0]!)).toBeUndefined();
  });
});
