// The login screen: login, password, a submit button and one line that
// explains what went wrong. The app decides what happens on submit.
import type { Messages } from "../model/messages";
import { h, toggleAttribute } from "./dom";

export interface LoginFormState {
  messages: Messages;
  /** A login request is on its way: the form waits for its answer. */
  busy: boolean;
  /** What went wrong last, already in the user's language. */
  error: string | null;
}

export interface LoginForm {
  element: HTMLElement;
  update(state: LoginFormState): void;
  focus(): void;
}

export function createLoginForm(
  onSubmit: (login: string, password: string) => void,
  languageSwitch: HTMLElement,
): LoginForm {
  const title = h("h1", { id: "login-title", class: "login-title" });
  const loginLabel = h("label", { for: "login-name" });
  const login = h("input", {
    id: "login-name",
    name: "username",
    type: "text",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
  });
  const passwordLabel = h("label", { for: "login-password" });
  const password = h("input", {
    id: "login-password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const error = h("p", { role: "alert", class: "form-error" });
  const submit = h("button", { type: "submit", class: "primary" });
  const form = h(
    "form",
    { class: "login-form", novalidate: true, "aria-labelledby": "login-title" },
    title,
    h("div", { class: "field" }, loginLabel, login),
    h("div", { class: "field" }, passwordLabel, password),
    error,
    submit,
  );
  const element = h(
    "div",
    { class: "login-screen" },
    h(
      "div",
      { class: "top-bar" },
      h("span", { class: "brand" }, "Konvert"),
      languageSwitch,
    ),
    form,
  );

  let state: LoginFormState | null = null;
  let missing = false;

  function render(next: LoginFormState): void {
    const { messages, busy } = next;
    title.textContent = messages.loginTitle;
    loginLabel.textContent = messages.loginLabel;
    passwordLabel.textContent = messages.passwordLabel;
    submit.textContent = busy ? messages.submitting : messages.submit;
    error.textContent = missing
      ? messages.missingCredentials
      : (next.error ?? "");

    toggleAttribute(form, "aria-busy", busy);
    submit.disabled = busy;
    login.readOnly = busy;
    password.readOnly = busy;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state === null || state.busy) return;

    missing = login.value.trim() === "" || password.value === "";
    render(state);
    if (missing) {
      (login.value.trim() === "" ? login : password).focus();
      return;
    }
    onSubmit(login.value.trim(), password.value);
  });

  return {
    element,
    update(next) {
      const failed = next.error !== null && next.error !== state?.error;
      state = next;
      if (next.error !== null) missing = false;
      render(next);
      // After a failed try the password is what most often needs retyping.
      if (failed && !next.busy) {
        password.focus();
        password.select();
      }
    },
    focus() {
      (login.value === "" ? login : password).focus();
    },
  };
}
