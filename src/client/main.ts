/**
 * @module
 * The page's entry: picks the language, fills the join form (room from `/?room=demo` or
 * `/#demo`, name and room remembered), and swaps between the form and the chat. "Host this
 * room" claims the room and keeps its host key in this browser (so does a host link,
 * `/?room=demo#host=<key>`, whose key leaves the address bar at once); with a kept key the page
 * joins as the host.
 */
import {
  foldName,
  type HostClaim,
  type HostLink,
  type RefusalCode,
  mixesScripts,
  parseRoomName,
  parseUserName,
} from "../protocol";
import { Chat } from "./chat";
import { copyText } from "./clipboard";
import { direction } from "./direction";
import { disclosure } from "./disclosure";
import { choose } from "./dialog";
import { byId, withNames } from "./dom";
import { I18n, detectLang, type Key, type Lang } from "./i18n";
import {
  hostKeyFromUrl,
  hostKeys,
  hostLinkTokenFromUrl,
  remembered,
  roomFromUrl,
  rooms,
  seat,
  teacherPassphrase,
} from "./storage";
import { joinOrigins, roomJoinLink } from "./join-link";
import { keepAtBottom } from "./keep-bottom";
import { TabCensus } from "./tab-census";
import { HoodView } from "./view-hood";
import { ComposerView } from "./view-composer";
import { downloadTranscript } from "./transcript";
import { HostView } from "./view-host";
import { KnocksView } from "./view-knocks";
import { LogView } from "./view-log";
import { PinnedView } from "./view-pinned";
import { openProjector, type ProjectorRequest, takeProjectorRequest } from "./projector-link";
import { openRace, raceLink, raceRoom } from "./race-link";
import { PeopleView } from "./view-people";
import { QuestionBoard } from "./question-board";
import { QuestionsView } from "./view-questions";
import { RemovedView } from "./view-removed";
import { StatusView } from "./view-status";
import { SurveyView } from "./view-survey";
import { TransportView } from "./view-transport";

const i18n = new I18n(detectLang(remembered.lang(), navigator.languages));
const linked = roomFromUrl(location);
// The projector view first: a key typed into its fragment is taken out of the address bar at
// once and kept in memory only; without one it uses the key this browser keeps for the room.
const projector = withKeptKey(takeProjectorRequest());
// A host link's key leaves the address bar (and the history) before anything else happens: the
// screen may be projected. It is only tried: the key this browser keeps for the room stays until
// the room accepts the new one, so a link from anywhere cannot destroy the teacher's key.
let linkKey: { room: string; key: string } | null = null;
const keyInUrl = projector === null ? hostKeyFromUrl(location) : null;
if (keyInUrl !== null) {
  history.replaceState(null, "", location.pathname + location.search);
  const r = parseRoomName(linked ?? "");
  if (r !== null && hostKeys.get(r) !== keyInUrl) linkKey = { room: r, key: keyInUrl };
}

/** The projector of a room this browser hosts gets the kept key: no key in its URL. */
function withKeptKey(req: ProjectorRequest | null): ProjectorRequest | null {
  if (req === null || req.key !== undefined) return req;
  const room = parseRoomName(req.room.trim());
  const key = room === null ? null : hostKeys.get(room);
  return key === null ? req : { ...req, key };
}
// A one-time host link: its token leaves the address bar too, and is exchanged for the key below.
const linkedToken = projector === null ? hostLinkTokenFromUrl(location) : null;
if (linkedToken !== null) history.replaceState(null, "", location.pathname + location.search);

const joinForm = byId<HTMLFormElement>("join");
const nameInput = byId<HTMLInputElement>("name");
const roomInput = byId<HTMLInputElement>("room");
const alertBox = byId("join-alert");
const chatView = byId("chat");
const leaveButton = byId<HTMLButtonElement>("leave");
const hoodToggle = byId<HTMLButtonElement>("hood-toggle");
const messageBox = byId<HTMLTextAreaElement>("message");
const hostHere = byId("host-here");
const hostJoin = byId<HTMLButtonElement>("host-join");
const copyJoin = byId<HTMLButtonElement>("copy-join");
const questionsToggle = byId<HTMLButtonElement>("questions-toggle");
const reclaimButton = byId<HTMLButtonElement>("reclaim");
const teacherToggle = byId<HTMLButtonElement>("teacher");
const passphraseInput = byId<HTMLInputElement>("passphrase");
const roomName = byId("room-name");
const roomTitle = byId("room-title");
const alone = byId("alone");

let chat: Chat | null = null;
let unread = 0;
/** The class's questions: the log's upvotes and the Questions view read the one board. */
const board = new QuestionBoard();

/** This tab answers the others' census while it is in a room (not once another tab replaced it). */
const census = new TabCensus(() =>
  chat !== null && chat.transport.status.kind !== "replaced" ? { room: chat.room, name: chat.name } : null,
);

const log = new LogView(
  i18n,
  byId("log"),
  byId("messages"),
  byId("pending"),
  byId("jump"),
  (n) => {
    unread = n;
    updateTitle();
  },
  (frame) => chat?.moderate(frame),
  board,
  (seq, up) => chat?.upvote(seq, up),
);
const questions = new QuestionsView(
  i18n,
  board,
  {
    root: byId("questions"),
    list: byId("questions-list"),
    empty: byId("questions-empty"),
    filter: byId("questions-unanswered"),
    close: byId("questions-close"),
    toggle: byId("questions-toggle"),
    count: byId("questions-n"),
  },
  {
    vote: (seq, up) => chat?.upvote(seq, up),
    answered: (seq, answered) => chat?.moderate({ type: "answered", seq, answered }),
  },
);
const pinned = new PinnedView(
  { root: byId("pinned"), from: byId("pinned-from"), text: byId("pinned-text"), unpin: byId("unpin") },
  () => chat?.moderate({ type: "unpin" }),
);
const survey = new SurveyView(
  i18n,
  byId("survey"),
  { vote: (option) => chat?.vote(option), close: () => chat?.moderate({ type: "survey_close" }) },
  byId<HTMLButtonElement>("new-poll"),
);
keepAtBottom(
  byId("log"),
  () => log.atBottom(),
  () => log.toBottom(),
);
// Phones: the header's other tools and the host's tools fold (style.css decides where).
disclosure(byId<HTMLButtonElement>("menu-toggle"), byId("more"), true);
disclosure(byId<HTMLButtonElement>("host-tools-toggle"), byId("host-tools-body"));
const people = new PeopleView(
  i18n,
  {
    root: byId("people"),
    list: byId("users"),
    heading: byId("online-heading"),
    typingLine: byId("typing"),
    toggle: byId("people-toggle"),
    search: byId("people-search"),
  },
  (name) => chat?.moderate({ type: "remove", name }),
);
const removed = new RemovedView(
  i18n,
  byId<HTMLDetailsElement>("removed"),
  byId("removed-count"),
  byId<HTMLUListElement>("removed-list"),
  (name) => chat?.moderate({ type: "let_back_in", name }),
);
const lockMark = byId("lock-mark");
const status = new StatusView(i18n, byId("status"), {
  retryNow: () => chat?.transport.retryNow(),
  useHere: () => {
    const s = seat.get();
    if (s !== null) join(s.room, s.name);
  },
  cancelKnock: () => showJoin("", true),
});
const transport = new TransportView(i18n, (kind) => chat?.transport.use(kind));
const hood = new HoodView(i18n, byId("hood"), hoodToggle, transport);
const composer = new ComposerView(
  i18n,
  byId("composer"),
  messageBox,
  byId("counter"),
  byId("send"),
  (text, question) => chat?.post(text, question),
  () => chat?.typing(),
  byId("slow-wait"),
  byId("ask"),
);
const host = new HostView(i18n, byId("host-tools"), {
  room: () => chat?.room ?? "",
  moderate: (frame) => chat?.moderate(frame),
  link: (projector) => {
    const room = chat?.room ?? "";
    // The projector, in this browser, reads the kept key itself: its address shows no key.
    if (projector) return `${location.origin}/?room=${encodeURIComponent(room)}&view=projector`;
    return `${location.origin}/?room=${encodeURIComponent(room)}#host=${hostKeys.get(room) ?? ""}`;
  },
  raceLink: () => raceLink(chat?.room ?? ""),
  oneTimeLink: () => oneTimeLink(chat?.room ?? ""),
  forget: () => void forgetHost(chat?.room ?? ""),
  transcript: () => {
    const room = chat?.room ?? "";
    const key = hostKeys.get(room);
    return key === null ? Promise.resolve(false) : downloadTranscript(room, key, i18n.lang);
  },
});

const knocks = new KnocksView(i18n, byId("knocks"), byId("knocks-live"), (frame) => chat?.moderate(frame));
// On a phone both lists open over the log's space: one at a time, so neither covers the other.
const removedBox = byId<HTMLDetailsElement>("removed");
knocks.onOpen = () => {
  removedBox.open = false;
};
removedBox.addEventListener("toggle", () => {
  if (removedBox.open) knocks.close();
});

function applyLanguage(lang: Lang): void {
  i18n.lang = lang;
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "fa" ? "rtl" : "ltr";
  for (const node of document.querySelectorAll<HTMLElement>("[data-t]"))
    node.textContent = i18n.t(node.dataset.t as Key);
  for (const node of document.querySelectorAll<HTMLElement>("[data-t-label]")) {
    node.setAttribute("aria-label", i18n.t(node.dataset.tLabel as Key));
  }
  messageBox.placeholder = i18n.t("message");
  byId("lang").setAttribute("lang", lang === "fa" ? "en" : "fa");
  log.relabel();
  transport.render();
  people.render();
  removed.render();
  status.render();
  composer.update();
  composer.countdown();
  host.render();
  knocks.render();
  survey.render();
  questions.render();
  if (!byId("hood").hidden) hood.render();
  updateTitle();
}

function updateTitle(): void {
  const base = chat === null ? i18n.t("title") : `${chat.room} · ${i18n.t("title")}`;
  document.title = unread > 0 ? `(${i18n.num(unread)}) ${base}` : base;
}

/** Back to the form. Unsent messages are dropped only when the user chose to leave. */
function showJoin(alert: string, discardUnsent = false): void {
  // Out of the room (left, or refused): a new tab no longer goes in by itself under this name. A
  // replaced tab's name is the other tab's now: it stays.
  const out = chat !== null && chat.transport.status.kind !== "replaced" ? chat : null;
  if (out !== null && foldName(rooms.name(out.room) ?? "") === foldName(out.name)) rooms.setName(out.room, null);
  chat?.leave(discardUnsent);
  chat = null;
  seat.set(null);
  chatView.hidden = true;
  joinForm.hidden = false;
  leaveButton.hidden = true;
  copyJoin.hidden = true;
  questionsToggle.hidden = true;
  questions.clear();
  roomName.hidden = true;
  alone.hidden = true;
  hoodToggle.hidden = true;
  hood.open(false);
  host.show(false, { slowSeconds: 0, locked: false });
  removed.set([]);
  lockMark.hidden = true;
  knocks.show([]);
  survey.show(null, false);
  composer.slowUntil(0);
  updateHostHere();
  alertBox.textContent = alert;
  status.set({ kind: "left" });
  updateTitle();
  (nameInput.value === "" || roomInput.value !== "" ? nameInput : roomInput).focus();
}

/** Joins `room` as `name`: as its host when this browser keeps a key for it. */
function join(room: string, name: string): void {
  chat?.leave(false);
  host.show(false, { slowSeconds: 0, locked: false });
  removed.set([]);
  lockMark.hidden = true;
  knocks.show([]);
  survey.show(null, false);
  composer.slowUntil(0);
  log.clear();
  people.clear();
  hood.clear();
  alertBox.textContent = "";
  joinForm.hidden = true;
  chatView.hidden = false;
  leaveButton.hidden = false;
  copyJoin.hidden = false;
  questionsToggle.hidden = false;
  questions.clear();
  composer.setAsking(false);
  hoodToggle.hidden = false;
  showRoomName(room);
  seat.set({ room, name });
  // Asked now, so that Copy join link has its origin at hand (the plain-http copy needs the click's moment).
  void joinOrigins();
  rooms.setName(room, name);
  const trying = linkKey?.room === room ? linkKey.key : undefined;
  chat = new Chat(
    i18n,
    room,
    name,
    rooms.session(room),
    { log, people, status, hood, transport, composer, pinned, survey, questions },
    {
      refused: (code: RefusalCode) => {
        if (code === "host_key_invalid" && trying !== undefined) {
          // A link's key the room does not take: forget it, never the kept one, and go in with that.
          linkKey = null;
          if (hostKeys.get(room) !== null) return join(room, name);
          return showJoin(i18n.t("hostLinkInvalid"));
        }
        // The room no longer takes the kept key (given up elsewhere, or the room expired).
        if (code === "host_key_invalid") hostKeys.set(room, null);
        showJoin(i18n.error(code));
        if (code === "name_taken" || code === "invalid_name") nameInput.select();
      },
      role: (isHost, settings) => {
        // The room took the link's key: now it is the one this browser keeps.
        if (isHost && trying !== undefined) {
          hostKeys.set(room, trying);
          linkKey = null;
        }
        host.show(isHost, settings);
        // Everyone sees that the room is locked, in the header.
        lockMark.hidden = !settings.locked;
      },
      removals: (list, offset) => removed.set(list, offset),
      // Alone in the room: the hint says how to bring someone in.
      present: (n) => {
        alone.hidden = n > 1;
        void roomJoinLink(room).then((link) => {
          byId("alone-link").textContent = link;
        });
      },
      knocks: (list) => knocks.show(list),
      // Forgotten only if it is still the key kept for this room (another tab may have kept a newer one).
      hostEnded: (key) => {
        if (hostKeys.get(room) === key) hostKeys.set(room, null);
      },
    },
    trying ?? hostKeys.get(room) ?? undefined,
  );
  updateTitle();
  messageBox.focus();
}

/** Why a typed name is refused, as a sentence a student can act on. */
function nameProblem(typed: string): string {
  if (typed === "") return i18n.t("emptyName");
  // Emoji (flags too) are neither letters nor digits: said in so many words.
  if (/[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(typed)) return i18n.t("nameEmoji");
  return mixesScripts(typed) ? i18n.t("mixedScripts") : i18n.error("invalid_name");
}

/** The room's name in the header (cut with an ellipsis on a phone; the tooltip has it whole). */
function showRoomName(room: string): void {
  roomName.hidden = false;
  roomName.title = room;
  roomTitle.textContent = room;
  roomName.dir = direction(room);
}

/** The form's name and room, or null (the alert says what is wrong). */
function readForm(): { name: string; room: string } | null {
  const name = parseUserName(nameInput.value);
  const room = parseRoomName(roomInput.value.trim());
  if (name === null) {
    const typed = nameInput.value.trim();
    alertBox.textContent = nameProblem(typed);
    nameInput.focus();
    return null;
  }
  if (room === null) {
    alertBox.textContent = i18n.error("invalid_room");
    roomInput.focus();
    return null;
  }
  return { name, room };
}

function enter({ name, room }: { name: string; room: string }): void {
  remembered.save(name, room);
  // The address bar becomes the link to share.
  history.replaceState(null, "", `/?room=${encodeURIComponent(room)}`);
  join(room, name);
}

joinForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const form = readForm();
  if (form !== null) enter(form);
});

/** Host this room: claim it (unless a key is kept), then join as its host. */
hostJoin.addEventListener("click", () => void hostRoom(false));
// With the passphrase, a teacher whose key was lost takes the room back: a new key, the old one void.
reclaimButton.addEventListener("click", () => void hostRoom(true));

async function hostRoom(reclaim: boolean): Promise<void> {
  const form = readForm();
  if (form === null) return;
  reclaimButton.hidden = true;
  // A host link's key is tried by the join itself; only a browser with no key claims.
  if (reclaim || (hostKeys.get(form.room) === null && linkKey?.room !== form.room)) {
    alertBox.textContent = "";
    hostJoin.disabled = true;
    const why = await claim(form.room, reclaim);
    hostJoin.disabled = false;
    if (why !== null) {
      alertBox.textContent = why;
      return;
    }
  }
  enter(form);
}

/**
 * `POST /api/rooms/:room/host`: null when the key is now kept, else a sentence for the alert. A
 * deployment with a teacher passphrase answers 401 until it comes (`Authorization: Bearer`); the
 * page then asks for it once and keeps it in this browser when it works.
 */
async function claim(room: string, reclaim: boolean): Promise<string | null> {
  const passphrase = passphraseInput.value !== "" ? passphraseInput.value : teacherPassphrase.get();
  const headers: Record<string, string> = passphrase === null ? {} : { Authorization: `Bearer ${passphrase}` };
  try {
    const url = `/api/rooms/${encodeURIComponent(room)}/host${reclaim ? "?reclaim=1" : ""}`;
    const res = await fetch(url, { method: "POST", headers });
    if (res.status === 401 || res.status === 403) {
      teacherPassphrase.set(null);
      showPassphrase(true);
      return i18n.t(res.status === 401 ? "passphraseRequired" : "passphraseInvalid");
    }
    if (passphrase !== null && res.status !== 500) teacherPassphrase.set(passphrase);
    if (res.status === 409) {
      // Only a deployment with a passphrase can tell the teacher from a student: only there.
      reclaimButton.hidden = passphrase === null;
      return i18n.t("hostTaken");
    }
    if (!res.ok) return i18n.t("hostClaimFailed");
    showPassphrase(false);
    hostKeys.set(room, ((await res.json()) as HostClaim).hostKey);
    return null;
  } catch {
    return i18n.t("hostClaimFailed");
  }
}

function showPassphrase(shown: boolean): void {
  passphraseInput.hidden = !shown;
  passphraseInput.labels?.forEach((l) => {
    l.hidden = !shown;
  });
  if (shown) passphraseInput.focus();
  else passphraseInput.value = "";
}

/**
 * Host this room is the teacher's: hidden behind "I'm the teacher" (so a class does not see it),
 * shown at once where this browser keeps a key for the room or holds a host link.
 */
function showHostJoin(shown: boolean): void {
  hostJoin.hidden = !shown;
  teacherToggle.setAttribute("aria-expanded", String(shown));
  teacherToggle.hidden = shown;
}
teacherToggle.addEventListener("click", () => {
  showHostJoin(true);
  hostJoin.focus();
});

/** `POST /api/rooms/:room/host-links`: a link with a one-time token in place of the key, or null. */
async function oneTimeLink(room: string): Promise<string | null> {
  const key = hostKeys.get(room);
  if (key === null) return null;
  try {
    const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/host-links`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}` },
    });
    if (!res.ok) return null;
    const { token } = (await res.json()) as HostLink;
    return `${location.origin}/?room=${encodeURIComponent(room)}#hostlink=${token}`;
  } catch {
    return null;
  }
}

/** The other device's half: the token for the key, kept like a claimed one (once: the token is then used up). */
async function exchangeHostLink(rawRoom: string | null, token: string): Promise<void> {
  const room = parseRoomName(rawRoom ?? "");
  if (room === null) return;
  let key: string | null = null;
  try {
    const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/host-links/exchange`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.ok) key = ((await res.json()) as HostClaim).hostKey;
  } catch {
    // As a refusal: the link cannot be used from here.
  }
  if (key === null) {
    if (chat === null) alertBox.textContent = i18n.t("oneTimeLinkInvalid");
    else log.notice("oneTimeLinkInvalid");
    return;
  }
  hostKeys.set(room, key);
  const s = seat.get();
  if (chat?.room === room && s !== null) join(room, s.name);
  else {
    updateHostHere();
    alertBox.textContent = i18n.t("oneTimeLinkUsed");
  }
}

/**
 * Forget host key: one question with its choices spelled out. "Forget on this device only" drops
 * the key here (another device with the host link keeps hosting); "Give the room up" also gives
 * it up (`DELETE`), so no device hosts it and anyone may claim it. In the room, the page joins
 * again as a member; Cancel changes nothing.
 */
async function forgetHost(room: string): Promise<void> {
  const key = hostKeys.get(room);
  if (key === null) return;
  const choice = await choose({
    title: i18n.t("forgetHost"),
    body: withNames(i18n.raw("forgetAsk"), { room }),
    choices: [
      { value: "device", label: i18n.t("forgetDeviceOnly") },
      { value: "give-up", label: i18n.t("giveUp"), danger: true },
    ],
    cancel: i18n.t("cancel"),
  });
  if (choice === null || hostKeys.get(room) !== key) return;
  hostKeys.set(room, null);
  if (choice === "give-up") {
    const headers = { Authorization: `Bearer ${key}` };
    await fetch(`/api/rooms/${encodeURIComponent(room)}/host`, { method: "DELETE", headers }).catch(() => null);
  }
  const s = seat.get();
  if (chat?.room === room && s !== null) {
    join(room, s.name);
    log.notice("hostForgotten");
  } else {
    updateHostHere();
    alertBox.textContent = i18n.t("hostForgotten");
  }
}

/** The form says when this browser hosts the room in the Room box, and offers to forget it. */
function updateHostHere(): void {
  const room = parseRoomName(roomInput.value.trim());
  hostHere.hidden = room === null || hostKeys.get(room) === null;
  if (!hostHere.hidden || (room !== null && linkKey?.room === room)) showHostJoin(true);
}

roomInput.addEventListener("input", updateHostHere);
nameInput.addEventListener("input", () => {
  nameInput.dir = direction(nameInput.value);
});
byId("forget-host-form").addEventListener("click", () => {
  const room = parseRoomName(roomInput.value.trim());
  if (room !== null) void forgetHost(room);
});

leaveButton.addEventListener("click", () => showJoin("", true));

/** Everyone in a room can pass its join link on (never the host's: it carries no key), on PUBLIC_URL if set. */
copyJoin.addEventListener("click", async () => {
  if (chat === null) return;
  const ok = await copyText(roomJoinLink(chat.room));
  if (!ok) return;
  copyJoin.textContent = i18n.t("joinLinkCopied");
  setTimeout(() => {
    copyJoin.textContent = i18n.t("copyJoinLink");
  }, 3000);
});

byId("lang").addEventListener("click", () => {
  const next: Lang = i18n.lang === "fa" ? "en" : "fa";
  remembered.saveLang(next);
  applyLanguage(next);
});

addEventListener("online", () => chat?.transport.retryNow());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  chat?.transport.retryNow();
  log.seen();
});

/**
 * A tab that opens a room goes straight in under the name this browser is in it under (a reload,
 * or a phone that lost its tab: the room hands the name over to this browser's session), unless
 * another tab of this browser answers that it is in the room under that name: then the form, with
 * an empty name (the two-tab demo).
 */
async function start(kept: { room: string; name: string } | null): Promise<void> {
  const room = kept?.room ?? parseRoomName(roomInput.value.trim());
  const mine = kept?.name ?? (room === null ? null : rooms.name(room));
  if (room === null || mine === null) {
    showJoin("");
    // Only the remembered name to fill in: the form shows at once, and loses it if a tab is in as it.
    const asked = nameInput.value;
    if (room === null || asked === "" || !(await openElsewhere(room, asked))) return;
    if (chat !== null || nameInput.value !== asked) return; // joined, or typed, meanwhile
    nameInput.value = "";
    alertBox.textContent = i18n.t("openElsewhere", { name: asked });
    return;
  }
  joinForm.hidden = true;
  const elsewhere = await openElsewhere(room, mine);
  if (chat !== null) return; // joined meanwhile (a host link's exchange)
  if (!elsewhere) return join(room, mine);
  nameInput.value = "";
  showJoin(i18n.t("openElsewhere", { name: mine }));
}

/** Whether another tab of this browser answers that it is in `room` under `name`. */
async function openElsewhere(room: string, name: string): Promise<boolean> {
  return (await census.ask(room)).some((n) => foldName(n) === foldName(name));
}

// Start: the form, filled in; a reload of a joined tab goes straight back in.
applyLanguage(i18n.lang);
const kept = seat.get();
const seated = kept !== null && (linked === null || linked === kept.room) ? kept : null;
nameInput.value = seated?.name ?? remembered.name() ?? "";
roomInput.value = linked ?? kept?.room ?? remembered.room() ?? "";
const race = projector === null ? raceRoom(location) : null;
if (projector !== null) {
  joinForm.hidden = true;
  void openProjector(i18n, projector, document.querySelector("main") ?? document.body);
} else if (race !== null) {
  joinForm.hidden = true;
  void openRace(i18n, race, document.querySelector("main") ?? document.body);
} else void start(seated);
if (linkedToken !== null) void exchangeHostLink(linked, linkedToken);
