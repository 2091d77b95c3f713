// @vitest-environment jsdom
import { screen } from "@testing-library/dom";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { messagesFor } from "../model/i18n";
import { createLoginForm, type LoginForm } from "./login-form";

const en = messagesFor("en");

describe("login form", () => {
  let form: LoginForm;
  const onSubmit = vi.fn<(login: string, password: string) => void>();

  beforeEach(() => {
    document.body.replaceChildren();
    onSubmit.mockReset();
    form = createLoginForm(onSubmit, document.createElement("div"));
    form.update({ messages: en, busy: false, error: null });
    document.body.append(form.element);
  });

  it("labels its fields and button", () => {
    expect(
      screen.getByRole("form", { name: "Sign in to your mail" }),
    ).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Login" })).toBeTruthy();
    expect(screen.getByLabelText("Password")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toBe("");
  });

  it("submits the trimmed login and the password as typed", async () => {
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Login" }), " anna ");
    await user.type(screen.getByLabelText("Password"), " secret ");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(onSubmit).toHaveBeenCalledWith("anna", " secret ");
  });

  it("submits on Enter", async () => {
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Login" }), "anna");
    await user.type(screen.getByLabelText("Password"), "pw{Enter}");
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it("asks for both fields instead of submitting empty ones", async () => {
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Login" }), "anna");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toBe(
      "Enter your login and password.",
    );
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));
  });

  it("waits while busy and says so", async () => {
    const user = userEvent.setup();
    form.update({ messages: en, busy: true, error: null });
    const button = screen.getByRole("button", { name: "Signing in…" });

    expect(button).toHaveProperty("disabled", true);
    await user.click(button);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the error it is given and selects the password", () => {
    form.update({
      messages: en,
      busy: false,
      error: "Wrong login or password.",
    });

    expect(screen.getByRole("alert").textContent).toBe(
      "Wrong login or password.",
    );
    expect(document.activeElement).toBe(screen.getByLabelText("Password"));
  });

  it("switches language without losing what was typed", async () => {
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Login" }), "anna");
    form.update({ messages: messagesFor("ru"), busy: false, error: null });

    expect(screen.getByRole("textbox", { name: "Логин" })).toHaveProperty(
      "value",
      "anna",
    );
    expect(screen.getByRole("button", { name: "Войти" })).toBeTruthy();
  });
});
