/**
 * @module
 * One-time host links: a token that another device (a shared classroom PC) exchanges once, within
 * `LIMITS.hostLinkMinutes`, for the room's host key, so that the key itself is in no link and no
 * device's history. The room never keeps a key that works: each row is the token's hash (to find
 * it) and the key sealed with AES-GCM under a key derived from the token (to give it back), so
 * only the token's holder can open it. In SQLite, not memory: the room may hibernate between the
 * copy and the paste. At most `MAX_LINKS` live at once (the oldest goes first).
 */
import { LIMITS } from "../protocol";
import { newHostKey } from "./host-key";
import type { LazySchema, Tables } from "./lazy-tables";

/** Enough for a teacher's devices; a script with the key gains nothing by making more. */
export const MAX_LINKS = 5;
const LINK_MS = LIMITS.hostLinkMinutes * 60_000;

export class HostLinks {
  private readonly tables: Tables;

  constructor(
    private readonly storage: DurableObjectStorage,
    schema: LazySchema,
  ) {
    this.tables = schema.tables("host_links", (sql) =>
      sql.exec(
        "CREATE TABLE IF NOT EXISTS host_links (id TEXT PRIMARY KEY, iv TEXT NOT NULL, sealed TEXT NOT NULL, until INTEGER NOT NULL)",
      ),
    );
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** A new token for `hostKey` (already checked to be the room's), valid until the returned time. */
  async create(hostKey: string, now: number): Promise<{ token: string; expiresAt: number }> {
    const token = newHostKey();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      await sealingKey(token),
      new TextEncoder().encode(hostKey),
    );
    const id = await linkId(token);
    const expiresAt = now + LINK_MS;
    this.tables.make();
    this.sql.exec("DELETE FROM host_links WHERE until <= ?", now);
    this.sql.exec(
      `DELETE FROM host_links WHERE id IN (SELECT id FROM host_links ORDER BY until DESC, rowid DESC LIMIT -1 OFFSET ${MAX_LINKS - 1})`,
    );
    this.sql.exec(
      "INSERT INTO host_links (id, iv, sealed, until) VALUES (?, ?, ?, ?)",
      id,
      hex(iv),
      hex(new Uint8Array(sealed)),
      expiresAt,
    );
    return { token, expiresAt };
  }

  /** The key the token was made for, once: the row goes whatever the outcome. Null: used, expired or unknown. */
  async redeem(token: string, now: number): Promise<string | null> {
    const id = await linkId(token);
    if (!this.tables.exist) return null;
    const row = this.sql
      .exec<{ iv: string; sealed: string; until: number }>("SELECT iv, sealed, until FROM host_links WHERE id = ?", id)
      .toArray()[0];
    if (row === undefined) return null;
    this.sql.exec("DELETE FROM host_links WHERE id = ?", id);
    if (row.until <= now) return null;
    try {
      const key = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: unhex(row.iv) },
        await sealingKey(token),
        unhex(row.sealed),
      );
      return new TextDecoder().decode(key);
    } catch {
      return null;
    }
  }

  /** The room's key changed (given up, claimed anew, reclaimed): no link may hand out the old one. */
  clear(): void {
    if (this.tables.exist) this.sql.exec("DELETE FROM host_links");
  }
}

async function sha256(label: string, token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${label}:${token}`)));
}

const linkId = async (token: string): Promise<string> => hex(await sha256("id", token));

async function sealingKey(token: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", await sha256("seal", token), "AES-GCM", false, ["encrypt", "decrypt"]);
}

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

function unhex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}
