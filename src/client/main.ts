/**
 * @module
 * The page's entry: picks the language, fills the join form (room from `/?room=demo` or
 * `/#demo`, name and room remembered), and swaps between the form and the chat.
 */
import { parseRoomName, parseUserName, type RefusalCode } from "../protocol";
import { Chat } from "./chat";
import { byId } from "./dom";
import { I18n, detectLang, type Key, type Lang } from "./i18n";
import { remembered, roomFromUrl, seat, sessionId } from "./storage";
import { HoodView } from "./view-hood";
import { ComposerView } from "./view-composer";
import { LogView } from "./view-log";
import { openProjector, takeProjectorRequest } from "./projector-link";
import { PeopleView } from "./view-people";
import { StatusView } from "./view-status";
import { TransportView } from "./view-transport";

const i18n = new I18n(detectLang(remembered.lang(), navigator.languages));
const session = sessionId();

const joinForm = byId<HTMLFormElement>("join");
const nameInput = byId<HTMLInputElement>("name");
const roomInput = byId<HTMLInputElement>("room");
const alertBox = byId("join-alert");
const chatView = byId("chat");
const leaveButton = byId<HTMLButtonElement>("leave");
const hoodToggle = byId<HTMLButtonElement>("hood-toggle");
const messageBox = byId<HTMLTextAreaElement>("message");

let chat: Chat | null = null;
let unread = 0;

const log = new LogView(i18n, byId("log"), byId("messages"), byId("pending"), byId("jump"), (n) => {
  unread = n;
  updateTitle();
});
const people = new PeopleView(i18n, byId("users"), byId("online-heading"), byId("typing"));
const status = new StatusView(i18n, byId("status"), {
  retryNow: () => chat?.conn.retryNow(),
  useHere: () => {
    const s = seat.get();
    if (s !== null) join(s.room, s.name);
  },
});
const transport = new TransportView(i18n, (kind) => chat?.conn.use(kind));
const hood = new HoodView(i18n, byId("hood"), hoodToggle, transport);
const composer = new ComposerView(
  i18n,
  byId("composer"),
  messageBox,
  byId("counter"),
  byId("send"),
  (text) => chat?.send(text),
  () => chat?.typing(),
);

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
  status.render();
  composer.update();
  if (!byId("hood").hidden) hood.render();
  updateTitle();
}

function updateTitle(): void {
  const base = chat === null ? i18n.t("title") : `${chat.room} · ${i18n.t("title")}`;
  document.title = unread > 0 ? `(${i18n.num(unread)}) ${base}` : base;
}

/** Back to the form. Unsent messages are dropped only when the user chose to leave. */
function showJoin(alert: string, discardUnsent = false): void {
  chat?.leave(discardUnsent);
  chat = null;
  seat.set(null);
  chatView.hidden = true;
  joinForm.hidden = false;
  leaveButton.hidden = true;
  hoodToggle.hidden = true;
  hood.open(false);
  alertBox.textContent = alert;
  status.set({ kind: "left" });
  updateTitle();
  (nameInput.value === "" || roomInput.value !== "" ? nameInput : roomInput).focus();
}

function join(room: string, name: string): void {
  chat?.leave(false);
  log.clear();
  people.clear();
  hood.clear();
  alertBox.textContent = "";
  joinForm.hidden = true;
  chatView.hidden = false;
  leaveButton.hidden = false;
  hoodToggle.hidden = false;
  seat.set({ room, name });
  chat = new Chat(
    i18n,
    room,
    name,
    session,
    { log, people, status, hood, transport },
    {
      refused: (code: RefusalCode) => {
        showJoin(i18n.error(code));
        if (code === "name_taken" || code === "invalid_name") nameInput.select();
      },
    },
  );
  updateTitle();
  messageBox.focus();
}

joinForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const name = parseUserName(nameInput.value);
  const room = parseRoomName(roomInput.value.trim());
  if (name === null) {
    alertBox.textContent = nameInput.value.trim() === "" ? i18n.t("emptyName") : i18n.error("invalid_name");
    return nameInput.focus();
  }
  if (room === null) {
    alertBox.textContent = i18n.error("invalid_room");
    return roomInput.focus();
  }
  remembered.save(name, room);
  // The address bar becomes the link to share.
  history.replaceState(null, "", `/?room=${encodeURIComponent(room)}`);
  join(room, name);
});

leaveButton.addEventListener("click", () => showJoin("", true));

byId("lang").addEventListener("click", () => {
  const next: Lang = i18n.lang === "fa" ? "en" : "fa";
  remembered.saveLang(next);
  applyLanguage(next);
});

addEventListener("online", () => chat?.conn.retryNow());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  chat?.conn.retryNow();
  log.seen();
});

// Start: the form, filled in; a reload of a joined tab goes straight back in.
applyLanguage(i18n.lang);
const kept = seat.get();
const linked = roomFromUrl(location);
nameInput.value = kept?.name ?? remembered.name() ?? "";
roomInput.value = linked ?? kept?.room ?? remembered.room() ?? "";
const projector = takeProjectorRequest();
if (projector !== null) {
  joinForm.hidden = true;
  void openProjector(i18n, projector, document.querySelector("main") ?? document.body);
} else if (kept !== null && (linked === null || linked === kept.room)) join(kept.room, kept.name);
else showJoin("");
