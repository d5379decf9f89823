/**
 * @module
 * What HTTP pollers read: every frame the fan-out flushed, in order, numbered. A poller's
 * cursor is `<log id>.<index>`; the log id is random per instance, so after a restart every
 * cursor is unknown and its poller gets a fresh welcome. In memory only, bounded in bytes like a
 * socket's backlog: a cursor older than what is kept is unknown too. Each entry keeps its
 * audience, so a poller reads what a socket of its name and role would have got.
 */
import { randomId } from "../protocol";
import { type Audience, EVERYONE, type Reader, reaches } from "./audience";

interface Entry {
  index: number;
  json: string;
  bytes: number;
  audience: Audience;
}

export type Read =
  /** `indices`: each frame's index in the log (its cursor is the index after it). */
  | { known: true; frames: string[]; indices: number[]; next: number }
  /** Unknown cursor: another instance's, or older than what the log keeps. */
  | { known: false };

export class Feed {
  readonly id = randomId();
  private entries: Entry[] = [];
  private bytes = 0;
  /** The index the next entry gets; a cursor at `head` has read everything. */
  head = 0;

  constructor(private readonly maxBytes: number) {}

  append(json: string, audience: Audience = EVERYONE): void {
    const entry: Entry = { index: this.head++, json, bytes: json.length, audience };
    this.entries.push(entry);
    this.bytes += entry.bytes;
    let drop = 0;
    while (this.bytes > this.maxBytes && drop < this.entries.length - 1) this.bytes -= this.entries[drop++]!.bytes;
    if (drop > 0) this.entries = this.entries.slice(drop);
  }

  cursor(index: number = this.head): string {
    return `${this.id}.${index}`;
  }

  /** The index a cursor stands for, or null when it is not this log's. */
  indexOf(cursor: string): number | null {
    const dot = cursor.lastIndexOf(".");
    if (cursor.slice(0, dot) !== this.id) return null;
    const index = Number(cursor.slice(dot + 1));
    return Number.isSafeInteger(index) && index >= 0 && index <= this.head ? index : null;
  }

  /** Whether what follows `index` is all still here (a reader there can go on without a gap). */
  keeps(index: number): boolean {
    return index >= (this.entries[0]?.index ?? this.head);
  }

  /** The frames after `index` that reach `reader` (entries are consecutive: no search needed). */
  read(index: number, reader: Reader): Read {
    const first = this.entries[0]?.index ?? this.head;
    if (index < first) return { known: false };
    const frames: string[] = [];
    const indices: number[] = [];
    for (let i = index - first; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (!reaches(e.audience, reader)) continue;
      frames.push(e.json);
      indices.push(e.index);
    }
    return { known: true, frames, indices, next: this.head };
  }
}
