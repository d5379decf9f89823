import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULTS, readConfig, allowedOrigins } from "../../src/config";
import { ROOT } from "../support/wrangler-dev";

describe("configuration", () => {
  it("wrangler.toml's [vars] hold the contract's defaults", () => {
    const toml = readFileSync(`${ROOT}/wrangler.toml`, "utf8");
    const vars = Object.fromEntries(
      [...toml.split("[vars]")[1]!.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]),
    );
    expect(vars).toEqual({
      RATE_LIMIT_PER_SECOND: "5",
      RATE_LIMIT_BURST: "10",
      HISTORY_ON_JOIN: "50",
      HISTORY_LIMIT: "1000",
      MAX_USERS_PER_ROOM: "500",
      JOIN_BURST: "320",
      JOIN_PER_SECOND: "10",
      MAX_UNACKED_BYTES: "1048576",
      REMOVE_MINUTES: "10",
      ROOM_IDLE_DAYS: "7",
      POLL_TIMEOUT_SECONDS: "30",
      WEBSOCKET_COMPRESSION: "off",
      ALLOWED_ORIGINS: "",
    });
    expect(readConfig(vars)).toEqual(DEFAULTS);
  });

  it("reads --var strings, and falls back to the default for a missing or malformed value", () => {
    expect(readConfig({ RATE_LIMIT_PER_SECOND: "100", HISTORY_LIMIT: "abc", MAX_USERS_PER_ROOM: "" })).toEqual({
      ...DEFAULTS,
      ratePerSecond: 100,
    });
  });

  it("splits ALLOWED_ORIGINS on commas and ignores trailing slashes and blanks", () => {
    expect(allowedOrigins({ ALLOWED_ORIGINS: " https://a.example/, ,https://b.example" })).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });
});
