/**
 * @module
 * What the page remembers: name and room (localStorage, across visits), the tab's `session`
 * id and the room it is in (sessionStorage: a reload takes over its own name), and the
 * language the reader picked. Storage can be unavailable (private mode): then nothing is kept.
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

/** This tab's session id: 8–64 of [A-Za-z0-9_-], kept for the tab's life. */
export function sessionId(): string {
  const kept = get(tab, "session");
  if (kept !== null && LIMITS.sessionPattern.test(kept)) return kept;
  const fresh = randomId();
  set(tab, "session", fresh);
  return fresh;
}

export interface Seat {
  room: string;
  name: string;
}

/** The room this tab is in, so a reload goes straight back in. */
export const seat = {
  get(): Seat | null {
    try {
      return JSON.parse(get(tab, "seat") ?? "null") as Seat | null;
    } catch {
      return null;
    }
  },
  set: (s: Seat | null) => set(tab, "seat", s === null ? null : JSON.stringify(s)),
};

/** The tab's unsent messages, so not even a reload loses one. */
export const keptOutbox = {
  get: (): unknown => {
    try {
      return JSON.parse(get(tab, "outbox") ?? "null");
    } catch {
      return null;
    }
  },
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

function readKeys(): Record<string, unknown> {
  try {
    const all: unknown = JSON.parse(get(local, "hosts") ?? "{}");
    return typeof all === "object" && all !== null && !Array.isArray(all) ? (all as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

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
