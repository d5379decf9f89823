/**
 * @module
 * Which join links phones cannot open (src/client/join-link.ts): the projector warns about those.
 */
import { describe, expect, it } from "vitest";
import { joinLink, onlyHere } from "../../src/client/join-link";

const host = (link: string) => new URL(link).hostname;

describe("a join link's reach", () => {
  it("is this machine only on loopback and 0.0.0.0", () => {
    for (const origin of [
      "http://localhost:8787",
      "http://app.localhost:8787",
      "http://127.0.0.1:8787",
      "http://127.1.2.3",
      "http://[::1]:8787",
      "http://0.0.0.0:8787",
      "http://[::]:8787",
    ]) {
      expect(onlyHere(host(joinLink(origin, "کلاس"))), origin).toBe(true);
    }
  });

  it("reaches further on a LAN address or a public name", () => {
    for (const origin of [
      "http://192.168.1.20:8787",
      "http://10.0.0.5",
      "http://[2001:db8::20]:8787",
      "https://class.example.org",
      "https://127.0.0.1.nip.io",
      "https://localhost.example",
    ]) {
      expect(onlyHere(host(joinLink(origin, "demo"))), origin).toBe(false);
    }
  });
});
