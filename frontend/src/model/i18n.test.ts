import { describe, expect, it } from "vitest";
import { LOCALES, messagesFor, pickLocale } from "./i18n";

describe("pickLocale", () => {
  it.each([
    [["ru-RU", "en-US"], "ru"],
    [["en-GB", "ru"], "en"],
    [["de-DE", "RU"], "ru"],
    [["uk-UA", "de"], "en"],
    [[], "en"],
  ])("picks from the browser's languages %j: %s", (languages, locale) => {
    expect(pickLocale(null, languages)).toBe(locale);
  });

  it("prefers the language the user chose before", () => {
    expect(pickLocale("ru", ["en-US"])).toBe("ru");
  });

  it("ignores a saved value it does not know", () => {
    expect(pickLocale("fr", ["ru-RU"])).toBe("ru");
  });
});

describe("messages", () => {
  it("has the same texts in every language", () => {
    const keys = Object.keys(messagesFor("en")).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(messagesFor(locale)).sort()).toEqual(keys);
    }
  });

  it.each([
    [1, "Повторите через 1 секунду."],
    [3, "Повторите через 3 секунды."],
    [11, "Повторите через 11 секунд."],
    [21, "Повторите через 21 секунду."],
    [60, "Повторите через 1 минуту."],
    [125, "Повторите через 3 минуты."],
    [300, "Повторите через 5 минут."],
  ])("says a wait of %i s in Russian", (seconds, text) => {
    expect(messagesFor("ru").throttled(seconds)).toContain(text);
  });

  it.each([
    [1, "Try again in 1 second."],
    [30, "Try again in 30 seconds."],
    [61, "Try again in 2 minutes."],
  ])("says a wait of %i s in English", (seconds, text) => {
    expect(messagesFor("en").throttled(seconds)).toContain(text);
  });

  it("asks to try later when the server named no wait", () => {
    expect(messagesFor("en").throttled(null)).toBe(
      "Too many failed attempts. Try again later.",
    );
  });
});
