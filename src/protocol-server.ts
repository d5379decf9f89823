/**
 * @module
 * The server's half of the contract in `protocol.ts`: checking what comes in (a join's or a
 * poll's URL, every client frame) and building the error answers. The Worker and the room import
 * it; the page never does, which keeps all of it out of the page's bundle. Plain checks, no
 * schema library: eight frame types of one to three fields each.
 */
import {
  type ClientFrame,
  type ClientMessage,
  END_STATUS,
  ERROR_CODES,
  type EdgeInfo,
  type ErrorCode,
  type ErrorFrame,
  HTTP_ONLY_CODES,
  type HttpErrorBody,
  type HttpErrorCode,
  type HttpOnlyCode,
  LIMITS,
  PROJECTOR,
  type PollEndCode,
  REQUEST_STATUS,
  type RefusalCode,
  type RequestRefusalCode,
  codePointLength,
  foldName,
  normaliseText,
  parseRoomName,
  parseUserName,
  utf8ByteLength,
  WATCH,
} from "./protocol";

// ---------------------------------------------------------------------------------------------
// Error answers

/** The status and message of an HTTP error code. */
export function httpError(code: HttpErrorCode): { status: number; body: HttpErrorBody } {
  if (code in HTTP_ONLY_CODES) {
    const { status, message } = HTTP_ONLY_CODES[code as HttpOnlyCode];
    return { status, body: { error: { code, message } } };
  }
  const frameCode = code as PollEndCode | RequestRefusalCode;
  const status =
    frameCode in REQUEST_STATUS ? REQUEST_STATUS[frameCode as RequestRefusalCode] : END_STATUS[code as PollEndCode];
  return { status, body: { error: { code, message: ERROR_CODES[frameCode] } } };
}

export function errorFrame(code: ErrorCode, id?: string): ErrorFrame {
  return id === undefined
    ? { type: "error", code, message: ERROR_CODES[code] }
    : { type: "error", code, message: ERROR_CODES[code], id };
}

// ---------------------------------------------------------------------------------------------
// Joins and polls

/** A join as the Worker checked it and hands it to the room. */
export interface JoinRequest {
  room: string;
  name: string;
  session?: string;
  since?: number;
  epoch?: string;
  /** The host key, as given (the room checks it). */
  host?: string;
  /**
   * A watcher (`/ws/:room/~projector`, `/ws/:room/~watch`, `/poll/:room/~watch`): host key
   * required, not a user.
   */
  watcher?: true;
  /** Set by the Worker from `request.cf` (deployed only), never from the query. */
  edge?: EdgeInfo;
}

/**
 * Validates the parts of `GET /ws/:room/:client?session=&since=&epoch=&host=`; the first failure
 * wins, in the contract's order: `invalid_room` → `invalid_name` → `bad_request`. The room checks
 * the rest (`host_key_invalid` → `removed` → `room_locked` → `name_taken` → `room_full`).
 */
export function parseJoinRequest(rawRoom: string, rawName: string, query: URLSearchParams): JoinRequest | RefusalCode {
  const room = parseRoomName(rawRoom);
  if (room === null) return "invalid_room";
  const watcher = rawName === PROJECTOR || rawName === WATCH;
  const name = watcher ? rawName : parseUserName(rawName);
  if (name === null) return "invalid_name";
  const join: JoinRequest = { room, name };
  if (watcher) join.watcher = true;
  const host = query.get("host");
  if (host !== null) {
    if (!LIMITS.hostKeyPattern.test(host)) return "bad_request";
    join.host = host;
  }
  const epoch = query.get("epoch");
  if (epoch !== null) {
    if (!LIMITS.epochPattern.test(epoch)) return "bad_request";
    join.epoch = epoch;
  }
  const session = query.get("session");
  if (session !== null) {
    if (!LIMITS.sessionPattern.test(session)) return "bad_request";
    join.session = session;
  }
  const since = query.get("since");
  if (since !== null) {
    if (!/^\d{1,15}$/.test(since)) return "bad_request";
    join.since = Number(since);
  }
  return join;
}

/** The waiting page's Cancel: the (session, name) whose knock goes. */
export interface KnockWithdrawal {
  room: string;
  name: string;
  session: string;
}

/**
 * Validates `DELETE /api/rooms/:room/knock/:name?session=`: a room, a user's name (never a
 * watcher's) and a session, as a join spells them. Nothing else is taken: the knock's id is the
 * host's, never the waiting page's.
 */
export function parseKnockWithdrawal(
  rawRoom: string,
  rawName: string,
  query: URLSearchParams,
): KnockWithdrawal | "invalid_room" | "invalid_name" | "bad_request" {
  const room = parseRoomName(rawRoom);
  if (room === null) return "invalid_room";
  const name = parseUserName(rawName);
  if (name === null) return "invalid_name";
  const session = query.get("session");
  if (session === null || !LIMITS.sessionPattern.test(session)) return "bad_request";
  return { room, name, session };
}

export interface PollRequest extends JoinRequest {
  session: string;
  cursor?: string;
  /** Seconds to hold the poll; 0 answers at once. */
  wait: number;
}

/** `Authorization: Bearer <value>`: the value (any run of non-space characters), or null. */
export function bearer(authorization: string | undefined): string | null {
  return /^Bearer (\S+)$/.exec(authorization ?? "")?.[1] ?? null;
}

/**
 * Validates `GET|POST /poll/:room/:client?session=&cursor=&since=&epoch=&wait=`: the join's
 * rules, plus a required `session`, a well-formed `cursor`, and `wait` 0–25 (default 25), capped
 * at `maxWait` (the poll timeout − 5 s). The host key comes in `Authorization: Bearer <key>`
 * (`authorization`, the header as sent), never in the URL, where every log and history keeps it:
 * `host=` in the query, or a header that is not a well-formed Bearer key, is `bad_request`.
 * `~watch` is a watcher (`session` names it: one per lane); `~projector` is the socket's alone.
 */
export function parsePollRequest(
  rawRoom: string,
  rawName: string,
  query: URLSearchParams,
  maxWait: number,
  authorization?: string,
): PollRequest | RefusalCode {
  if (rawName === PROJECTOR) return "invalid_name";
  const join = parseJoinRequest(rawRoom, rawName, query);
  if (typeof join === "string") return join;
  if (join.session === undefined || join.host !== undefined) return "bad_request";
  if (authorization !== undefined) {
    const host = bearer(authorization);
    if (host === null || !LIMITS.hostKeyPattern.test(host)) return "bad_request";
    join.host = host;
  }
  // A watcher over HTTP is the host's: without the key it is refused as a wrong key would be.
  if (join.watcher && join.host === undefined) return "host_key_invalid";

  const poll: PollRequest = { ...join, session: join.session, wait: Math.min(LIMITS.pollMaxWaitSeconds, maxWait) };
  const cursor = query.get("cursor");
  if (cursor !== null) {
    if (!LIMITS.cursorPattern.test(cursor)) return "bad_request";
    poll.cursor = cursor;
  }
  const wait = query.get("wait");
  if (wait !== null) {
    if (!/^\d{1,2}$/.test(wait) || Number(wait) > LIMITS.pollMaxWaitSeconds) return "bad_request";
    poll.wait = Math.min(Number(wait), maxWait);
  }
  return poll;
}

// ---------------------------------------------------------------------------------------------
// Client frames

/** Frames only the host may send: anyone else gets `not_host`. */
export const HOST_FRAME_TYPES: ReadonlySet<string> = new Set([
  "delete",
  "clear",
  "remove",
  "slow",
  "lock",
  "undelete",
  "pin",
  "unpin",
  "let_back_in",
  "let_in",
  "refuse",
  "answered",
  "survey_open",
  "survey_close",
]);

/** A whole number from 0 (a seq, a number of seconds). */
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** A knock's id as the room hands them out (any other string names no knock, and is a bad frame). */
const isKnockId = (x: unknown): x is string => typeof x === "string" && LIMITS.idPattern.test(x);

/**
 * Frames with no text to normalise: the check is the whole validation (null: a field missing or
 * wrongly typed). Each builds its frame from its own fields, so the room never sees anything it
 * did not ask for.
 */
const PLAIN_FRAMES: Record<string, (f: Record<string, unknown>) => ClientFrame | null> = {
  typing: () => ({ type: "typing" }),
  ack: ({ seq }) => (isCount(seq) ? { type: "ack", seq } : null),
  delete: ({ seq }) => (isCount(seq) ? { type: "delete", seq } : null),
  clear: () => ({ type: "clear" }),
  undelete: ({ seq }) => (isCount(seq) ? { type: "undelete", seq } : null),
  pin: ({ seq }) => (isCount(seq) ? { type: "pin", seq } : null),
  unpin: () => ({ type: "unpin" }),
  remove: ({ name }) => (typeof name === "string" && name.length <= 256 ? { type: "remove", name } : null),
  slow: ({ seconds }) => (isCount(seconds) && seconds <= LIMITS.slowMaxSeconds ? { type: "slow", seconds } : null),
  lock: ({ locked }) => (typeof locked === "boolean" ? { type: "lock", locked } : null),
  let_back_in: ({ name }) => (typeof name === "string" && name.length <= 256 ? { type: "let_back_in", name } : null),
  let_in: ({ knock }) => (isKnockId(knock) ? { type: "let_in", knock } : null),
  refuse: ({ knock }) => (isKnockId(knock) ? { type: "refuse", knock } : null),
  vote: ({ seq, up }) => (isCount(seq) && typeof up === "boolean" ? { type: "vote", seq, up } : null),
  answered: ({ seq, answered }) =>
    isCount(seq) && typeof answered === "boolean" ? { type: "answered", seq, answered } : null,
  // Any other option index is a bad frame; whether it is one of the open poll's is the room's to say.
  survey_vote: ({ survey, option }) =>
    typeof survey === "string" && LIMITS.idPattern.test(survey) && isCount(option) && option < LIMITS.surveyOptionsMax
      ? { type: "survey_vote", survey, option }
      : null,
  survey_close: () => ({ type: "survey_close" }),
};

// Control characters other than newline and tab (C0, DEL, C1).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
// Half of a surrogate pair alone (JSON may carry `\ud800`): storage and the wire would turn it
// into U+FFFD, so what was acknowledged would not be what is kept.
const LONE_SURROGATE = /\p{Surrogate}/u;

export type ParsedClientFrame = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; id?: string };

/** Validates one inbound WebSocket frame. Nothing that fails here is ever stored or broadcast. */
export function parseClientFrame(data: string | ArrayBuffer): ParsedClientFrame {
  if (typeof data !== "string") return { ok: false, code: "binary_unsupported" };
  // Cheap bound first: a UTF-16 unit is 1–3 UTF-8 bytes.
  if (data.length * 3 > LIMITS.frameMaxBytes && utf8ByteLength(data) > LIMITS.frameMaxBytes) {
    return { ok: false, code: "frame_too_large" };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, code: "bad_json" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, code: "bad_frame" };
  }
  const rec = raw as Record<string, unknown>;
  const id = typeof rec.id === "string" && LIMITS.idPattern.test(rec.id) ? rec.id : undefined;
  const plain = typeof rec.type === "string" && Object.hasOwn(PLAIN_FRAMES, rec.type) ? PLAIN_FRAMES[rec.type] : null;
  if (plain) {
    const frame = plain(rec);
    return frame === null ? bad("bad_frame", id) : { ok: true, frame };
  }
  if (rec.type === "survey_open") return parseSurveyOpen(rec);
  if (rec.type !== "message") {
    return bad(typeof rec.type === "string" ? "unknown_type" : "bad_frame", id);
  }
  // `id` may be left out, but one that is there must be well-formed (then it is `id` above).
  if (typeof rec.text !== "string" || (rec.id !== undefined && id === undefined)) return bad("bad_frame", id);
  // `question` is true or absent: `false` is a bad frame rather than a message quietly not asked.
  if (rec.question !== undefined && rec.question !== true) return bad("bad_frame", id);
  const text = normaliseText(rec.text);
  if (text.length === 0) return bad("empty_text", id);
  if (codePointLength(text) > LIMITS.textMaxChars) return bad("text_too_long", id);
  if (!isPlainText(text)) return bad("invalid_text", id);
  const frame: ClientMessage = { type: "message", text };
  if (id !== undefined) frame.id = id;
  if (rec.question === true) frame.question = true;
  return { ok: true, frame };
}

const isPlainText = (text: string): boolean => !FORBIDDEN_CONTROL.test(text) && !LONE_SURROGATE.test(text);

/** A text of 1 to `max` code points after `normaliseText`, with no control character; else null. */
function boundedText(raw: unknown, max: number): string | null {
  if (typeof raw !== "string") return null;
  const text = normaliseText(raw);
  const n = codePointLength(text);
  return n >= 1 && n <= max && isPlainText(text) ? text : null;
}

/**
 * `survey_open`: a question and 2–6 options, each within its bounds and no two alike once
 * normalised and folded (two options "Yes" and "yes" would split one answer's votes); anything
 * else is `survey_invalid`, a missing or mistyped field `bad_frame`.
 */
function parseSurveyOpen(rec: Record<string, unknown>): ParsedClientFrame {
  if (typeof rec.question !== "string" || !Array.isArray(rec.options)) return bad("bad_frame", undefined);
  const question = boundedText(rec.question, LIMITS.surveyQuestionMaxChars);
  const options = rec.options.map((o) => boundedText(o, LIMITS.surveyOptionMaxChars));
  const count = options.length;
  if (question === null || count < LIMITS.surveyOptionsMin || count > LIMITS.surveyOptionsMax)
    return bad("survey_invalid", undefined);
  if (options.some((o) => o === null)) return bad("survey_invalid", undefined);
  const kept = options as string[];
  if (new Set(kept.map(foldName)).size !== count) return bad("survey_invalid", undefined);
  return { ok: true, frame: { type: "survey_open", question, options: kept } };
}

function bad(code: ErrorCode, id: string | undefined): ParsedClientFrame {
  return id === undefined ? { ok: false, code } : { ok: false, code, id };
}

/** Best effort: the `id` of a frame that is dropped before validation (rate limit). */
export function peekFrameId(data: string | ArrayBuffer): string | undefined {
  if (typeof data !== "string" || data.length > LIMITS.frameMaxBytes) return undefined;
  try {
    const id = (JSON.parse(data) as { id?: unknown } | null)?.id;
    return typeof id === "string" && LIMITS.idPattern.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
