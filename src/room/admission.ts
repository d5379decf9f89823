/**
 * @module
 * Who may join: a pure decision over the room's current occupants and what the room knows of the
 * candidate, with no socket touched. The room carries it out in one place for both transports
 * (`ChatRoom.admit`, for a socket's upgrade and a poll's join): it ends those in `evict`, then
 * refuses, or replaces the takeover and leaves the newcomer to its transport (`Seating`). The
 * checks run in the contract's order and the first failure wins: `host_key_invalid` →
 * `removed` → `room_locked` → `name_taken` → `room_full` (then the room's own `join_busy`).
 */
import type { RefusalCode } from "../protocol";

/** What the decision needs to know of an occupant. */
export interface Seat {
  /** The name's key (`nameKey`): two names with the same key are the same person. */
  key: string;
  /** The name's look (`nameLook`): a name that looks like a present one is taken too. */
  look: string;
  session?: string;
}

export interface Candidate {
  key: string;
  look: string;
  session?: string;
  /** A host key was given: whether it is the room's. Undefined when none was given. */
  hostKeyValid?: boolean;
  /** The name or the session was removed by the host, and the time is not up. */
  removed: boolean;
  /** The room is locked and this session was never admitted in this life. */
  lockedOut: boolean;
}

export type Admission<T extends Seat> =
  /** `takeover`: the same session's older socket, closed without a leave (the name stays). */
  { admit: true; takeover: T | null; evict: T[] } | { admit: false; code: RefusalCode; evict: T[] };

/** A decision carried out: a refusal, or what the newcomer's transport needs to seat it. */
export type Seating<T extends Seat> =
  /** `stayed`: everyone still in the room but the newcomer (its welcome lists them). */
  | { admit: true; takeover: T | null; stayed: T[] }
  /** `retryAfterMs`: with `join_busy`, when the room takes a new join again. */
  | { admit: false; code: RefusalCode; retryAfterMs?: number };

/**
 * Decides a join. `isDead(o)` says whether an occupant's heartbeat has run out: a dead holder of
 * the name gives it up, and a full room first sweeps its dead. `evict` lists the dead to close,
 * whatever the verdict. A valid host key passes `removed` and `room_locked`.
 */
export function decideAdmission<T extends Seat>(
  candidate: Candidate,
  occupants: readonly T[],
  maxUsers: number,
  isDead: (o: T) => boolean,
): Admission<T> {
  const evict: T[] = [];
  if (candidate.hostKeyValid === false) return { admit: false, code: "host_key_invalid", evict };
  const host = candidate.hostKeyValid === true;
  if (!host && candidate.removed) return { admit: false, code: "removed", evict };
  if (!host && candidate.lockedOut) return { admit: false, code: "room_locked", evict };
  let takeover: T | null = null;
  let others = occupants;
  const holder = occupants.find((o) => o.key === candidate.key);
  if (holder !== undefined) {
    if (candidate.session !== undefined && holder.session === candidate.session) takeover = holder;
    else if (isDead(holder)) evict.push(holder);
    else return { admit: false, code: "name_taken", evict };
    others = occupants.filter((o) => o !== holder);
  }
  // Another person whose name looks like this one (`AIice` beside `Alice`): taken while alive.
  const lookalikes = others.filter((o) => o.look === candidate.look);
  if (lookalikes.some((o) => !isDead(o))) return { admit: false, code: "name_taken", evict };
  if (lookalikes.length > 0) {
    evict.push(...lookalikes);
    others = others.filter((o) => !lookalikes.includes(o));
  }
  if (takeover === null && others.length >= maxUsers) {
    const dead = others.filter(isDead);
    evict.push(...dead);
    if (others.length - dead.length >= maxUsers) return { admit: false, code: "room_full", evict };
  }
  return { admit: true, takeover, evict };
}
