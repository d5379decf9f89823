/**
 * @module
 * The wire contract of Roomcast, written once, as both ends need it: every frame type, limit and
 * code, and the few pure functions the page shares with the server (name rules, counters, ids).
 * The page, the Worker, the room, the tests and the bench import it; what only the server does
 * with it (checking what comes in, building error answers) is in `protocol-server.ts`, so this
 * file imports nothing and the page bundles no validator. docs/protocol.md says it in prose.
 */

// Named once here for the error messages below: a message that reads `LIMITS.x` might run a
// getter, so a bundler would keep all of ERROR_CODES in the page, which never shows them.
const TEXT_MAX_CHARS = 2000;
const FRAME_MAX_BYTES = 16 * 1024;

/** Fixed limits of the contract. Counts are Unicode code points unless a name says bytes. */
export const LIMITS = {
  roomMaxChars: 64,
  nameMaxChars: 32,
  textMaxChars: TEXT_MAX_CHARS,
  /** Inbound frames over this many UTF-8 bytes are refused before JSON parsing. */
  frameMaxBytes: FRAME_MAX_BYTES,
  sessionPattern: /^[A-Za-z0-9_-]{8,64}$/,
  idPattern: /^[A-Za-z0-9_-]{1,64}$/,
  /** Most messages a resuming client (`since`) gets in its welcome. */
  resumeMaxMessages: 500,
  /** A typing frame is relayed at most once per this many ms per sender. */
  typingIntervalMs: 2000,
  /** Clients should ping at least this often... */
  pingEveryMs: 30_000,
  /** ...and a socket silent for longer than this is dead. */
  heartbeatTimeoutMs: 90_000,
  /** A client acks at least once per this many messages received... */
  ackEveryMessages: 200,
  /** ...and whenever it received this many bytes since its last ack... */
  ackEveryBytes: 64 * 1024,
  /** ...at most this often a second; up to this many acks a second spend no rate-limit token. */
  acksPerSecond: 4,
  /** One `rate_limited` error per this many ms at most. */
  rateErrorIntervalMs: 1000,
  /** A host key as the page passes it: 22–128 of [A-Za-z0-9_-] (the room makes 32 bytes' worth). */
  hostKeyPattern: /^[A-Za-z0-9_-]{22,128}$/,
  /** A room's `epoch` (one per life of its storage). */
  epochPattern: /^[A-Za-z0-9_-]{1,64}$/,
  /** Slow mode: seconds between two messages of one name, 0 (off) to this. */
  slowMaxSeconds: 300,
  /** Long polling: the longest a poll is held (and the default `wait`). */
  pollMaxWaitSeconds: 25,
  /** A poller is answered at most this often: a busy room batches what it gets. */
  pollMinIntervalMs: 100,
  /** ...and at least this often when it has frames, however many poll (10 ms per poller up to here). */
  pollMaxSpacingMs: 500,
  /** Server-Sent Events: a comment this often keeps the stream written to (and its member in). */
  sseCommentMs: 15_000,
  /**
   * Watchers per room, across transports (the projector's socket, the race's lanes): a watcher
   * is not a user, so `MAX_USERS_PER_ROOM` does not hold it; this does.
   */
  watchersMax: 8,
  /** A poll cursor as the room hands it out (also each SSE event's `id:`). */
  cursorPattern: /^[A-Za-z0-9_-]{1,64}\.\d{1,15}$/,
  /** A one-time host link is exchanged for the key within this many minutes, once. */
  hostLinkMinutes: 10,
  /** A host's delete can be undone (`undelete`) for this long; the room keeps the text no longer. */
  undoMs: 10_000,
  /** The host's list of removed people (`removals`) names at most this many, the newest. */
  removalsListed: 100,
  /** The waiting room: at most this many knocks are kept (the newest)... */
  knocksMax: 50,
  /** ...and each lapses this long after its last retry (the page retries every 5 s). */
  knockLapseMs: 20_000,
  /**
   * Question votes and poll counts go out aggregated: at most one `votes` and one `survey` update
   * per this many ms for the whole room, whatever the number of voters (4 a second).
   */
  tallyIntervalMs: 250,
  /** A poll (`survey_open`): its question is 1 to this many characters... */
  surveyQuestionMaxChars: 300,
  /** ...with this many options at least... */
  surveyOptionsMin: 2,
  /** ...and at most... */
  surveyOptionsMax: 6,
  /** ...of 1 to this many characters each, no two alike. */
  surveyOptionMaxChars: 100,
} as const;

/** The client name of the projector's watcher socket: not a user, never in `users`. */
export const PROJECTOR = "~projector";

/**
 * The client name of a watcher over HTTP (`/poll/:room/~watch`) or a WebSocket
 * (`/ws/:room/~watch`, like `~projector`): host key required, not a user, sends nothing.
 */
export const WATCH = "~watch";

/** The text frame answered by the runtime itself (no room wake-up). */
export const PING = "ping";
export const PONG = "pong";

/** Every error code the server sends, with the close code used when it ends the socket. */
export const ERROR_CODES = {
  invalid_room: "The room name is not valid.",
  invalid_name: "The name is not valid.",
  bad_request: "The connection request is malformed.",
  name_taken: "That name is already in use in this room.",
  room_full: "The room is full.",
  replaced: "This name connected again from another tab; this connection was replaced.",
  heartbeat_timeout: "No ping arrived in time; the connection was closed.",
  bad_json: "The frame is not valid JSON.",
  unknown_type: "The frame type is unknown.",
  bad_frame: "The frame has missing or wrongly typed fields.",
  empty_text: "The message is empty.",
  text_too_long: `The message is longer than ${TEXT_MAX_CHARS} characters.`,
  invalid_text: "The message contains control characters or a lone surrogate.",
  binary_unsupported: "Binary frames are not supported; send JSON text.",
  frame_too_large: `The frame is larger than ${FRAME_MAX_BYTES} bytes.`,
  rate_limited: "Too many frames; slow down.",
  too_slow: "This connection fell too far behind (no ack); reconnect and resume with since.",
  host_key_invalid: "The host key is not this room's.",
  removed: "The host removed you from this room.",
  room_locked: "The room is locked; no one new can join.",
  not_host: "Only the room's host may do that.",
  no_such_message: "No kept message has that seq.",
  no_such_member: "No one of that name is in the room.",
  cannot_remove_host: "The host cannot be removed.",
  slow_mode: "Slow mode is on: wait before sending again.",
  join_busy: "Too many people are joining this room right now; try again shortly.",
  undo_expired: "Nothing deleted in the last 10 seconds has that seq: it cannot be brought back.",
  no_such_removal: "No one of that name is removed from this room now.",
  no_such_knock: "No one is waiting with that knock (let in, refused or lapsed).",
  knock_refused: "The host did not let you in.",
  too_many_watchers: "This room has as many watchers (projectors, race lanes) as it takes; close one first.",
  survey_already_open: "A poll is open already: close it before opening another.",
  survey_closed: "That poll is closed (or was never open): the vote was not counted.",
  survey_invalid: "A poll needs a question of 1–300 characters and 2–6 different options of 1–100 characters.",
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Frame codes that end a join or a poll, with their HTTP status: the refusals of a join (the
 * socket is opened, told why, and closed with 4000 + the status) and `replaced` (a WebSocket took
 * a poller's name and session over; a replaced socket closes with `CLOSE_REPLACED` instead).
 */
export const END_STATUS = {
  invalid_room: 400,
  invalid_name: 400,
  bad_request: 400,
  host_key_invalid: 403,
  removed: 403,
  room_locked: 423,
  name_taken: 409,
  // Before `room_full`, whose close code it shares: a bare 4503 close still reads as room_full.
  too_many_watchers: 503,
  room_full: 503,
  join_busy: 429,
  knock_refused: 403,
  replaced: 409,
} as const satisfies Partial<Record<ErrorCode, number>>;
/** Frame codes that also end an HTTP poll. */
export type PollEndCode = keyof typeof END_STATUS;
/** Refusals of a join: every ending but `replaced`. */
export type RefusalCode = Exclude<PollEndCode, "replaced">;
export const isPollEnd = (code: string): code is PollEndCode => Object.hasOwn(END_STATUS, code);
export const isRefusal = (code: string): code is RefusalCode => code !== "replaced" && isPollEnd(code);

/**
 * Codes that only ever travel as an HTTP error body, never down a socket (so they are not
 * `ErrorCode`s), with their status.
 */
export const HTTP_ONLY_CODES = {
  not_found: { status: 404, message: "Nothing here." },
  internal: { status: 500, message: "Something went wrong." },
  upgrade_required: { status: 426, message: "Expected a WebSocket upgrade." },
  forbidden_origin: { status: 403, message: "This origin may not do that here." },
  host_taken: { status: 409, message: "This room already has a host." },
  not_joined: { status: 409, message: "This session is not a member of the room: poll first to join." },
  passphrase_required: { status: 401, message: "This deployment needs the teacher passphrase to host a room." },
  passphrase_invalid: { status: 403, message: "That is not the teacher passphrase." },
  passphrase_too_short: {
    status: 500,
    message: "TEACHER_PASSPHRASE is set but shorter than 16 characters (or not printable ASCII): set a longer one.",
  },
  host_link_invalid: { status: 410, message: "This host link was used already, has expired, or was never made." },
  public_url_invalid: {
    status: 500,
    message:
      "PUBLIC_URL is set but is not an http(s) origin such as https://class.example.org: fix it or leave it empty.",
  },
  invalid_time_zone: { status: 400, message: "The time zone (tz) is not a known IANA time zone such as Asia/Tehran." },
  transcript_query_invalid: {
    status: 400,
    message: "The transcript's format must be markdown or json, and lang en or fa.",
  },
} as const;
export type HttpOnlyCode = keyof typeof HTTP_ONLY_CODES;

/**
 * Frame codes that also refuse one HTTP request, with their status, and end nothing: a `POST
 * /poll/` body over the frame limit is refused before it is read whole; a waiting page's Cancel
 * (`DELETE /api/rooms/:room/knock/:name`) for a pair that has no knock.
 */
export const REQUEST_STATUS = {
  frame_too_large: 413,
  no_such_knock: 404,
} as const satisfies Partial<Record<ErrorCode, number>>;
export type RequestRefusalCode = keyof typeof REQUEST_STATUS;

/** Every HTTP error answers with this body: an HTTP-only code, or a frame code with its status. */
export type HttpErrorCode = HttpOnlyCode | PollEndCode | RequestRefusalCode;
export interface HttpErrorBody {
  /** `retryAfterMs`: with `join_busy`, when the room takes a new join again. */
  error: { code: HttpErrorCode; message: string; retryAfterMs?: number };
}

export const CLOSE_REPLACED = 4001;
export const CLOSE_HEARTBEAT = 4408;
/** A socket that fell `MAX_UNACKED_BYTES` behind its acks: `too_slow`, then this close. */
export const CLOSE_TOO_SLOW = 4008;
export const closeCodeFor = (code: RefusalCode): number => 4000 + END_STATUS[code];

// ---------------------------------------------------------------------------------------------
// Server → client frames

export type Role = "host" | "member";

export interface User {
  name: string;
  /** Epoch ms. */
  joinedAt: number;
  role: Role;
}

/** The host's room settings, in every `welcome` and after every `slow` or `lock`. */
export interface RoomSettings {
  /** Seconds between two messages of one name; 0 = off. */
  slowSeconds: number;
  locked: boolean;
}

export interface ChatMessage {
  type: "message";
  seq: number;
  ts: number;
  from: string;
  /** The sender's role when the message was sent (kept with it): the page marks the host's. */
  role: Role;
  text: string;
  id?: string;
  /** Asked as a question (the class upvotes it; the host marks it answered): see `QuestionSummary`. */
  question?: true;
}

/**
 * A closed poll as the room keeps it: an entry of the history under its own seq, like a message
 * (delete, clear, trimming and expiry take it as they take a message). Sent once as the final
 * `survey` frame of that poll.
 */
export interface SurveyResult extends SurveyFrame {
  open: false;
  seq: number;
  /** Epoch ms: when it closed. */
  ts: number;
}

/** What a room's history holds, in seq order: messages (questions among them) and closed polls. */
export type HistoryEntry = ChatMessage | SurveyResult;

/**
 * A poll (on the wire `survey`: "poll" names HTTP polling here). While open, sent on opening and
 * then aggregated (at most every `LIMITS.tallyIntervalMs`) as its counts change; on closing, once
 * more as a `SurveyResult` (`open: false`, with a seq).
 */
export interface SurveyFrame {
  type: "survey";
  /** Random, per poll: what a `survey_vote` names. */
  id: string;
  question: string;
  options: string[];
  open: boolean;
  /** Votes per option, in `options`' order. */
  counts: number[];
  /** `welcome.survey` only: the option this member chose (absent: none). */
  mine?: number;
  seq?: number;
  ts?: number;
}

/** A question as `welcome.questions` lists it: the message, its votes now and this member's own. */
export interface QuestionSummary {
  seq: number;
  ts: number;
  from: string;
  text: string;
  count: number;
  answered: boolean;
  /** This member (its name or its session) has voted for it. */
  mine: boolean;
}

/**
 * Question votes, aggregated: at most one frame every `LIMITS.tallyIntervalMs` for the whole
 * room, carrying only the questions whose count changed since the last (seq → votes now).
 */
export interface VotesFrame {
  type: "votes";
  counts: Record<string, number>;
}

/** The host marked a question answered, or not (broadcast as it came). */
export interface AnsweredFrame {
  type: "answered";
  seq: number;
  answered: boolean;
}

/** The upgrade request's headers that the teaching panel shows, in this order. */
export const HANDSHAKE_HEADERS = [
  "host",
  "connection",
  "upgrade",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "origin",
] as const;

/** The upgrade as the Worker saw it, for the page's teaching panel. */
export interface Handshake {
  request: { method: string; path: string; headers: Record<string, string> };
  response: { status: 101; statusText: "Switching Protocols"; headers: Record<string, string> };
}

/**
 * Where the request entered Cloudflare's network, as the edge measured it: only when deployed
 * (the request carried a `cf-ray` header). `clientTcpRtt` (ms) is absent over QUIC (HTTP/3),
 * where the edge measures no TCP round trip.
 */
export interface EdgeInfo {
  colo: string;
  clientTcpRtt?: number;
}

export interface RoomLimits {
  textMaxChars: number;
  frameMaxBytes: number;
  ratePerSecond: number;
  rateBurst: number;
}

export interface WelcomeFrame {
  type: "welcome";
  room: string;
  you: string;
  users: User[];
  seq: number;
  limits: RoomLimits;
  /** Messages and closed polls, in seq order (the newest `HISTORY_ON_JOIN`, or everything after `since`). */
  history: HistoryEntry[];
  /** Every kept question (apart from `history`, so a question older than it still shows), oldest first. */
  questions: QuestionSummary[];
  /** The open poll, with this member's choice (`mine`); absent when none is open. */
  survey?: SurveyFrame;
  /** Messages after `since` were trimmed from the history (never set for deletions). */
  gap?: true;
  /** The upgrade as the Worker saw it (WebSocket members). */
  handshake?: Handshake;
  /** An HTTP poller's welcome says so in place of the handshake. */
  transport?: "poll";
  /** The edge this join came through (deployed only), for the teaching panel. */
  edge?: EdgeInfo;
  /** The server's clock (epoch ms), for the page's latency figures. */
  now: number;
  role: Role;
  settings: RoomSettings;
  /** Random per life of the room's storage: a resume passes it back with `since`. */
  epoch: string;
  /** The resume's `epoch` was of an earlier life: this is a fresh welcome (recent history). */
  reset?: true;
  /** A resume: the room was cleared through this seq since `since`. */
  clearedThrough?: number;
  /** A resume: seqs deleted since `since` (their rows are gone; take them off the screen). */
  deleted?: number[];
  /** A resume: entries at or below `since` whose delete was undone since (put them back at their place). */
  restored?: HistoryEntry[];
  /** The message the host pinned, whole (however old); absent when nothing is pinned. */
  pinned?: ChatMessage;
  /** A host's welcome only: who is removed now (as in `removals`). */
  removals?: Removal[];
  /** A host's welcome only: who waits to be let in (see `KnocksFrame`). */
  knocks?: Knock[];
}

/** A removed name, as it was shown, and when its removal ends (epoch ms). */
export interface Removal {
  name: string;
  until: number;
}

/**
 * To the hosts alone, when a removal starts or is lifted: the whole list of who is removed now,
 * newest first, at most `LIMITS.removalsListed`.
 */
export interface RemovalsFrame {
  type: "removals";
  removals: Removal[];
}

/** Someone the locked room refused, waiting to be let in: never their session. */
export interface Knock {
  /** Opaque, random: what the host's `let_in` or `refuse` names. */
  id: string;
  name: string;
  /** Epoch ms: when this knock was first made. */
  at: number;
}

/** To the room's hosts alone, on every transport: everyone waiting now (the whole list), when it changes. */
export interface KnocksFrame {
  type: "knocks";
  knocks: Knock[];
}

/** A host deleted a message (to everyone), or the confirmation of a resend of a deleted one. */
export interface DeletedFrame {
  type: "deleted";
  seq: number;
  id?: string;
}

/** A host undid a delete (within `LIMITS.undoMs`): the message is back, with its own seq. */
export interface RestoredFrame {
  type: "restored";
  message: HistoryEntry;
}

/** The host pinned a message (shown above the log and on the projector), or unpinned (null). */
export interface PinnedFrame {
  type: "pinned";
  message: ChatMessage | null;
}

/** A host cleared the room: every message through `seq` is gone. */
export interface ClearedFrame {
  type: "cleared";
  seq: number;
}

export interface SettingsFrame extends RoomSettings {
  type: "settings";
}

export interface PresenceFrame {
  type: "presence";
  joined: User[];
  left: string[];
}

/**
 * Your role changed (to you alone, on every transport): the room was given up, claimed anew or
 * reclaimed, so the key this connection hosted with is no longer the room's.
 */
export interface RoleFrame {
  type: "role";
  role: Role;
}

/** To everyone when roles change: these users, as they are now (the others are unchanged). */
export interface RolesFrame {
  type: "roles";
  users: User[];
}

export interface TypingFrame {
  type: "typing";
  from: string;
}

export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  id?: string;
  /** `slow_mode`: when the next message may go; `join_busy`: when to join again. */
  retryAfterMs?: number;
}

export type ServerFrame =
  | WelcomeFrame
  | PresenceFrame
  | ChatMessage
  | TypingFrame
  | ErrorFrame
  | DeletedFrame
  | RestoredFrame
  | PinnedFrame
  | ClearedFrame
  | SettingsFrame
  | RoleFrame
  | RolesFrame
  | RemovalsFrame
  | KnocksFrame
  | SurveyFrame
  | VotesFrame
  | AnsweredFrame;

/** Whether a history entry is a message (a question among them), not a closed poll. */
export const isMessage = (e: HistoryEntry): e is ChatMessage => e.type === "message";

/** A server message is one frame or an array of frames (coalesced under load). */
export function parseServerData(data: string): ServerFrame[] {
  const parsed: unknown = JSON.parse(data);
  return (Array.isArray(parsed) ? parsed : [parsed]) as ServerFrame[];
}

/** The room's answer to `GET /api/rooms/:room`. */
export interface RoomSnapshot {
  room: string;
  users: User[];
  seq: number;
}

/**
 * `GET /api/join-origin`: where join links should point. `publicUrl` is `PUBLIC_URL`'s origin (or
 * null: the page's own origin); `addresses` are origins `npm run serve` is reachable at on the
 * LAN (empty when it does not know any, and always on a deploy).
 */
export interface JoinOrigins {
  publicUrl: string | null;
  addresses: string[];
}

/** `GET /poll/:room/:client` → 200. */
export interface PollAnswer {
  cursor: string;
  frames: ServerFrame[];
}

/** `POST /poll/:room/:client` → 200: what the sender gets at once (usually nothing, or an error). */
export interface PollPostAnswer {
  frames: ServerFrame[];
}

/**
 * `POST /api/rooms/:room/host` → 201, and `POST /api/rooms/:room/host-links/exchange` → 200.
 * The room keeps only a hash of the key.
 */
export interface HostClaim {
  room: string;
  hostKey: string;
}

/**
 * `GET /api/rooms/:room/transcript?format=json` → 200: the kept messages (at most `HISTORY_LIMIT`),
 * in seq order, deleted and cleared ones absent; `exportedAt` in epoch ms.
 */
export interface Transcript {
  room: string;
  exportedAt: number;
  /** The IANA time zone the request named (`tz`, default UTC): the Markdown's times are in it. */
  timeZone: string;
  messages: ChatMessage[];
  /** Each kept question's votes and answered mark, oldest first (its text is the message of that seq). */
  questions: { seq: number; count: number; answered: boolean }[];
  /** The kept closed polls (their results), in seq order; the Markdown puts each at its place among the messages. */
  surveys: SurveyResult[];
}

/** `POST /api/rooms/:room/host-links` → 201: a one-time token for `/?room=R#hostlink=<token>`. */
export interface HostLink {
  room: string;
  token: string;
  /** Epoch ms: the token is refused from then on. */
  expiresAt: number;
}

// ---------------------------------------------------------------------------------------------
// Counting

/** Counts code points, as every limit of the contract does. */
export const codePointLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * UTF-8 bytes of a string as it travels, without encoding it: what `TextEncoder` would make of
 * it, a lone surrogate included (U+FFFD, 3 bytes). The one byte count of the project: the frame
 * limit, the room's backlog, the page's acks and cost figures, the bench.
 */
export function utf8ByteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c <= 0xdbff && c >= 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: two units, four bytes
      i++;
    } else n += 2;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Names and rooms

// Letters, marks and digits of any script, ZWNJ (Persian), and - _ . ; nothing invisible else.
const WORD = "[\\p{L}\\p{M}\\p{N}\\u200C_.\\-]";
const ROOM_RE = new RegExp(`^${WORD}+$`, "u");
const NAME_RE = new RegExp(`^${WORD}+(?: ${WORD}+)*$`, "u");
const ONLY_DOTS = /^\.+$/;
// ZWNJ where Persian uses it: after a letter (or its marks) and before a letter.
const JOINING_ZWNJ = /(?<=[\p{L}\p{M}])\u200C(?=\p{L})/gu;
// Invisible characters that the letter and mark classes let through (the Hangul filler,
// variation selectors, the combining grapheme joiner, …): they would make look-alike names.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/** Letters, marks, digits and `-_.` (and `space` for names); nothing invisible; not only dots. */
function isVisibleWord(s: string, re: RegExp): boolean {
  return re.test(s) && !ONLY_DOTS.test(s) && !INVISIBLE.test(s.replace(JOINING_ZWNJ, ""));
}

/** Returns the NFC room name, or null when it breaks the contract. Case-sensitive. */
export function parseRoomName(raw: string): string | null {
  const room = raw.normalize("NFC");
  const n = codePointLength(room);
  if (n < 1 || n > LIMITS.roomMaxChars || !isVisibleWord(room, ROOM_RE)) return null;
  return room;
}

// Scripts whose letters stand in for each other (Cyrillic а, Greek ο for Latin a, o): a name
// never mixes them. Checked on the NFKC form, so `𝐒` (Common as typed) counts as Latin.
const LOOKALIKE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** Whether a name has letters of more than one of Latin, Cyrillic and Greek (`Sаrа`, Cyrillic а). */
export const mixesScripts = (name: string): boolean => {
  const compat = name.normalize("NFKC");
  return LOOKALIKE_SCRIPTS.filter((script) => script.test(compat)).length > 1;
};

/**
 * Returns the NFC, trimmed name, or null when it breaks the contract: too long, a character
 * outside the rule, no letter or digit (only marks, dots, dashes), or scripts mixed.
 */
export function parseUserName(raw: string): string | null {
  const name = raw.normalize("NFC").trim();
  const n = codePointLength(name);
  if (n < 1 || n > LIMITS.nameMaxChars || !isVisibleWord(name, NAME_RE)) return null;
  if (!LETTER_OR_DIGIT.test(name.normalize("NFKC")) || mixesScripts(name)) return null;
  return name;
}

/**
 * NFKC and a case fold (`toUpperCase().toLowerCase()`: full folding's effect on names, ß → ss,
 * ς → σ). The page tells names apart by it in its own lists; the room compares names by a
 * stronger key built on it (`src/room/name-key.ts`, with the confusables table the page never
 * bundles), so two names the room holds at once never fold alike.
 */
export const foldName = (name: string): string => name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");

// ---------------------------------------------------------------------------------------------
// Client → server frames

export interface ClientMessage {
  type: "message";
  text: string;
  id?: string;
  /** Ask it as a question. */
  question?: true;
}
/** Adds (`up`) or withdraws this member's one vote on question `seq`. */
export interface ClientVote {
  type: "vote";
  seq: number;
  up: boolean;
}
/** Chooses option `option` (0-based) of the open poll `survey`; may change while it is open. */
export interface ClientSurveyVote {
  type: "survey_vote";
  survey: string;
  option: number;
}
export interface ClientTyping {
  type: "typing";
}
/** Flow control: the highest message seq the client has processed. Never answered or stored. */
export interface ClientAck {
  type: "ack";
  seq: number;
}
/** Host frames: from anyone else each gets `not_host` and changes nothing. */
export type HostFrame =
  | { type: "delete"; seq: number }
  | { type: "undelete"; seq: number }
  | { type: "pin"; seq: number }
  | { type: "unpin" }
  | { type: "clear" }
  | { type: "remove"; name: string }
  | { type: "slow"; seconds: number }
  | { type: "lock"; locked: boolean }
  /** Lifts the removal of that name at once, with the sessions removed with it and their other names. */
  | { type: "let_back_in"; name: string }
  /** The waiting room: a knock's `id` from `knocks`. */
  | { type: "let_in"; knock: string }
  | { type: "refuse"; knock: string }
  /** Marks a question answered (or not); broadcast as it came. */
  | { type: "answered"; seq: number; answered: boolean }
  /** Opens a poll (one at a time): question and options checked as `LIMITS.survey*` say. */
  | { type: "survey_open"; question: string; options: string[] }
  /** Closes the open poll: its result becomes an entry of the history. */
  | { type: "survey_close" };
export type ClientFrame = ClientMessage | ClientTyping | ClientAck | ClientVote | ClientSurveyVote | HostFrame;

/** Message text as the server keeps it: line breaks as `\n`, trimmed. */
export const normaliseText = (raw: string): string => raw.replace(/\r\n?/g, "\n").trim();

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 132 random bits as 22 characters of [A-Za-z0-9_-]: a message `id` or a `session`. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let id = "";
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}
