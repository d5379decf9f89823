/** One rule for "this machine only", for the projector's warning and serve's LAN addresses. */
import { describe, expect, it } from "vitest";
import { isLoopback, onlyHere } from "../../src/loopback";

describe("loopback", () => {
  it("is localhost, 127.0.0.0/8 and ::1, bracketed or not", () => {
    for (const h of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]"])
      expect(isLoopback(h), h).toBe(true);
  });

  it("is no LAN, public or unspecified address", () => {
    for (const h of [
      "192.168.1.20",
      "10.0.0.5",
      "128.0.0.1",
      "1127.0.0.1",
      "localhost.example",
      "0.0.0.0",
      "[::]",
      "fe80::1",
    ])
      expect(isLoopback(h), h).toBe(false);
  });

  it("counts the unspecified address as this machine only for a link (no phone can open it)", () => {
    for (const h of ["0.0.0.0", "[::]", "::", "localhost", "127.0.0.1", "[::1]"]) expect(onlyHere(h), h).toBe(true);
    for (const h of ["192.168.1.20", "roomcast.example.workers.dev"]) expect(onlyHere(h), h).toBe(false);
  });
});
