// @vitest-environment jsdom
import { screen } from "@testing-library/dom";
import { userEvent } from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { messagesFor, type Locale } from "../model/i18n";
import { createLanguageSwitch } from "./language-switch";

describe("language switch", () => {
  it("names each language in itself and marks the current one", async () => {
    document.body.replaceChildren();
    const onChange = vi.fn<(locale: Locale) => void>();
    const languageSwitch = createLanguageSwitch(onChange);
    languageSwitch.update("en", messagesFor("en"));
    document.body.append(languageSwitch.element);

    expect(screen.getByRole("group", { name: "Language" })).toBeTruthy();
    const english = screen.getByRole("button", { name: "English" });
    const russian = screen.getByRole("button", { name: "Русский" });
    expect(english.getAttribute("aria-pressed")).toBe("true");
    expect(russian.getAttribute("aria-pressed")).toBe("false");

    await userEvent.setup().click(russian);
    expect(onChange).toHaveBeenCalledWith("ru");
  });
});
