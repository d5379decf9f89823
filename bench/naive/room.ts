/**
 * @module
 * The naive design, for the bench only (`vote-storm`): the project's room, except that every
 * vote is broadcast at once, one frame per vote (a `survey` frame with the counts, or a `votes`
 * frame with the one question's), instead of one frame per `LIMITS.tallyIntervalMs` for the
 * whole room. The frames still go through the room's fan-out, as everything the room sends does
 * (a busy flush carries several in one payload). Served only by bench/naive/worker.ts; nothing
 * in src/ knows of it.
 */
import { ChatRoom } from "../../src/room/chat-room";
import { Tally } from "../../src/room/tally";

/** A tally that does not wait: each mark is flushed on its own, there and then. */
class EveryVote<K> extends Tally<K> {
  constructor(private readonly now: (changed: ReadonlySet<K>) => void) {
    super(now);
  }

  override mark(key: K): void {
    this.now(new Set([key]));
  }
}

export class NaiveRoom extends ChatRoom {
  protected override newTally<K>(flush: (changed: ReadonlySet<K>) => void): Tally<K> {
    return new EveryVote(flush);
  }
}
