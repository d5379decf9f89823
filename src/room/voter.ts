/**
 * @module
 * Who votes, the one identity rule of a class's votes (questions and polls alike): a member's
 * name key and, when it joined with one, its session. A row of votes is this voter's when either
 * matches, so a browser with two names votes once, and one name in two browsers too.
 */
import type { Member } from "./member";
import { nameKey } from "./name-key";

export interface Voter {
  key: string;
  /** Null: a socket that joined without a session (a plain `ws` client); it is its name alone. */
  session: string | null;
}

/** A member as a voter. */
export function voterOf(member: Member): Voter {
  return { key: nameKey(member.name), session: member.session ?? null };
}

/** The SQL condition "this row is the voter's", over columns `name_key` and `session`... */
export const IS_VOTERS = "(name_key = ? OR session = ?)";
/** ...and its two parameters, in that order. */
export const voterParams = (v: Voter): [string, string | null] => [v.key, v.session];
