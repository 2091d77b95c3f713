// Choosing the interface language: the user's own choice if they made one,
// else the first of the browser's languages that the app speaks.
import { en } from "./messages-en";
import { ru } from "./messages-ru";
import type { Locale, Messages } from "./messages";

export type { Locale, Messages } from "./messages";

export const LOCALES: readonly Locale[] = ["en", "ru"];

const MESSAGES: Record<Locale, Messages> = { en, ru };

export function isLocale(value: string | null): value is Locale {
  return value !== null && (LOCALES as readonly string[]).includes(value);
}

/**
 * `saved` is a choice made earlier with the language switch; `languages`
 * is navigator.languages, most preferred first ("ru-RU", "en-GB", …).
 */
export function pickLocale(
  saved: string | null,
  languages: readonly string[],
): Locale {
  if (isLocale(saved)) return saved;
  for (const tag of languages) {
    const primary = tag.split("-")[0]?.toLowerCase() ?? "";
    if (isLocale(primary)) return primary;
  }
  return "en";
}

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}
