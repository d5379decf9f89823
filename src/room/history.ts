/**
 * @module
 * The room's messages in its SQLite storage. `seq` is the row's primary key: consecutive,
 * never reused (the newest row is always kept), and it continues after a restart.
 *
 * New messages get their seq at once but are written in one transaction per flush, before they
 * are sent: one commit per flush instead of one per message keeps a busy room ahead.
 */
import type { ChatMessage } from "../protocol";

interface Row extends Record<string, SqlStorageValue> {
  seq: number;
  ts: number;
  name: string;
  text: string;
  client_id: string | null;
}

export interface Resume {
  messages: ChatMessage[];
  gap: boolean;
}

export class MessageStore {
  private unsaved: (ChatMessage & { key: string })[] = [];
  private lastSeq: number;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly keep: () => number,
  ) {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL,
      text TEXT NOT NULL,
      client_id TEXT
    )`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS messages_by_id ON messages (name_key, client_id)");
    this.lastSeq = this.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM messages").one().s ?? 0;
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** The room's last sequence number, saved or not. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Gives the message the next seq; it is written by the next `save()`. */
  add(key: string, from: string, text: string, id: string | undefined): ChatMessage {
    const message: ChatMessage = { type: "message", seq: ++this.lastSeq, ts: Date.now(), from, text };
    if (id !== undefined) message.id = id;
    this.unsaved.push({ ...message, key });
    return message;
  }

  /** Writes what `add` queued and trims the history to the kept count. */
  save(): void {
    if (this.unsaved.length === 0) return;
    const rows = this.unsaved;
    // Kept queued until the write succeeds: a failed write throws before anything is sent.
    this.storage.transactionSync(() => {
      for (const m of rows) {
        this.sql.exec(
          "INSERT INTO messages (seq, ts, name, name_key, text, client_id) VALUES (?, ?, ?, ?, ?, ?)",
          m.seq,
          m.ts,
          m.from,
          m.key,
          m.text,
          m.id ?? null,
        );
      }
      this.sql.exec("DELETE FROM messages WHERE seq <= ?", this.lastSeq - this.keep());
    });
    this.unsaved = [];
  }

  /** The kept message of this name with this client id, if any. */
  findById(key: string, id: string): ChatMessage | null {
    const queued = this.unsaved.find((m) => m.key === key && m.id === id);
    if (queued !== undefined) return toMessage(queued);
    const row = this.sql
      .exec<Row>("SELECT seq, ts, name, text, client_id FROM messages WHERE name_key = ? AND client_id = ?", key, id)
      .toArray()[0];
    return row === undefined ? null : fromRow(row);
  }

  /** The last `count` messages, oldest first. */
  recent(count: number): ChatMessage[] {
    this.save();
    if (count <= 0) return [];
    return this.sql
      .exec<Row>("SELECT seq, ts, name, text, client_id FROM messages ORDER BY seq DESC LIMIT ?", count)
      .toArray()
      .reverse()
      .map(fromRow);
  }

  /**
   * The kept messages after `since`, oldest first, at most `max` (the newest ones); `gap` when
   * some messages after `since` are no longer kept or did not fit.
   */
  since(since: number, max: number): Resume {
    this.save();
    if (since >= this.lastSeq) return { messages: [], gap: false };
    const rows = this.sql
      .exec<Row>(
        "SELECT seq, ts, name, text, client_id FROM messages WHERE seq > ? ORDER BY seq DESC LIMIT ?",
        since,
        max,
      )
      .toArray()
      .reverse();
    const first = rows[0]?.seq ?? this.lastSeq + 1;
    return { messages: rows.map(fromRow), gap: first > since + 1 };
  }
}

function fromRow(row: Row): ChatMessage {
  const message: ChatMessage = { type: "message", seq: row.seq, ts: row.ts, from: row.name, text: row.text };
  if (row.client_id !== null) message.id = row.client_id;
  return message;
}

function toMessage({ key: _key, ...message }: ChatMessage & { key: string }): ChatMessage {
  return message;
}
