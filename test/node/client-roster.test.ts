/** The online list's order and search (src/client/roster.ts). */
import { describe, expect, it } from "vitest";
import { matches, rosterOrder, searchKey } from "../../src/client/roster";
import type { User } from "../../src/protocol";

const user = (name: string, role: User["role"] = "member", joinedAt = 0): User => ({ name, role, joinedAt });
const sorted = (lang: string, users: User[]) => [...users].sort(rosterOrder(lang)).map((u) => u.name);

describe("the online list's order", () => {
  it("puts the host first, then sorts by name, not by when they joined", () => {
    const users = [
      user("Zahra", "member", 1),
      user("omid", "member", 2),
      user("Teacher", "host", 3),
      user("Ali", "member", 4),
    ];
    expect(sorted("en", users)).toEqual(["Teacher", "Ali", "omid", "Zahra"]);
  });

  it("sorts digits by value", () => {
    expect(sorted("en", [user("Sara 10"), user("Sara 2"), user("Sara 1")])).toEqual(["Sara 1", "Sara 2", "Sara 10"]);
  });

  it("sorts Persian names in Persian order (گ after ک, پ after ب, ژ after ز), not by code point", () => {
    const names = ["گلناز", "کاوه", "پریا", "بهار", "ژاله", "زهرا"];
    expect(
      sorted(
        "fa",
        names.map((n) => user(n)),
      ),
    ).toEqual(["بهار", "پریا", "زهرا", "ژاله", "کاوه", "گلناز"]);
    // By code point پ (U+067E) and ژ, گ come after every Arabic letter: a plain sort gets them wrong.
    expect([...names].sort()).not.toEqual(["بهار", "پریا", "زهرا", "ژاله", "کاوه", "گلناز"]);
  });
});

describe("the online list's search", () => {
  it("matches part of a name, whatever its case or width", () => {
    expect(matches(searchKey("Sara Ahmadi"), "ahm")).toBe(true);
    expect(matches(searchKey("Sara Ahmadi"), " SARA ")).toBe(true);
    expect(matches(searchKey("ＳＡＲＡ"), "sara")).toBe(true);
    expect(matches(searchKey("Sara"), "Omid")).toBe(false);
    expect(matches(searchKey("Sara"), "")).toBe(true);
  });

  it("matches Persian typed with Arabic yeh and kaf, either digits, or the zero-width non-joiner left out", () => {
    expect(matches(searchKey("مریم"), "مريم")).toBe(true);
    expect(matches(searchKey("کاوه"), "كاوه")).toBe(true);
    expect(matches(searchKey("می‌نا"), "مینا")).toBe(true);
    expect(matches(searchKey("مریم 3"), "۳")).toBe(true);
    expect(matches(searchKey("مریم ۱۲"), "12")).toBe(true);
    expect(matches(searchKey("مریم 3"), "۴")).toBe(false);
  });
});
