/**
 * @module
 * A room's questions (messages asked with `question: true`): their votes and answered marks, in
 * SQLite, so a reconnect, another transport or a hibernation changes nothing. One vote per
 * member name and per session on each question: a vote counts for a voter when a row of that
 * question has its name key or its session (a browser with two names votes once, and `up: false`
 * withdraws the vote whichever of them cast it); so a question has at most one row per name and
 * one per session. Counts go out aggregated (`Tally`: one `votes` frame at most every
 * `LIMITS.tallyIntervalMs`, with the questions whose count changed), through the fan-out.
 *
 * Votes go with their question: a delete keeps them while its undo lasts (an undo brings the
 * count back), a clear takes them all, and rows of questions no longer kept (trimmed, or deleted
 * past the undo) go at the room's next alarm (`prune`).
 */
import type { AnsweredFrame, ClientVote, ErrorCode, QuestionSummary, Transcript, VotesFrame } from "../protocol";
import type { History } from "./history";
import type { LazySchema, Tables } from "./lazy-tables";
import type { Tally, TallyFactory } from "./tally";
import { IS_VOTERS, type Voter, voterParams } from "./voter";

/** A question's tally in the transcript. */
export type QuestionTally = Transcript["questions"][number];

type QuestionFrame = ClientVote | { type: "answered"; seq: number; answered: boolean };

export class Questions {
  private readonly tables: Tables;
  private readonly tally: Tally<number>;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
    private readonly history: History,
    private readonly broadcast: (frame: VotesFrame | AnsweredFrame) => void,
    newTally: TallyFactory,
  ) {
    this.tally = newTally((changed) => this.flush(changed));
    this.tables = schema.tables("question_votes", (sql) => {
      // Keyed by (question, name); the unique index keeps one row per (question, session) too
      // (a voter without a session is a name only: SQLite's NULLs are all distinct).
      sql.exec(`CREATE TABLE IF NOT EXISTS question_votes (
        seq INTEGER NOT NULL,
        name_key TEXT NOT NULL,
        session TEXT,
        PRIMARY KEY (seq, name_key)
      ) WITHOUT ROWID`);
      sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS question_votes_by_session ON question_votes (seq, session)");
      sql.exec("CREATE TABLE IF NOT EXISTS answered_questions (seq INTEGER PRIMARY KEY)");
    });
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** A `vote` or an `answered` frame (the room checked the host role); the refusal's code, or null. */
  take(frame: QuestionFrame, voter: Voter): ErrorCode | null {
    if (!this.isQuestion(frame.seq)) return "no_such_message";
    this.tables.make();
    if (frame.type === "answered") {
      if (frame.answered) this.sql.exec("INSERT OR IGNORE INTO answered_questions (seq) VALUES (?)", frame.seq);
      else this.sql.exec("DELETE FROM answered_questions WHERE seq = ?", frame.seq);
      this.broadcast({ type: "answered", seq: frame.seq, answered: frame.answered });
      return null;
    }
    if (frame.up ? this.add(frame.seq, voter) : this.withdraw(frame.seq, voter)) this.tally.mark(frame.seq);
    return null;
  }

  /** Every kept question, oldest first, with its count, its mark and (`voter`; null: a watcher) whether it is theirs. */
  summaries(voter: Voter | null): QuestionSummary[] {
    const questions = this.history.questions();
    if (questions.length === 0) return [];
    const votes = new Map<number, { n: number; mine: number | null }>();
    const answered = new Set<number>();
    if (this.tables.exist) {
      const rows = this.sql.exec<{ seq: number; n: number; mine: number | null }>(
        `SELECT seq, COUNT(*) AS n, MAX${IS_VOTERS} AS mine FROM question_votes GROUP BY seq`,
        ...(voter === null ? [null, null] : voterParams(voter)),
      );
      for (const r of rows) votes.set(r.seq, r);
      for (const r of this.sql.exec<{ seq: number }>("SELECT seq FROM answered_questions")) answered.add(r.seq);
    }
    return questions.map(({ seq, ts, from, text }) => {
      const v = votes.get(seq);
      return { seq, ts, from, text, count: v?.n ?? 0, answered: answered.has(seq), mine: v?.mine === 1 };
    });
  }

  /** Each kept question's count and mark, oldest first (the transcript). */
  tallies(): QuestionTally[] {
    return this.summaries(null).map(({ seq, count, answered }) => ({ seq, count, answered }));
  }

  /** A question was deleted: its rows wait for an undo; a `votes` frame no longer names it. */
  deleted(seq: number): void {
    this.tally.forget([seq]);
  }

  /** A delete was undone: its votes are counted again, and the next `votes` frame tells everyone. */
  restored(seq: number): void {
    if (this.isQuestion(seq)) this.tally.mark(seq);
  }

  /** The room was cleared: no question is left, nor any vote or mark. */
  clear(): void {
    this.tally.forget();
    if (!this.tables.exist) return;
    this.sql.exec("DELETE FROM question_votes");
    this.sql.exec("DELETE FROM answered_questions");
  }

  /**
   * The rows of questions that are neither kept nor waiting for an undo (trimmed, or deleted past
   * the undo): the room's alarm calls it. The history's tables are in the same database, made
   * with these (`LazySchema`).
   */
  prune(): void {
    if (!this.tables.exist) return;
    const gone = "seq NOT IN (SELECT seq FROM messages) AND seq NOT IN (SELECT seq FROM undoable)";
    this.sql.exec(`DELETE FROM question_votes WHERE ${gone}`);
    this.sql.exec(`DELETE FROM answered_questions WHERE ${gone}`);
  }

  private isQuestion(seq: number): boolean {
    const entry = this.history.kept(seq);
    return entry?.type === "message" && entry.question === true;
  }

  /** A vote, unless one of the voter's name or session is there already; true when it counted. */
  private add(seq: number, voter: Voter): boolean {
    const had = this.sql
      .exec(`SELECT 1 FROM question_votes WHERE seq = ? AND ${IS_VOTERS}`, seq, ...voterParams(voter))
      .toArray().length;
    if (had > 0) return false;
    this.sql.exec(
      "INSERT INTO question_votes (seq, name_key, session) VALUES (?, ?, ?)",
      seq,
      voter.key,
      voter.session,
    );
    return true;
  }

  /** Withdraws the vote of the voter's name and of its session (whichever cast it); true when one went. */
  private withdraw(seq: number, voter: Voter): boolean {
    const cursor = this.sql.exec(
      `DELETE FROM question_votes WHERE seq = ? AND ${IS_VOTERS}`,
      seq,
      ...voterParams(voter),
    );
    cursor.toArray();
    return cursor.rowsWritten > 0;
  }

  /** One `votes` frame: the count now of each question marked since the last, still kept. */
  private flush(changed: ReadonlySet<number>): void {
    const counts: Record<string, number> = {};
    let any = false;
    for (const seq of changed) {
      if (!this.isQuestion(seq)) continue;
      counts[seq] = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM question_votes WHERE seq = ?", seq).one().n;
      any = true;
    }
    if (any) this.broadcast({ type: "votes", counts });
  }
}
