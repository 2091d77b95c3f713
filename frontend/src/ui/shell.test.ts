// @vitest-environment jsdom
import { screen } from "@testing-library/dom";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { messagesFor } from "../model/i18n";
import { createShell, type Shell } from "./shell";

const en = messagesFor("en");
const ANNA = { username: "anna@example.org", busy: false, error: null };

describe("shell", () => {
  let shell: Shell;
  const onLogOut = vi.fn<() => void>();

  beforeEach(() => {
    document.body.replaceChildren();
    onLogOut.mockReset();
    shell = createShell(onLogOut, document.createElement("div"));
    shell.update({ messages: en, ...ANNA });
    document.body.append(shell.element);
  });

  it("shows who is logged in", () => {
    expect(screen.getByText("Signed in as anna@example.org")).toBeTruthy();
    expect(screen.getByRole("banner")).toBeTruthy();
    expect(screen.getByRole("main")).toBeTruthy();
  });

  it("logs out on the button", async () => {
    await userEvent
      .setup()
      .click(screen.getByRole("button", { name: "Log out" }));
    expect(onLogOut).toHaveBeenCalledOnce();
  });

  it("does not log out twice while a logout is on its way", async () => {
    shell.update({ messages: en, ...ANNA, busy: true });
    const button = screen.getByRole("button", { name: "Logging out…" });
    await userEvent.setup().click(button);
    expect(onLogOut).not.toHaveBeenCalled();
  });

  it("shows why a logout failed", () => {
    shell.update({ messages: en, ...ANNA, error: "Could not log out." });
    expect(screen.getByRole("alert").textContent).toBe("Could not log out.");
  });

  it("speaks Russian when asked", () => {
    shell.update({ messages: messagesFor("ru"), ...ANNA });
    expect(screen.getByText("Вы вошли как anna@example.org")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Выйти" })).toBeTruthy();
  });
});
