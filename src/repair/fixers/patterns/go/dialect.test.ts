import { describe, expect, it } from "vitest";
import { patchedTexts, proposePatterns, syntaxErrorIn } from "../../../../../test/fixtures/repair/pattern-case.js";

describe("Go pattern fixes", () => {
  it("checks the bounds of a literal index (index out of range panic)", async () => {
    const source = "package main\n\nfunc firstTag(tags []string) string {\n\treturn tags[0]\n}\n";
    const trace = `panic: runtime error: index out of range [0] with length 0

goroutine 1 [running]:
main.firstTag(...)
\t/src/cmd/api/items.go:4
main.main()
\t/src/cmd/api/main.go:9 +0x1d
exit status 2
`;
    const [after, ...rest] = patchedTexts(await proposePatterns({ "cmd/api/items.go": source }, trace));
    expect(rest).toEqual([]);
    expect(after).toBe(
      'package main\n\nfunc firstTag(tags []string) string {\n\tif len(tags) == 0 {\n\t\treturn ""\n\t}\n\treturn tags[0]\n}\n',
    );
    expect(await syntaxErrorIn("cmd/api/items.go", after!)).toBeUndefined();
  });

  it("keeps the parse error a divisor came from and answers 400 in an HTTP handler", async () => {
    const source = `package main

import (
	"net/http"
	"strconv"
)

func perItem(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	total := 100 / n
	w.Write([]byte(strconv.Itoa(total)))
}
`;
    const trace = `panic: runtime error: integer divide by zero

goroutine 7 [running]:
main.perItem({0x7f, 0xc0}, 0xc000180000)
\t/src/cmd/api/split.go:10 +0x25
net/http.HandlerFunc.ServeHTTP(0x0?, {0x7f, 0xc0}, 0x0?)
\t/usr/local/go/src/net/http/server.go:2136 +0x29
`;
    const texts = patchedTexts(await proposePatterns({ "cmd/api/split.go": source }, trace));
    expect(texts[0]).toBe(
      source.replace(
        '\tn, _ := strconv.Atoi(r.URL.Query().Get("n"))\n',
        '\tn, err := strconv.Atoi(r.URL.Query().Get("n"))\n\tif err != nil {\n\t\thttp.Error(w, "n must be a number", http.StatusBadRequest)\n\t\treturn\n\t}\n',
      ),
    );
    for (const t of texts) expect(await syntaxErrorIn("cmd/api/split.go", t)).toBeUndefined();
  });

  it("guards a nil pointer returned by a lookup (nil pointer dereference)", async () => {
    const source =
      "package main\n\ntype User struct{ Name string }\n\nfunc find(id int) *User { return nil }\n\nfunc nameOf(id int) string {\n\tu := find(id)\n\treturn u.Name\n}\n";
    const trace = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x45]

goroutine 1 [running]:
main.nameOf(...)
\t/src/cmd/api/user.go:9
main.main()
\t/src/cmd/api/main.go:4 +0x1d
`;
    const [after] = patchedTexts(await proposePatterns({ "cmd/api/user.go": source }, trace));
    expect(after).toBe(source.replace("\treturn u.Name\n", '\tif u == nil {\n\t\treturn ""\n\t}\n\treturn u.Name\n'));
    expect(await syntaxErrorIn("cmd/api/user.go", after!)).toBeUndefined();
  });
});
