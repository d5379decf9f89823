/**
 * @module
 * The `[vars]` of wrangler.toml, read into numbers once. `wrangler dev --var NAME:VALUE` passes
 * strings, so every value is parsed; a missing or malformed value falls back to its default.
 */
/** The `[vars]` as the runtime hands them over (strings from `--var`, maybe numbers). */
export interface Vars {
  RATE_LIMIT_PER_SECOND?: string | number;
  RATE_LIMIT_BURST?: string | number;
  HISTORY_ON_JOIN?: string | number;
  HISTORY_LIMIT?: string | number;
  MAX_USERS_PER_ROOM?: string | number;
  JOIN_BURST?: string | number;
  JOIN_PER_SECOND?: string | number;
  MAX_UNACKED_BYTES?: string | number;
  REMOVE_MINUTES?: string | number;
  ROOM_IDLE_DAYS?: string | number;
  POLL_TIMEOUT_SECONDS?: string | number;
  WEBSOCKET_COMPRESSION?: string;
  ALLOWED_ORIGINS?: string;
  /** The origin of every join link and QR code when set (a tunnel, a deploy); also an allowed Origin. */
  PUBLIC_URL?: string;
  /** Set only by `npm run serve`: the origins it is reachable at on the LAN, comma-separated. */
  LAN_ADDRESSES?: string;
  /** A secret (`wrangler secret put`), never a `[vars]` entry: see src/worker/passphrase.ts. */
  TEACHER_PASSPHRASE?: string;
}

export interface RoomConfig {
  ratePerSecond: number;
  rateBurst: number;
  historyOnJoin: number;
  historyLimit: number;
  maxUsers: number;
  /** New (session, name) pairs a room admits at once, before `joinPerSecond` applies. */
  joinBurst: number;
  /** New (session, name) pairs a room admits per second once its burst is spent. */
  joinPerSecond: number;
  /** Bytes the room sends a socket past its last ack before it closes it as `too_slow`. */
  maxUnackedBytes: number;
  /** How long a removed name (and the removed socket's session) stays out. */
  removeMinutes: number;
  /** A room nobody used for this long deletes its storage. */
  roomIdleDays: number;
  /** A poller that has not polled for this long (from its last answer) leaves. */
  pollTimeoutSeconds: number;
  /**
   * Whether a room's sockets may use `permessage-deflate` when the browser offers it. Off by
   * default: it costs each socket its own zlib state and CPU per send (docs/performance.md).
   */
  compression: boolean;
}

export const DEFAULTS: RoomConfig = {
  ratePerSecond: 5,
  rateBurst: 10,
  historyOnJoin: 50,
  historyLimit: 1000,
  maxUsers: 500,
  joinBurst: 320,
  joinPerSecond: 10,
  maxUnackedBytes: 1024 * 1024,
  removeMinutes: 10,
  roomIdleDays: 7,
  pollTimeoutSeconds: 30,
  compression: false,
};

function num(value: string | number | undefined, fallback: number, min: number): number {
  const n = typeof value === "number" ? value : Number(value);
  return value === undefined || value === "" || !Number.isFinite(n) ? fallback : Math.max(min, n);
}

export function readConfig(env: Vars): RoomConfig {
  return {
    ratePerSecond: num(env.RATE_LIMIT_PER_SECOND, DEFAULTS.ratePerSecond, 0.001),
    rateBurst: num(env.RATE_LIMIT_BURST, DEFAULTS.rateBurst, 1),
    historyOnJoin: Math.floor(num(env.HISTORY_ON_JOIN, DEFAULTS.historyOnJoin, 0)),
    // At least one message is kept, so the newest row always carries the room's last seq.
    historyLimit: Math.floor(num(env.HISTORY_LIMIT, DEFAULTS.historyLimit, 1)),
    maxUsers: Math.floor(num(env.MAX_USERS_PER_ROOM, DEFAULTS.maxUsers, 1)),
    joinBurst: Math.floor(num(env.JOIN_BURST, DEFAULTS.joinBurst, 1)),
    joinPerSecond: num(env.JOIN_PER_SECOND, DEFAULTS.joinPerSecond, 0.001),
    // Tests reach the bound with small values; real rooms should stay well above the 64 KiB a
    // client may receive between two acks.
    maxUnackedBytes: Math.floor(num(env.MAX_UNACKED_BYTES, DEFAULTS.maxUnackedBytes, 16 * 1024)),
    removeMinutes: num(env.REMOVE_MINUTES, DEFAULTS.removeMinutes, 0),
    roomIdleDays: num(env.ROOM_IDLE_DAYS, DEFAULTS.roomIdleDays, 0),
    // At least 6 s: a long poll is held up to the timeout − 5 s.
    pollTimeoutSeconds: num(env.POLL_TIMEOUT_SECONDS, DEFAULTS.pollTimeoutSeconds, 6),
    compression: env.WEBSOCKET_COMPRESSION === "on",
  };
}

/**
 * Origins allowed besides the request's own: the comma-separated `ALLOWED_ORIGINS`, and
 * `PUBLIC_URL`'s origin (a tunnel's page speaks to this server under that name).
 */
export function allowedOrigins(env: Vars): string[] {
  const listed = (env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter((o) => o.length > 0);
  const pub = httpOrigin(env.PUBLIC_URL ?? "");
  return pub === null ? listed : [...listed, pub];
}

/**
 * The origin `value` names, when it is an http(s) URL that is nothing but an origin
 * (`https://class.example.org`, a trailing `/` allowed): no path, query, fragment or
 * credentials, which a join link built on it would carry along or lose.
 */
export function httpOrigin(value: string): string | null {
  const v = value.trim();
  if (!/^https?:\/\/[^/?#@]+\/?$/i.test(v)) return null;
  try {
    return new URL(v).origin;
  } catch {
    return null;
  }
}

/**
 * `PUBLIC_URL` as an origin, or null when it is empty (join links then use the page's own).
 * Anything else is a mistake that would send a whole class to a wrong address: "invalid".
 */
export function publicUrl(env: Vars): string | null | "invalid" {
  const v = (env.PUBLIC_URL ?? "").trim();
  if (v === "") return null;
  return httpOrigin(v) ?? "invalid";
}

/** `LAN_ADDRESSES` (set by `npm run serve` only) as origins; what is not one is left out. */
export function lanAddresses(env: Vars): string[] {
  const origins = (env.LAN_ADDRESSES ?? "").split(",").map(httpOrigin);
  return [...new Set(origins.filter((o): o is string => o !== null))];
}
