/**
 * @module
 * The room's transcript as a file (`GET /api/rooms/:room/transcript`): its query checked, and the
 * kept messages written as Markdown (the default) or JSON. Times are in the time zone the page
 * names and in the UI's calendar (`fa`: the Persian calendar and digits, through Intl). Every
 * piece of user text (message, name, room) is escaped, so a message can add no heading, link,
 * HTML, list or code to the file, nor end its own paragraph: it reads as the text that was sent.
 */
import {
  type ChatMessage,
  type HistoryEntry,
  type HttpOnlyCode,
  type SurveyResult,
  type Transcript,
  isMessage,
} from "../protocol";

/** A question's votes and answered mark, by its seq. */
type Tallies = Transcript["questions"];

export interface TranscriptQuery {
  format: "markdown" | "json";
  timeZone: string;
  lang: "en" | "fa";
}

/** Longer than any IANA zone name (the longest is 32: America/Argentina/ComodRivadavia). */
const ZONE_MAX_CHARS = 64;
const ZONE_SHAPE = /^[A-Za-z0-9_+\-/]+$/;

/** `?format=markdown|json` (default markdown), `?tz=<IANA zone>` (default UTC), `?lang=en|fa` (default en). */
export function parseTranscriptQuery(query: URLSearchParams): TranscriptQuery | HttpOnlyCode {
  const format = query.get("format") ?? "markdown";
  const lang = query.get("lang") ?? "en";
  if ((format !== "markdown" && format !== "json") || (lang !== "en" && lang !== "fa")) {
    return "transcript_query_invalid";
  }
  const timeZone = query.get("tz") ?? "UTC";
  if (timeZone.length > ZONE_MAX_CHARS || !ZONE_SHAPE.test(timeZone)) return "invalid_time_zone";
  try {
    // Intl knows the zones (and throws a RangeError for any other name).
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    return "invalid_time_zone";
  }
  return { format, timeZone, lang };
}

/** `entries`: the kept history in seq order; messages and closed polls (`surveys`) go apart in JSON. */
export function jsonTranscript(
  room: string,
  entries: HistoryEntry[],
  now: number,
  q: TranscriptQuery,
  questions: Tallies = [],
): Transcript {
  const messages = entries.filter(isMessage);
  const surveys = entries.filter((e): e is SurveyResult => !isMessage(e));
  return { room, exportedAt: now, timeZone: q.timeZone, messages, questions, surveys };
}

const STRINGS = {
  en: {
    title: "Transcript of {room}",
    // By the count's plural category (Intl.PluralRules): "1 message", "0 messages", "2 messages".
    exported: {
      one: "Exported {date}, {time} ({tz}) · {n} message",
      other: "Exported {date}, {time} ({tz}) · {n} messages",
    },
    host: "host",
    none: "No messages are kept.",
    question: "Question",
    votes: { one: "{n} vote", other: "{n} votes" },
    answered: "answered",
    poll: "Poll",
  },
  fa: {
    title: "گزارش گفت‌وگوی {room}",
    // A Persian noun after a number stays singular: the same text for both categories.
    exported: {
      one: "گرفته‌شده در {date}، ساعت {time} ({tz}) · {n} پیام",
      other: "گرفته‌شده در {date}، ساعت {time} ({tz}) · {n} پیام",
    },
    host: "میزبان",
    none: "پیامی نگه داشته نشده است.",
    question: "پرسش",
    votes: { one: "{n} رأی", other: "{n} رأی" },
    answered: "پاسخ داده شد",
    poll: "نظرسنجی",
  },
} as const;

/** The page's locales (src/client/i18n.ts), with the calendar and digits said outright. */
const LOCALES = { en: "en-GB-u-ca-gregory-nu-latn", fa: "fa-IR-u-ca-persian-nu-arabext" } as const;

function formats(q: TranscriptQuery) {
  const locale = LOCALES[q.lang];
  const at = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone: q.timeZone, ...o });
  const day = at({ year: "numeric", month: "long", day: "numeric" });
  const weekday = at({ weekday: "long" });
  const time = at({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const number = new Intl.NumberFormat(locale);
  const plural = new Intl.PluralRules(locale);
  return {
    // As the page writes a date: Persian puts the weekday first, without a comma.
    date: (ts: number) =>
      q.lang === "fa" ? `${weekday.format(ts)} ${day.format(ts)}` : at({ dateStyle: "full" }).format(ts),
    dayKey: (ts: number) => day.format(ts),
    time: (ts: number) => time.format(ts),
    number: (n: number) => number.format(n),
    /** The template for a count: `one` or `other` (the categories both languages' strings have). */
    plural: <T>(n: number, forms: { one: T; other: T }): T => (plural.select(n) === "one" ? forms.one : forms.other),
  };
}

/**
 * The Markdown file: a heading with the room, when it was exported (in the zone, with it named),
 * then the messages under a heading per day, each a paragraph `**time** · **name**` and its text; a
 * question's heading line adds its votes and mark: `· Question (12 votes · answered)`.
 */
export function markdownTranscript(
  room: string,
  entries: HistoryEntry[],
  now: number,
  q: TranscriptQuery,
  questions: Tallies = [],
): string {
  const messages = entries.filter(isMessage);
  const s = STRINGS[q.lang];
  const f = formats(q);
  const fill = (template: string, vars: Record<string, string>) =>
    template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
  const out = [
    `# ${fill(s.title, { room: escapeInline(room) })}`,
    fill(f.plural(messages.length, s.exported), {
      date: f.date(now),
      time: f.time(now),
      tz: escapeInline(q.timeZone),
      n: f.number(messages.length),
    }),
  ];
  if (messages.length === 0) out.push(s.none);
  const tallies = new Map(questions.map((t) => [t.seq, t]));
  const asked = (m: ChatMessage): string => {
    const t = tallies.get(m.seq);
    if (!m.question || t === undefined) return "";
    const votes = fill(f.plural(t.count, s.votes), { n: f.number(t.count) });
    return ` · ${s.question} (${votes}${t.answered ? ` · ${s.answered}` : ""})`;
  };
  let day = "";
  for (const m of entries) {
    if (f.dayKey(m.ts) !== day) {
      day = f.dayKey(m.ts);
      out.push(`## ${f.date(m.ts)}`);
    }
    // A closed poll, at its place (when it closed): its question, then each option with its votes.
    if (!isMessage(m)) {
      const results = m.options.map((o, i) => {
        const n = m.counts[i] ?? 0;
        return `${escapeLines(o).join(" ")} — ${fill(f.plural(n, s.votes), { n: f.number(n) })}`;
      });
      out.push([`**${f.time(m.ts)}** · **${s.poll}**`, ...escapeLines(m.question), ...results].join("\\\n"));
      continue;
    }
    const who = `**${escapeInline(m.from)}**${m.role === "host" ? ` (${s.host})` : ""}`;
    // A hard break (a backslash at the line's end) after the heading line and after each line of
    // the text but the last: the message stays one paragraph, however many lines it has.
    out.push([`**${f.time(m.ts)}** · ${who}${asked(m)}`, ...escapeLines(m.text)].join("\\\n"));
  }
  return `${out.join("\n\n")}\n`;
}

/**
 * Every character that means something inline in CommonMark or GitHub's Markdown, backslashed
 * (CommonMark lets any ASCII punctuation be): emphasis, code, links and images, raw HTML and
 * entities, tables, strikethrough, math, and the backslash itself.
 */
export const escapeInline = (text: string): string => text.replace(/[\\`*_[\]<>#|~&$!]/g, "\\$&");

/**
 * A message's lines, each escaped inline and at its start (where `-`, `+`, `=` or `1.` would make
 * a list, a setext heading or a rule); an empty line would end the paragraph, so it stays empty
 * before its hard break.
 */
export function escapeLines(text: string): string[] {
  return text.split("\n").map((line) => {
    if (line.trim() === "") return "";
    return escapeInline(line)
      .replace(/^(\s*)([-+=])/, "$1\\$2")
      .replace(/^(\s*\d{1,9})([.)])/, "$1\\$2");
  });
}

/**
 * `Content-Disposition` for the file: an ASCII name for every browser (anything but letters,
 * digits, `_` and `-` becomes `-`) and the room's own letters in `filename*` (RFC 6266). The date
 * is the export's, Gregorian in the zone, so files sort.
 */
export function transcriptDisposition(room: string, now: number, q: TranscriptQuery): string {
  const parts = new Intl.DateTimeFormat("en-US-u-ca-gregory-nu-latn", {
    timeZone: q.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  const ext = q.format === "json" ? "json" : "md";
  const ascii = room.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "room";
  const unicode = room.replace(/[^\p{L}\p{M}\p{N}\u200C_-]+/gu, "-").replace(/^-+|-+$/g, "") || "room";
  return `attachment; filename="roomcast-${ascii}-${date}.${ext}"; filename*=UTF-8''${encodeURIComponent(
    `roomcast-${unicode}-${date}.${ext}`,
  )}`;
}
