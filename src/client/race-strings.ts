/**
 * @module
 * The race's strings ("Compare transports", `/?room=<room>&view=race`), in English and Persian,
 * apart from i18n.ts's table so that only public/race.js bundles them.
 */
import type { I18n, Lang } from "./i18n";

const en = {
  title: "Compare transports",
  intro:
    "One tab follows the room over each transport at once, as a watcher (not a student: no name, not counted). Send messages from another tab and watch them arrive.",
  legend:
    "Time runs left to right (the last minute). A tick is one HTTP request, WebSocket frame or event on the stream; a dot is a message, as high as its delay.",
  websocket: "WebSocket",
  sse: "Server-Sent Events",
  long: "Long polling",
  poll: "Polling every {s} s",
  requests: "HTTP requests",
  frames: "WebSocket frames",
  events: "Events on the stream",
  up: "Bytes up (page → server)",
  down: "Bytes down (server → page)",
  estimated: "{n} (≈ {part} of it estimated)",
  allEstimated: "≈ {n} (estimated)",
  messages: "Messages delivered",
  p50: "Delay p50",
  max: "Delay max",
  none: "–",
  connecting: "Connecting…",
  broken: "Broken: {why}. Trying again…",
  stopped: "Stopped: {why}",
  network: "the network failed",
  closed: "the connection closed ({code})",
  order: "Same messages, same order on every lane so far: {n}.",
  orderBad: "Not the same: {lane} is missing {n} message(s) the others have.",
  costTitle: "An hour of this class on Cloudflare, for",
  students: "students",
  workerReq: "Worker requests",
  roomReq: "Room (Durable Object) requests",
  duration: "Room duration",
  gbs: "{n} GB-s",
  freeDay: "free plan: {n} a day",
  dollars: "about US$ {n} at paid rates",
  underCent: "under US$ 0.01 at paid rates",
  costNote:
    "An estimate from what each lane measured, on Cloudflare's published pricing as read on 2026-12-01 (see the README). A hibernating WebSocket room sleeps between messages; a held long poll or a poll every 2 s keeps it awake.",
  noKey:
    "This browser keeps no host key for this room, so it cannot watch it. Open Compare transports from the host's page.",
  loadFailed: "The comparison did not load. Reload the page.",
  bytes: "{n} B",
  ms: "{n} ms",
};
export type RaceKey = keyof typeof en;

const fa: Record<RaceKey, string> = {
  title: "مقایسهٔ روش‌های انتقال",
  intro:
    "یک زبانه هم‌زمان از هر روش انتقال اتاق را دنبال می‌کند، در نقش تماشاگر (نه دانش‌آموز: بی‌نام و شمرده‌نشده). از زبانهٔ دیگری پیام بفرستید و رسیدنشان را ببینید.",
  legend:
    "زمان از راست به چپ می‌گذرد (دقیقهٔ آخر). هر خط کوتاه یک درخواست HTTP، یک فریم وب‌سوکت یا یک رویداد جریان است؛ هر نقطه یک پیام، به بلندی تأخیرش.",
  websocket: "وب‌سوکت",
  sse: "رویدادهای فرستاده از سرور (SSE)",
  long: "نظرسنجی طولانی",
  poll: "نظرسنجی هر {s} ثانیه",
  requests: "درخواست‌های HTTP",
  frames: "فریم‌های وب‌سوکت",
  events: "رویدادهای جریان",
  up: "بایت‌های رفت (صفحه ← سرور)",
  down: "بایت‌های برگشت (سرور ← صفحه)",
  estimated: "{n} (≈ {part} از آن تخمینی)",
  allEstimated: "≈ {n} (تخمینی)",
  messages: "پیام‌های رسیده",
  p50: "میانهٔ تأخیر",
  max: "بیشترین تأخیر",
  none: "–",
  connecting: "در حال اتصال…",
  broken: "قطع شد: {why}. دوباره تلاش می‌کند…",
  stopped: "متوقف شد: {why}",
  network: "شبکه از کار افتاد",
  closed: "اتصال بسته شد ({code})",
  order: "تا این‌جا همهٔ مسیرها همان پیام‌ها را به همان ترتیب گرفته‌اند: {n}.",
  orderBad: "یکسان نیست: {lane} {n} پیام را که بقیه دارند ندارد.",
  costTitle: "یک ساعت از این کلاس روی Cloudflare، برای",
  students: "دانش‌آموز",
  workerReq: "درخواست‌های Worker",
  roomReq: "درخواست‌های اتاق (Durable Object)",
  duration: "زمان بیدار بودن اتاق",
  gbs: "{n} گیگابایت‌ثانیه",
  freeDay: "طرح رایگان: {n} در روز",
  dollars: "حدود {n} دلار با نرخ‌های پولی",
  underCent: "کمتر از ۰٫۰۱ دلار با نرخ‌های پولی",
  costNote:
    "تخمینی است از آنچه هر مسیر اندازه گرفت، با قیمت‌های منتشرشدهٔ Cloudflare که در ۱۰ آذر ۱۴۰۵ (۲۰۲۶-۱۲-۰۱) خوانده شد (README را ببینید). اتاق وب‌سوکتِ به‌خواب‌رفته میان پیام‌ها می‌خوابد؛ نظرسنجی طولانیِ نگه‌داشته یا نظرسنجی هر ۲ ثانیه آن را بیدار نگه می‌دارد.",
  noKey:
    "این مرورگر کلید میزبانی برای این اتاق ندارد، پس نمی‌تواند آن را دنبال کند. «مقایسهٔ روش‌های انتقال» را از صفحهٔ میزبان باز کنید.",
  loadFailed: "مقایسه بارگذاری نشد. صفحه را دوباره بارگذاری کنید.",
  bytes: "{n} بایت",
  ms: "{n} میلی‌ثانیه",
};

export const RACE_STRINGS: Record<Lang, Record<RaceKey, string>> = { en, fa };

/** A race string in the reader's language; numbers get its digits. */
export function raceText(i18n: I18n, key: RaceKey, vars: Record<string, string | number> = {}): string {
  return RACE_STRINGS[i18n.lang][key].replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    return typeof v === "number" ? i18n.num(v, Number.isInteger(v) ? 0 : 2) : (v ?? "");
  });
}
