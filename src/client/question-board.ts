/**
 * @module
 * The class's questions as a view knows them: each question's votes, its answered mark and
 * whether this member voted, kept from `welcome.questions`, new question messages, `votes`,
 * `answered`, deletes and clears. Pure logic, tested without a DOM; the chat (the log's upvote
 * buttons, the Questions view) and the projector (the top three) each keep one.
 */
import type { ChatMessage, QuestionSummary } from "../protocol";

export type Question = QuestionSummary;

/** Deleted questions kept for an undo (the host's Undo lasts seconds): at most this many, the oldest go. */
const KEPT_FOR_UNDO = 20;

export class QuestionBoard {
  private readonly bySeq = new Map<number, Question>();
  /** Deleted, perhaps undone soon: an undone question comes back with this member's vote and its mark. */
  private readonly gone = new Map<number, Question>();

  /** Every question in a welcome (a resume's too): what the room says now replaces what was known. */
  welcome(questions: readonly QuestionSummary[]): void {
    this.bySeq.clear();
    this.gone.clear();
    for (const q of questions) this.bySeq.set(q.seq, { ...q });
  }

  /** A new message: kept when it is a question (a duplicate keeps its count). */
  message(m: ChatMessage): void {
    if (m.question !== true || this.bySeq.has(m.seq)) return;
    const back = this.gone.get(m.seq);
    this.gone.delete(m.seq);
    if (back !== undefined) return void this.bySeq.set(m.seq, back);
    this.bySeq.set(m.seq, { seq: m.seq, ts: m.ts, from: m.from, text: m.text, count: 0, answered: false, mine: false });
  }

  /**
   * This member voted (`up`) or withdrew, shown at once: the count moves by one now, and the
   * room's next `votes` frame says the true count. False when nothing changed.
   */
  vote(seq: number, up: boolean): boolean {
    const q = this.bySeq.get(seq);
    if (q === undefined || q.mine === up) return false;
    q.mine = up;
    q.count = Math.max(0, q.count + (up ? 1 : -1));
    return true;
  }

  /** The room's aggregated counts (only the questions whose count changed). Returns the seqs it changed. */
  votes(counts: Record<string, number>): number[] {
    const changed: number[] = [];
    for (const [key, count] of Object.entries(counts)) {
      const q = this.bySeq.get(Number(key));
      if (q === undefined || q.count === count) continue;
      q.count = count;
      changed.push(q.seq);
    }
    return changed;
  }

  answered(seq: number, answered: boolean): boolean {
    const q = this.bySeq.get(seq);
    if (q === undefined) return false;
    q.answered = answered;
    return true;
  }

  deleted(seq: number): void {
    const q = this.bySeq.get(seq);
    if (q === undefined) return;
    this.bySeq.delete(seq);
    this.gone.set(seq, q);
    for (const old of this.gone.keys()) if (this.gone.size > KEPT_FOR_UNDO) this.gone.delete(old);
  }

  /** The room was cleared through `seq`. */
  cleared(seq: number): void {
    for (const s of [...this.bySeq.keys()]) if (s <= seq) this.bySeq.delete(s);
    // Nothing cleared comes back.
    this.gone.clear();
  }

  get(seq: number): Question | undefined {
    return this.bySeq.get(seq);
  }

  get size(): number {
    return this.bySeq.size;
  }

  /** How many are not answered yet (the Questions button's count). */
  get unanswered(): number {
    let n = 0;
    for (const q of this.bySeq.values()) if (!q.answered) n++;
    return n;
  }

  /** By votes, most first; equal votes, the older first (asked earlier, waited longer). */
  ranked({ unanswered = false, limit = Number.POSITIVE_INFINITY } = {}): Question[] {
    return [...this.bySeq.values()]
      .filter((q) => !unanswered || !q.answered)
      .sort((a, b) => b.count - a.count || a.seq - b.seq)
      .slice(0, limit);
  }
}
