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

  it("checks an empty list before get(0) and catches a NumberFormatException", async () => {
    const tags = `package org.acme;

import java.util.List;

public class Tags {
    public String first(List<String> tags) {
        return tags.get(0);
    }
}
`;
    const [checked] = patchedTexts(
      await proposePatterns(
        { "src/main/java/org/acme/Tags.java": tags },
        `Exception in thread "main" java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0
\tat java.base/jdk.internal.util.Preconditions.outOfBounds(Preconditions.java:100)
\tat java.base/java.util.ArrayList.get(ArrayList.java:427)
\tat org.acme.Tags.first(Tags.java:7)
\tat org.acme.Main.main(Main.java:5)
`,
      ),
    );
    expect(checked).toBe(
      tags.replace(
        "        return tags.get(0);\n",
        "        if (tags.isEmpty()) {\n            return null;\n        }\n        return tags.get(0);\n",
      ),
    );
    const qty = `package org.acme;

public class Qty {
    public int parse(String text) {
        int n = Integer.parseInt(text);
        return n * 2;
    }
}
`;
    const [caught] = patchedTexts(
      await proposePatterns(
        { "src/main/java/org/acme/Qty.java": qty },
        `Exception in thread "main" java.lang.NumberFormatException: For input string: "x"
\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
\tat java.base/java.lang.Integer.parseInt(Integer.java:668)
\tat org.acme.Qty.parse(Qty.java:5)
`,
      ),
    );
    expect(caught).toBe(
      qty.replace(
        "        int n = Integer.parseInt(text);\n",
        "        int n;\n        try {\n            n = Integer.parseInt(text);\n        } catch (NumberFormatException e) {\n            return 0;\n        }\n",
      ),
    );
    for (const t of [checked!, caught!]) expect(await syntaxErrorIn("X.java", t)).toBeUndefined();
  });

  it("never patches the test that exposed the crash (Defects4J Lang-1's shape)", async () => {
    const numbers = `package org.acme;

public class Numbers {
    public static Integer createInteger(String str) {
        return Integer.decode(str);
    }
}
`;
    const test = `package org.acme;

public class NumbersTest {
    public void testHex() {
        assertEquals(Integer.valueOf(0x80000000), Numbers.createInteger("0x80000000"));
    }
}
`;
    const trace = `java.lang.NumberFormatException: For input string: "80000000" under radix 16
\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
\tat java.base/java.lang.Integer.parseInt(Integer.java:652)
\tat java.base/java.lang.Integer.valueOf(Integer.java:957)
\tat java.base/java.lang.Integer.decode(Integer.java:1436)
\tat org.acme.Numbers.createInteger(Numbers.java:5)
\tat org.acme.NumbersTest.testHex(NumbersTest.java:5)
`;
    const patches = await proposePatterns(
      { "src/main/java/org/acme/Numbers.java": numbers, "src/test/java/org/acme/NumbersTest.java": test },
      trace,
    );
    expect(patches.flatMap((p) => p.edits.map((e) => e.path))).toEqual([]);
  });

  it("guards an index computed from stable values (Defects4J Gson-12's shape: stackSize - 1 on an empty stack)", async () => {
    const reader = `package org.acme;

public class Reader {
    private final String[] names = new String[32];
    private int size = 0;

    public void skip() {
        pop();
        names[size - 1] = "null";
        size++;
    }

    private void pop() {
        if (size > 0) size--;
    }
}
`;
    const trace = `java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 32
\tat org.acme.Reader.skip(Reader.java:9)
\tat org.acme.Main.main(Main.java:5)
`;
    const [guarded] = patchedTexts(await proposePatterns({ "src/main/java/org/acme/Reader.java": reader }, trace));
    expect(guarded).toBe(
      reader.replace(
        '        names[size - 1] = "null";\n',
        '        if (size - 1 < 0 || size - 1 >= names.length) {\n            return;\n        }\n        names[size - 1] = "null";\n',
      ),
    );
    const called = reader
      .replace("names[size - 1]", "names[next() - 1]")
      .replace(
        "    private void pop() {",
        "    private int next() {\n        return size++;\n    }\n\n    private void pop() {",
      );
    expect(patchedTexts(await proposePatterns({ "src/main/java/org/acme/Reader.java": called }, trace))).toEqual([]);
  });

  it("guards an array element in place, without a Java 10 `var` (Defects4J Lang-33's shape)", async () => {
    const classes = `package org.acme;

public class Classes {
    public static Class<?>[] toClass(Object[] array) {
        Class<?>[] out = new Class[array.length];
        for (int i = 0; i < array.length; i++) {
            out[i] = array[i].getClass();
        }
        return out;
    }
}
`;
    const trace = `java.lang.NullPointerException: Cannot invoke "Object.getClass()" because "array[i]" is null
\tat org.acme.Classes.toClass(Classes.java:7)
\tat org.acme.Main.main(Main.java:5)
`;
    const [skipped] = patchedTexts(await proposePatterns({ "src/main/java/org/acme/Classes.java": classes }, trace));
    expect(skipped).toBe(
      classes.replace(
        "            out[i] = array[i].getClass();\n",
        "            if (array[i] == null) {\n                continue;\n            }\n            out[i] = array[i].getClass();\n",
      ),
    );
  });
});
