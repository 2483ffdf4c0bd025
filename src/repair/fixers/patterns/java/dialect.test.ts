import { describe, expect, it } from "vitest";
import { patchedTexts, proposePatterns, syntaxErrorIn } from "../../../../../test/fixtures/repair/pattern-case.js";

describe("Java pattern fixes", () => {
  it("guards a null returned by a repository lookup (helpful NullPointerException)", async () => {
    const source = `package org.acme;

public class Orders {
    private final Repo repo;

    public Orders(Repo repo) {
        this.repo = repo;
    }

    public String customerName(long id) {
        Order order = repo.find(id);
        return order.getCustomer();
    }
}
`;
    const trace = `Exception in thread "main" java.lang.NullPointerException: Cannot invoke "org.acme.Order.getCustomer()" because "order" is null
\tat org.acme.Orders.customerName(Orders.java:12)
\tat org.acme.Main.main(Main.java:5)
`;
    const path = "src/main/java/org/acme/Orders.java";
    const [after, ...rest] = patchedTexts(await proposePatterns({ [path]: source }, trace));
    expect(rest).toEqual([]);
    expect(after).toBe(
      source.replace(
        "        return order.getCustomer();\n",
        "        if (order == null) {\n            return null;\n        }\n        return order.getCustomer();\n",
      ),
    );
    expect(await syntaxErrorIn(path, after!)).toBeUndefined();
  });
});
