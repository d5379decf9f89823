/**
 * @module
 * The online list's order and search, pure: the host first, then by name in the interface
 * language's collation (digits by value: "Sara 2" before "Sara 10"); a search matches a name
 * that holds what was typed, whatever its case, width or Arabic/Persian letter forms.
 */
import { foldName, type User } from "../protocol";

/** Host first, then by name as `lang` sorts. */
export function rosterOrder(lang: string): (a: User, b: User) => number {
  const collator = new Intl.Collator(lang, { numeric: true });
  return (a, b) => Number(b.role === "host") - Number(a.role === "host") || collator.compare(a.name, b.name);
}

/**
 * What a name is searched by: folded as names are compared (NFKC, case), with the Arabic yeh
 * and kaf as the Persian ones and Persian or Arabic digits as ASCII (a keyboard types either),
 * and without the zero-width non-joiner.
 */
export const searchKey = (s: string): string =>
  foldName(s.trim())
    .replace(/[يى]/g, "ی")
    .replace(/ك/g, "ک")
    .replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (d) => String((d.charCodeAt(0) - 0x660) % 0x90))
    .replace(/\u200c/g, "");

/** Does the name with this search key match the query (a raw typed string)? */
export const matches = (key: string, query: string): boolean => key.includes(searchKey(query));
