/**
 * @module
 * Which names this browser's other tabs are in a room under, asked over a BroadcastChannel
 * before a tab opens the room: a tab that is alive there answers at once, a frozen or closed one
 * cannot. So a second tab of the two-tab demo is not pre-filled with the first one's name, and a
 * phone that lost its tab rejoins under its name at once (the room hands it over to the same
 * session). Only this browser's tabs of this origin hear the channel; what they say is checked
 * like any input, and is never more than a hint (the room decides who gets in).
 */
import { parseUserName } from "../protocol";
import { TIMINGS } from "./timings";

/** The room and name a tab is in (null: in no room, or not any more: replaced, refused, left). */
export type Here = () => { room: string; name: string } | null;

interface Ask {
  ask: string;
  room: string;
}

interface Answer {
  answer: string;
  name: string;
}

export class TabCensus {
  private readonly channel: BroadcastChannel | null;
  private readonly waiting = new Map<string, (name: string) => void>();

  constructor(
    here: Here,
    channel: BroadcastChannel | null = typeof BroadcastChannel === "function" ? new BroadcastChannel("roomcast") : null,
  ) {
    this.channel = channel;
    if (channel === null) return;
    channel.onmessage = (e: MessageEvent<unknown>) => {
      const m = e.data as Partial<Ask & Answer> | null;
      if (typeof m !== "object" || m === null) return;
      if (typeof m.ask === "string" && typeof m.room === "string") {
        const mine = here();
        if (mine !== null && mine.room === m.room) channel.postMessage({ answer: m.ask, name: mine.name } as Answer);
      } else if (typeof m.answer === "string" && typeof m.name === "string" && parseUserName(m.name) !== null) {
        this.waiting.get(m.answer)?.(m.name);
      }
    };
  }

  /** The names the other tabs answer for `room` within `waitMs` (none without BroadcastChannel). */
  ask(room: string, waitMs = TIMINGS.censusMs): Promise<string[]> {
    const channel = this.channel;
    if (channel === null) return Promise.resolve([]);
    const id = Math.random().toString(36).slice(2);
    const names: string[] = [];
    this.waiting.set(id, (name) => names.length < 100 && names.push(name));
    channel.postMessage({ ask: id, room } as Ask);
    return new Promise((resolve) =>
      setTimeout(() => {
        this.waiting.delete(id);
        resolve(names);
      }, waitMs),
    );
  }
}
