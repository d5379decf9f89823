/**
 * @module
 * The host's tools above the log: New poll (survey-form.ts), Clear room (a dialog that offers the transcript first),
 * Download transcript, Slow mode (off, 10, 30, 60 s), Lock room (a toggle that says its state:
 * "Locked · Unlock"), Copy host link, Projector, Compare transports and Forget host key. They show the room's
 * settings as the room last said them, also on the phone's folded button ("Host tools · Slow
 * 30 s"; the lock has its mark in the header). The host key itself is never put on screen: the
 * link goes to the clipboard and the projector opens in a new tab.
 */
import type { HostFrame, RoomSettings } from "../protocol";
import { copyText } from "./clipboard";
import { choose } from "./dialog";
import { byId, el, withNames } from "./dom";
import type { I18n, Key } from "./i18n";
import { surveyForm } from "./survey-form";

/** The choices of the Slow mode menu, in seconds (0 = off). */
export const SLOW_CHOICES = [0, 10, 30, 60];
/** The "copied" note goes away after this long. */
const NOTE_MS = 6000;

export interface HostActions {
  room: () => string;
  moderate: (frame: HostFrame) => void;
  /** The projector's link for this room (`/?room=<room>&view=projector#host=<key>`). */
  link: (projector: boolean) => string;
  /** Compare transports for this room (`/?room=<room>&view=race`: it reads the kept key itself). */
  raceLink: () => string;
  /** A one-time host link (`/?room=<room>#hostlink=<token>`), made by the room; null when it could not be. */
  oneTimeLink: () => Promise<string | null>;
  forget: () => void;
  /** Downloads the room's transcript (a file); false when it could not be. */
  transcript: () => Promise<boolean>;
}

export class HostView {
  private settings: RoomSettings = { slowSeconds: 0, locked: false };
  private readonly slow = byId<HTMLSelectElement>("slow");
  private readonly lock = byId<HTMLButtonElement>("lock-room");
  private readonly note = byId("host-note");
  private readonly state = byId("host-state");
  private noteTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the note says, as a key: a language switch says it again in the new language. */
  private noteKey: Key | null = null;

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement,
    actions: HostActions,
  ) {
    byId("clear-room").addEventListener("click", async () => {
      const choice = await choose({
        title: i18n.t("clearTitle"),
        body: withNames(i18n.raw("clearConfirm"), { room: actions.room() }),
        choices: [
          { value: "save", label: i18n.t("clearSaveFirst") },
          { value: "clear", label: i18n.t("clearWithoutSaving"), danger: true },
        ],
        cancel: i18n.t("clearCancel"),
      });
      if (choice === null) return;
      // "Download first" clears only once the file is saved: a failed download keeps the messages.
      if (choice === "save" && !(await actions.transcript())) return this.say("transcriptNotCleared");
      actions.moderate({ type: "clear" });
    });
    // New poll: the form checks it as the room will; the room's refusal, if any, is said in the log.
    byId("new-poll").addEventListener("click", async () => {
      const poll = await surveyForm(i18n);
      if (poll !== null) actions.moderate({ type: "survey_open", ...poll });
    });
    byId("download-transcript").addEventListener("click", async () => {
      this.say((await actions.transcript()) ? "transcriptSaved" : "transcriptFailed");
    });
    this.slow.addEventListener("change", () => actions.moderate({ type: "slow", seconds: Number(this.slow.value) }));
    this.lock.addEventListener("click", () => actions.moderate({ type: "lock", locked: !this.settings.locked }));
    const copy = byId<HTMLButtonElement>("copy-host-link");
    copy.addEventListener("click", async () => {
      const ok = await copyText(actions.oneTimeLink());
      copy.focus();
      this.say(ok ? "hostLinkCopied" : "hostLinkNotCopied");
    });
    byId("open-projector").addEventListener("click", () => open(actions.link(true), "_blank", "noopener"));
    byId("open-race").addEventListener("click", () => open(actions.raceLink(), "_blank", "noopener"));
    byId("forget-host").addEventListener("click", () => actions.forget());
  }

  /** After a welcome or a settings frame: shown to the host only, with the room's settings. */
  show(host: boolean, settings: RoomSettings): void {
    this.root.hidden = !host;
    this.settings = settings;
    if (!host) this.say(null);
    this.render();
  }

  render(): void {
    const t = this.i18n;
    const choices = [...new Set([...SLOW_CHOICES, this.settings.slowSeconds])].sort((a, b) => a - b);
    this.slow.replaceChildren(
      ...choices.map((n) =>
        el("option", { text: n === 0 ? t.t("slowNone") : t.t("seconds", { n }), attrs: { value: String(n) } }),
      ),
    );
    this.slow.value = String(this.settings.slowSeconds);
    // The label is the state: a pressed look alone never said whether the room was locked.
    this.lock.textContent = t.t(this.settings.locked ? "lockedUnlock" : "lockRoom");
    this.lock.classList.toggle("on", this.settings.locked);
    // Folded on a phone, the button still says slow mode (the lock has its mark in the header).
    const slow = this.settings.slowSeconds;
    this.state.textContent = slow > 0 ? ` · ${t.t("slowState", { n: slow })}` : "";
    this.note.textContent = this.noteKey === null ? "" : t.t(this.noteKey);
    this.note.dir = t.lang === "fa" ? "rtl" : "ltr";
  }

  private say(key: Key | null): void {
    clearTimeout(this.noteTimer);
    this.noteKey = key;
    this.note.textContent = key === null ? "" : this.i18n.t(key);
    this.note.dir = this.i18n.lang === "fa" ? "rtl" : "ltr";
    if (key !== null) this.noteTimer = setTimeout(() => this.say(null), NOTE_MS);
  }
}
