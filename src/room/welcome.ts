/**
 * @module
 * The `welcome` frame: what a member gets on joining or resuming, on a socket (with the handshake
 * the page shows) or over HTTP (`transport: "poll"`). A first join gets the recent history; a
 * resume (`since`) what it missed, with what was deleted, cleared or brought back meanwhile; a
 * resume from another life of the room's storage (another `epoch`) starts over. Everything comes
 * from storage, so a room woken from hibernation welcomes as it would have before.
 */
import type { RoomConfig } from "../config";
import { type Knock, LIMITS, type User, type WelcomeFrame } from "../protocol";
import type { JoinRequest } from "../protocol-server";
import type { History } from "./history";
import type { Member } from "./member";
import type { Questions } from "./questions";
import type { RoomState } from "./room-state";
import type { Surveys } from "./surveys";
import { voterOf } from "./voter";

/** The room's parts a welcome reads. */
export interface WelcomeParts {
  config: RoomConfig;
  history: History;
  state: RoomState;
  questions: Questions;
  surveys: Surveys;
  /** Who waits in the waiting room (a host's welcome lists them). */
  knocks(): Knock[];
}

/** Who is welcomed, and how they came. */
export interface Arrival {
  join: JoinRequest;
  member: Member;
  users: User[];
  /** A socket's upgrade as the Worker saw it; absent for a poller. */
  handshake?: WelcomeFrame["handshake"] | undefined;
}

export function welcomeFrame(room: WelcomeParts, { join, member, users, handshake }: Arrival): WelcomeFrame {
  const { config, history, state } = room;
  const epoch = state.epoch;
  // A resume from another life of the room's storage: its seqs mean nothing here.
  const reset = join.since !== undefined && join.epoch !== undefined && join.epoch !== epoch;
  // A watcher (the projector) has no vote or choice of its own.
  const voter = member.watcher ? null : voterOf(member);
  const frame: WelcomeFrame = {
    type: "welcome",
    room: member.room,
    you: member.name,
    users,
    seq: history.seq,
    limits: {
      textMaxChars: LIMITS.textMaxChars,
      frameMaxBytes: LIMITS.frameMaxBytes,
      ratePerSecond: config.ratePerSecond,
      rateBurst: config.rateBurst,
    },
    history: [],
    // Every kept question, apart from the history's recent part.
    questions: room.questions.summaries(voter),
    role: member.role,
    settings: state.settings,
    epoch,
    now: Date.now(),
  };
  const pinned = state.pinned;
  if (pinned !== null) frame.pinned = pinned;
  if (handshake === undefined) frame.transport = "poll";
  else frame.handshake = handshake;
  if (join.edge !== undefined) frame.edge = join.edge;
  // Who is removed and who waits are the host's to see: a member's welcome never carries them.
  if (member.role === "host") {
    frame.knocks = room.knocks();
    frame.removals = state.removals(frame.now);
  }
  // The open poll, with this member's choice.
  const survey = room.surveys.current(voter);
  if (survey !== null) frame.survey = survey;
  if (join.since === undefined || reset) {
    frame.history = history.recent(config.historyOnJoin);
    if (reset) frame.reset = true;
    return frame;
  }
  const resume = history.since(join.since, LIMITS.resumeMaxMessages);
  frame.history = resume.messages;
  if (resume.gap) frame.gap = true;
  if (resume.clearedThrough !== undefined) frame.clearedThrough = resume.clearedThrough;
  if (resume.deleted.length > 0) frame.deleted = resume.deleted;
  if (resume.restored.length > 0) frame.restored = resume.restored;
  return frame;
}
