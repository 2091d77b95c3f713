// Two buttons naming each language in itself; the current one is pressed.
import { LOCALES, messagesFor, type Locale } from "../model/i18n";
import type { Messages } from "../model/messages";
import { h } from "./dom";

export interface LanguageSwitch {
  element: HTMLElement;
  update(locale: Locale, messages: Messages): void;
}

export function createLanguageSwitch(
  onChange: (locale: Locale) => void,
): LanguageSwitch {
  const buttons = LOCALES.map((locale) => {
    const button = h(
      "button",
      { type: "button", lang: locale, class: "language-button" },
      messagesFor(locale).languageName,
    );
    button.addEventListener("click", () => {
      onChange(locale);
    });
    return { locale, button };
  });
  const element = h(
    "div",
    { role: "group", class: "language-switch" },
    ...buttons.map(({ button }) => button),
  );

  return {
    element,
    update(current, messages) {
      element.setAttribute("aria-label", messages.language);
      for (const { locale, button } of buttons) {
        button.setAttribute("aria-pressed", String(locale === current));
      }
    },
  };
}
