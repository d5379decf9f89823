/**
 * @module
 * Direction by content: the word-count estimate of the field's bidi libraries (Closure's
 * `estimateDirection`, ICU4J's `Bidi` estimates). `dir="auto"` takes the first strong character,
 * so a Persian question that starts with a Latin term (`HTTP 101 یعنی …`) comes out left to
 * right. Here each whitespace-separated word that holds a letter votes by its first letter; the
 * text is right to left when at least 40 % of the votes are right to left. Numbers, punctuation,
 * emoji and links do not vote; with no vote at all the text keeps `auto` (it inherits).
 */

/** Right-to-left share of the voting words from which the text is right to left (inclusive). */
export const RTL_THRESHOLD = 0.4;

/**
 * Strong right-to-left letters: Hebrew, Arabic (not its digits), Syriac, Thaana, NKo, Samaritan,
 * Mandaic, the Arabic extensions and presentation forms, and the astral right-to-left blocks.
 */
const RTL =
  /[\u0590-\u05FF\u0600-\u065F\u066A-\u06EF\u06FA-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
/** A letter of any script: a word without one (a number, punctuation, an emoji) does not vote. */
const LETTER = /\p{L}/u;
/** A link is a Latin word in any language's sentence: it does not vote (as in Closure). */
const LINK = /^[a-z][a-z0-9+.-]*:\/\//i;

export type Direction = "ltr" | "rtl" | "auto";

/** The direction of `text` by its words: `rtl` when ≥ 40 % of its voting words are right to left. */
export function direction(text: string): Direction {
  let votes = 0;
  let rtl = 0;
  for (const word of text.split(/\s+/)) {
    if (word === "" || LINK.test(word)) continue;
    const first = LETTER.exec(word);
    if (first === null) continue;
    votes++;
    if (RTL.test(first[0])) rtl++;
  }
  if (votes === 0) return "auto";
  return rtl >= votes * RTL_THRESHOLD ? "rtl" : "ltr";
}
