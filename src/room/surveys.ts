/**
 * @module
 * The room's open poll (on the wire `survey`): its question, options and every voter's choice,
 * in SQLite, so a hibernation or a restart loses no vote. At most one is open. A voter is a name
 * and a session: a vote matches every row with either its name's key or its session (a browser
 * with two names votes once; one name in two browsers too) and changes that choice. Counts go out
 * through a `Tally` (at most one `survey` frame per `LIMITS.tallyIntervalMs` for the whole room,
 * whatever the number of voters); its pending flag is all that lives in memory. Closing makes the
 * final counts an entry of the history (`History.addSurvey`) and drops the poll's rows.
 */
import {
  type ClientSurveyVote,
  type ErrorCode,
  type HostFrame,
  type ServerFrame,
  type SurveyFrame,
  type SurveyResult,
  randomId,
} from "../protocol";
import type { History } from "./history";
import type { LazySchema, Tables } from "./lazy-tables";
import type { Tally, TallyFactory } from "./tally";
import { IS_VOTERS, type Voter, voterParams } from "./voter";

/** What the poll frames act on: the history (a closed poll's result) and how the room tells everyone. */
export interface SurveyContext {
  history: History;
  broadcast(frame: ServerFrame): void;
}

type Open = { id: string; question: string; options: string[] };

/** The client frames of polls: open and close (the host's), and a vote. */
export type SurveyClientFrame = ClientSurveyVote | Extract<HostFrame, { type: "survey_open" | "survey_close" }>;

export class Surveys {
  private readonly tables: Tables;
  /** Every vote marks its poll; one frame with the counts goes per interval. */
  private readonly tally: Tally<string>;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
    private readonly room: SurveyContext,
    newTally: TallyFactory,
  ) {
    this.tally = newTally((changed) => {
      const open = this.openPoll();
      if (open !== null && changed.has(open.id)) this.room.broadcast(this.frameOf(open));
    });
    this.tables = schema.tables("survey", (sql) => {
      // One row at most: the open poll (options as JSON).
      sql.exec(
        "CREATE TABLE IF NOT EXISTS survey (id TEXT PRIMARY KEY, question TEXT NOT NULL, options TEXT NOT NULL)",
      );
      // One row per voter: a name's key and its session (null: a socket without one), and the choice.
      sql.exec(`CREATE TABLE IF NOT EXISTS survey_votes (
        survey TEXT NOT NULL,
        name_key TEXT NOT NULL,
        session TEXT,
        option INTEGER NOT NULL
      )`);
      sql.exec("CREATE INDEX IF NOT EXISTS survey_votes_by_name ON survey_votes (survey, name_key)");
      sql.exec("CREATE INDEX IF NOT EXISTS survey_votes_by_session ON survey_votes (survey, session)");
    });
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** One poll frame from `voter` (shown as `from`): null when taken, else the refusal's code. */
  receive(frame: SurveyClientFrame, voter: Voter, from: string): ErrorCode | null {
    switch (frame.type) {
      case "survey_open":
        return this.open(frame.question, frame.options);
      case "survey_vote":
        return this.vote(frame, voter);
      case "survey_close":
        return this.close(voter.key, from);
    }
  }

  /** `survey_open` (the room checked the host): everyone gets it with zero counts. */
  open(question: string, options: string[]): ErrorCode | null {
    if (this.openPoll() !== null) return "survey_already_open";
    this.tables.make();
    const poll: Open = { id: randomId(), question, options };
    this.sql.exec(
      "INSERT INTO survey (id, question, options) VALUES (?, ?, ?)",
      poll.id,
      question,
      JSON.stringify(options),
    );
    this.room.broadcast(this.frameOf(poll));
    return null;
  }

  /** `survey_vote`: this voter's one choice (a change replaces it); the counts go out with the next tally. */
  vote(frame: ClientSurveyVote, voter: Voter): ErrorCode | null {
    const open = this.openPoll();
    if (open === null || open.id !== frame.survey) return "survey_closed";
    if (frame.option >= open.options.length) return "bad_frame";
    const { key, session } = voter;
    const match = `survey = ? AND ${IS_VOTERS}`;
    const voted = this.sql.exec(`SELECT 1 FROM survey_votes WHERE ${match} LIMIT 1`, open.id, ...voterParams(voter));
    // A voter who chose before changes that choice (every row of its name or session); else one new row.
    if (voted.toArray().length > 0)
      this.sql.exec(`UPDATE survey_votes SET option = ? WHERE ${match}`, frame.option, open.id, ...voterParams(voter));
    else
      this.sql.exec(
        "INSERT INTO survey_votes (survey, name_key, session, option) VALUES (?, ?, ?, ?)",
        open.id,
        key,
        session,
        frame.option,
      );
    this.tally.mark(open.id);
    return null;
  }

  /**
   * `survey_close`: the final counts become an entry of the history under the next seq (`key` and
   * `from`: the host's), sent to everyone as the poll's last frame; its votes go, and a tally
   * update still pending for it is dropped (the final frame says it all).
   */
  close(key: string, from: string): ErrorCode | null {
    const open = this.openPoll();
    if (open === null) return "survey_closed";
    const result: SurveyResult = this.room.history.addSurvey(key, from, { ...open, counts: this.counts(open) });
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM survey_votes");
      this.sql.exec("DELETE FROM survey");
    });
    this.tally.forget([open.id]);
    this.room.broadcast(result);
    return null;
  }

  /** The open poll for a welcome, with this voter's choice (`mine`); a watcher (null) gets none. Null: none open. */
  current(voter: Voter | null): SurveyFrame | null {
    const open = this.openPoll();
    if (open === null) return null;
    const frame = this.frameOf(open);
    if (voter === null) return frame;
    // The row of this very name and session first, then the name's, then the session's.
    const mine = this.sql
      .exec<{ option: number }>(
        `SELECT option FROM survey_votes WHERE survey = ? AND ${IS_VOTERS}
         ORDER BY (name_key = ?) + (session IS ?) DESC, (name_key = ?) DESC LIMIT 1`,
        open.id,
        ...voterParams(voter),
        voter.key,
        voter.session,
        voter.key,
      )
      .toArray()[0];
    if (mine !== undefined) frame.mine = mine.option;
    return frame;
  }

  private openPoll(): Open | null {
    if (!this.tables.exist) return null;
    const row = this.sql
      .exec<{ id: string; question: string; options: string }>("SELECT id, question, options FROM survey LIMIT 1")
      .toArray()[0];
    return row === undefined ? null : { id: row.id, question: row.question, options: JSON.parse(row.options) };
  }

  private counts(open: Open): number[] {
    const counts = open.options.map(() => 0);
    for (const { option, n } of this.sql
      .exec<{ option: number; n: number }>(
        "SELECT option, COUNT(*) AS n FROM survey_votes WHERE survey = ? GROUP BY option",
        open.id,
      )
      .toArray())
      if (option < counts.length) counts[option] = n;
    return counts;
  }

  private frameOf(open: Open): SurveyFrame {
    return { type: "survey", ...open, open: true, counts: this.counts(open) };
  }
}
