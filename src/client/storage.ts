/**
 * @module
 * What the page remembers: name and room (localStorage, across visits), this browser's `session`
 * id per room and the name it is in there under (localStorage, shared by every tab: a tab that
 * reopens the room takes its name back), the room this tab is in (sessionStorage: a reload goes
 * straight back in), and the language the reader picked. Storage can be unavailable (private
 * mode): then nothing is kept.
 */
import { LIMITS, randomId } from "../protocol";

function get(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(`roomcast.${key}`);
  } catch {
    return null;
  }
}

function set(store: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) store().removeItem(`roomcast.${key}`);
    else store().setItem(`roomcast.${key}`, value);
  } catch {
    // Not kept; the page still works.
  }
}

const local = () => localStorage;
const tab = () => sessionStorage;

/** A kept JSON value, or null (none, or not JSON). */
function getJson(store: () => Storage, key: string): unknown {
  try {
    return JSON.parse(get(store, key) ?? "null");
  } catch {
    return null;
  }
}

/** A kept JSON object (by room), or an empty one; its values are for the caller to check. */
function getMap(key: string): Record<string, unknown> {
  const all = getJson(local, key);
  return typeof all === "object" && all !== null && !Array.isArray(all) ? (all as Record<string, unknown>) : {};
}

export const remembered = {
  name: () => get(local, "name"),
  room: () => get(local, "room"),
  lang: () => get(local, "lang"),
  save(name: string, room: string) {
    set(local, "name", name);
    set(local, "room", room);
  },
  saveLang: (lang: string) => set(local, "lang", lang),
};

/** What this browser keeps for one room. `name`: the name it is in there under (until it leaves). */
export interface RoomMemory {
  session: string;
  name?: string;
}

/** Where storage is unavailable, the sessions live as long as this page. */
const unkept: Record<string, RoomMemory> = {};

/** Rooms remembered at most; the least recently used goes first. */
const ROOMS_KEPT = 50;

function readRooms(): Record<string, RoomMemory> {
  const out: Record<string, RoomMemory> = {};
  for (const [room, m] of Object.entries(getMap("rooms") as Record<string, Partial<RoomMemory> | null>)) {
    if (typeof m?.session !== "string" || !LIMITS.sessionPattern.test(m.session)) continue;
    out[room] = typeof m.name === "string" ? { session: m.session, name: m.name } : { session: m.session };
  }
  return out;
}

/** Keeps `memory` for `room` as the most recent one (a plain object keeps insertion order). */
function writeRoom(room: string, memory: RoomMemory): void {
  const all = readRooms();
  delete all[room];
  all[room] = memory;
  const rooms = Object.keys(all);
  for (const old of rooms.slice(0, Math.max(0, rooms.length - ROOMS_KEPT))) delete all[old];
  set(local, "rooms", JSON.stringify(all));
}

/**
 * One session per browser and room, shared by every tab and every name used there: the room
 * hands a name over to the same session (no "name taken" for a tab that lost its socket), and a
 * removal by session keeps this browser out under any name.
 */
export const rooms = {
  /** This browser's session in `room` (8–64 of [A-Za-z0-9_-]), made once and kept. */
  session(room: string): string {
    const kept = readRooms()[room] ?? unkept[room];
    if (kept !== undefined) return kept.session;
    const fresh = { session: randomId() };
    writeRoom(room, fresh);
    if (readRooms()[room] === undefined) unkept[room] = fresh;
    return fresh.session;
  },
  /** The name this browser is in `room` under, or null (never joined, or left on purpose). */
  name: (room: string): string | null => readRooms()[room]?.name ?? null,
  /** Joined `room` as `name`; null: left it (the session stays: a removal still holds). */
  setName(room: string, name: string | null): void {
    const session = rooms.session(room);
    writeRoom(room, name === null ? { session } : { session, name });
  },
};

export interface Seat {
  room: string;
  name: string;
}

/** The room this tab is in, so a reload goes straight back in. */
export const seat = {
  get: () => getJson(tab, "seat") as Seat | null,
  set: (s: Seat | null) => set(tab, "seat", s === null ? null : JSON.stringify(s)),
};

/**
 * The tab's unsent messages, so not even a reload loses one. Per tab, unlike the session: each
 * tab writes its whole outbox on every change, so two tabs in a room (two names) would overwrite
 * one shared copy, and a tab taking a name over would show as pending what the old tab (frozen,
 * not dead) still holds and sends itself when it wakes.
 */
export const keptOutbox = {
  get: (): unknown => getJson(tab, "outbox"),
  set: (value: unknown) => set(tab, "outbox", value === null ? null : JSON.stringify(value)),
};

/**
 * The host keys this browser holds, one per room (localStorage: a teacher's laptop keeps its
 * rooms). A key is a password for the room: it is never put on screen.
 */
export const hostKeys = {
  get(room: string): string | null {
    const key = readKeys()[room];
    return typeof key === "string" && LIMITS.hostKeyPattern.test(key) ? key : null;
  },
  set(room: string, key: string | null): void {
    const all = readKeys();
    if (key === null) delete all[room];
    else all[room] = key;
    set(local, "hosts", Object.keys(all).length === 0 ? null : JSON.stringify(all));
  },
};

const readKeys = () => getMap("hosts");

/**
 * The teacher passphrase a deployment may ask for before a claim (`TEACHER_PASSPHRASE`), kept in
 * this browser once it worked, like the host keys; never put on screen.
 */
export const teacherPassphrase = {
  get: () => get(local, "passphrase"),
  set: (value: string | null) => set(local, "passphrase", value),
};

/** The key of a host link (`/?room=demo#host=<key>`), or null. */
export function hostKeyFromUrl(loc: Pick<Location, "hash">): string | null {
  const key = /^#host=([A-Za-z0-9_-]+)$/.exec(loc.hash)?.[1];
  return key !== undefined && LIMITS.hostKeyPattern.test(key) ? key : null;
}

/** The token of a one-time host link (`/?room=demo#hostlink=<token>`), or null. */
export function hostLinkTokenFromUrl(loc: Pick<Location, "hash">): string | null {
  const token = /^#hostlink=([A-Za-z0-9_-]+)$/.exec(loc.hash)?.[1];
  return token !== undefined && LIMITS.hostKeyPattern.test(token) ? token : null;
}

/** `/?room=demo` or `/#demo`: a link a teacher can share. */
export function roomFromUrl(loc: Pick<Location, "search" | "hash">): string | null {
  const q = new URLSearchParams(loc.search).get("room");
  if (q !== null && q !== "") return q;
  if (/^#host(?:link)?=/.test(loc.hash)) return null;
  const raw = loc.hash.replace(/^#/, "");
  let h = raw;
  try {
    h = decodeURIComponent(raw);
  } catch {
    // A malformed escape (`/#%E0`): keep the text; the form's validation will say what is wrong.
  }
  return h === "" ? null : h;
}
