/**
 * @module
 * A poll as the host typed it, checked as the room will check it (`LIMITS.survey*`, the same
 * normalising and folding as `parseSurveyOpen`), so the form says what is wrong before anything
 * is sent. Empty option fields are left out (a field added and not filled in). Pure logic.
 */
import { codePointLength, foldName, LIMITS, normaliseText } from "../protocol";
import type { Key } from "./i18n";

export type SurveyCheck =
  | { ok: true; question: string; options: string[] }
  /** `field`: -1 the question, else the index of the option field to fix. */
  | { ok: false; problem: Key; field: number };

export function checkSurvey(rawQuestion: string, rawOptions: readonly string[]): SurveyCheck {
  const question = normaliseText(rawQuestion);
  if (question === "") return { ok: false, problem: "pollNeedQuestion", field: -1 };
  if (codePointLength(question) > LIMITS.surveyQuestionMaxChars)
    return { ok: false, problem: "pollQuestionLong", field: -1 };
  const filled = rawOptions.map((o, i) => [normaliseText(o), i] as const).filter(([o]) => o !== "");
  const long = filled.find(([o]) => codePointLength(o) > LIMITS.surveyOptionMaxChars);
  if (long !== undefined) return { ok: false, problem: "pollOptionLong", field: long[1] };
  if (filled.length < LIMITS.surveyOptionsMin) {
    const empty = rawOptions.findIndex((o) => normaliseText(o) === "");
    return { ok: false, problem: "pollFewOptions", field: empty };
  }
  if (filled.length > LIMITS.surveyOptionsMax) return { ok: false, problem: "pollManyOptions", field: -1 };
  const seen = new Set<string>();
  for (const [o, i] of filled) {
    const key = foldName(o);
    if (seen.has(key)) return { ok: false, problem: "pollSameOptions", field: i };
    seen.add(key);
  }
  return { ok: true, question, options: filled.map(([o]) => o) };
}
