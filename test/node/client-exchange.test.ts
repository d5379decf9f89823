import { describe, expect, it } from "vitest";
import { redactHeader, redactPath } from "../../src/client/exchange";

describe("an HTTP exchange as the teaching panel shows it", () => {
  it("redacts the session and a host key in the URL, keeping the rest as it went", () => {
    expect(redactPath("http://h:8787/poll/%D8%A7/Sara?session=abc123&cursor=log.4&wait=25")).toBe(
      "/poll/%D8%A7/Sara?session=…&cursor=log.4&wait=25",
    );
    expect(redactPath("/ws/r/~projector?host=secretkey")).toBe("/ws/r/~projector?host=…");
  });

  it("redacts the host key in Authorization, and no other header", () => {
    expect(redactHeader(["Authorization", "Bearer s3cr3t"])).toEqual(["Authorization", "Bearer …"]);
    expect(redactHeader(["content-type", "application/json"])).toEqual(["content-type", "application/json"]);
  });
});
