import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULTS, allowedOrigins, httpOrigin, lanAddresses, publicUrl, readConfig } from "../../src/config";
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
      PUBLIC_URL: "",
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

  it("reads PUBLIC_URL as an http(s) origin; anything more or less is invalid, empty is none", () => {
    expect(publicUrl({})).toBeNull();
    expect(publicUrl({ PUBLIC_URL: " " })).toBeNull();
    expect(publicUrl({ PUBLIC_URL: "https://Class.Example.org/" })).toBe("https://class.example.org");
    expect(publicUrl({ PUBLIC_URL: "http://192.168.1.20:8787" })).toBe("http://192.168.1.20:8787");
    expect(publicUrl({ PUBLIC_URL: "https://abc.trycloudflare.com:443" })).toBe("https://abc.trycloudflare.com");
    for (const bad of [
      "class.example.org",
      "ws://class.example.org",
      "javascript:alert(1)",
      "https://class.example.org/room",
      "https://class.example.org/?room=x",
      "https://class.example.org#x",
      "https://user:pw@class.example.org",
      "https://class.example.org:99999",
      "https://",
    ]) {
      expect(publicUrl({ PUBLIC_URL: bad }), bad).toBe("invalid");
      expect(httpOrigin(bad), bad).toBeNull();
    }
  });

  it("allows PUBLIC_URL's origin besides ALLOWED_ORIGINS, and reads LAN_ADDRESSES as origins", () => {
    expect(allowedOrigins({ ALLOWED_ORIGINS: "https://a.example", PUBLIC_URL: "https://t.example/" })).toEqual([
      "https://a.example",
      "https://t.example",
    ]);
    expect(allowedOrigins({ PUBLIC_URL: "not a url" })).toEqual([]);
    expect(lanAddresses({ LAN_ADDRESSES: "http://10.0.0.5:8787,,http://10.0.0.5:8787/,file:///x" })).toEqual([
      "http://10.0.0.5:8787",
    ]);
  });
});
