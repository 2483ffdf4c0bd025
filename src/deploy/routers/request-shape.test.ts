import { describe, expect, it } from "vitest";
import { MAX_KEY, MAX_KEYS, requestShape, shapeMatches } from "./request-shape.js";

describe("requestShape", () => {
  it("keeps route words and replaces parameters by their kind", () => {
    expect(requestShape("GET", "/v2/orders/42/items/3f2a9c1e-0b7d-4c1a-9e2f-1a2b3c4d5e6f").route).toBe(
      "GET /v2/orders/{int}/items/{uuid}",
    );
    expect(requestShape("GET", "/users/u-17/avatar.png").route).toBe("GET /users/{id}/{str}");
    expect(requestShape("GET", "/commits/deadbeef42").route).toBe("GET /commits/{hex}");
    expect(requestShape("DELETE", "/").key).toBe("DELETE /");
  });

  it("keeps the query's keys with the kind of their values, never the values", () => {
    const a = requestShape("GET", "/items/1?expand=tags&page=2&debug");
    const b = requestShape("GET", "/items/7?page=9&expand=owner&debug");
    expect(a.key).toBe("GET /items/{int} ?debug=flag,expand=str,page=int");
    expect(b.key).toBe(a.key);
    expect(requestShape("GET", "/items/1?page=two").key).toBe("GET /items/{int} ?page=str");
  });

  it("keeps a JSON body's top-level keys with their types, a form's keys, or says text", () => {
    const json = (body: string) => requestShape("POST", "/orders", "application/json", body).key;
    expect(json('{"sku":"a-1","qty":2}')).toBe("POST /orders {qty:number,sku:string}");
    expect(json('{"sku":"a-1","qty":"2"}')).toBe("POST /orders {qty:string,sku:string}");
    expect(json('[{"sku":"a"}]')).toBe("POST /orders [object]");
    expect(json("not json")).toBe("POST /orders text");
    expect(requestShape("POST", "/login", "application/x-www-form-urlencoded", "user=ann&pin=1234").key).toBe(
      "POST /login form{pin=int,user=str}",
    );
    expect(requestShape("POST", "/orders", "application/json").key).toBe("POST /orders");
  });

  it("bounds what a hostile request can put in a shape", () => {
    const keys = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}${"x".repeat(1000)}`, i]));
    const shape = requestShape(
      "POST",
      `/${"a/".repeat(200)}?${"q".repeat(5000)}=1`,
      "application/json",
      JSON.stringify(keys),
    );
    expect(shape.key.length).toBeLessThan(2 * MAX_KEYS * (MAX_KEY + 10) + 1000);
    expect(shape.key).toContain(",…}");
    expect(requestShape("G E;T", "/x").route).toBe("OTHER /x");
    expect(requestShape("GET", "/a b/$(rm -rf)").route).toBe("GET /{str}/{str}");
  });

  it("reads only the first keys sent, so a request of thousands of keys costs no more than a few dozen", () => {
    const many = Array.from({ length: 2_000 }, (_, i) => `z${i}=1`).join("&");
    const query = requestShape("GET", `/s?${many}&a=1`).key;
    expect(query).toMatch(/ \?z0=int,.*,…$/);
    expect(query).not.toContain("a=int"); // sent after thousands of others: not read
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`z${i}`, 1])));
    expect(requestShape("POST", "/s", "application/json", body).key).toMatch(/ \{z0:number,.*,…\}$/);
    // empty pairs are no keys: nothing unread, no `…`
    expect(requestShape("GET", `/s?b=1&a=x${"&".repeat(5_000)}`).key).toBe("GET /s ?a=str,b=int");
  });

  it("matches a request against a shape with {word} places", () => {
    const key = requestShape("GET", "/items/abc?page=2").key;
    expect(shapeMatches("GET /items/{word} ?page=int", key)).toBe(true);
    expect(shapeMatches("GET /items/{word}", key)).toBe(false);
    expect(shapeMatches("POST /items/{word} ?page=int", key)).toBe(false);
    expect(shapeMatches("GET /items/{word} ?page=int", requestShape("GET", "/items/7?page=2").key)).toBe(false);
    expect(shapeMatches(key, key)).toBe(true);
  });
});
