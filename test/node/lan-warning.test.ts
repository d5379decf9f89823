/**
 * @module
 * `npm run serve`'s warning when it listens beyond this machine (scripts/lan-warning.ts).
 */
import { describe, expect, it } from "vitest";
import { lanWarning } from "../../scripts/lan-warning";

describe("npm run serve on a network", () => {
  it("warns that the key and sessions cross it in clear when bound beyond this machine", () => {
    for (const ip of ["0.0.0.0", "192.168.1.20", "10.0.0.5", "::", "127.0.0.1.example"]) {
      expect(lanWarning(ip), ip).toMatch(/plain http.*host key.*sessions.*in clear/);
    }
  });

  it("says nothing on this machine only", () => {
    for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(lanWarning(ip), ip).toBeNull();
  });
});
