// What a logged-in user sees: who they are and how to log out. The mail
// views will live in its main area.
import type { Messages } from "../model/messages";
import { h } from "./dom";

export interface ShellState {
  messages: Messages;
  username: string;
  /** A logout request is on its way. */
  busy: boolean;
  /** Why the last logout failed, already in the user's language. */
  error: string | null;
}

export interface Shell {
  element: HTMLElement;
  update(state: ShellState): void;
}

export function createShell(
  onLogOut: () => void,
  languageSwitch: HTMLElement,
): Shell {
  const user = h("p", { class: "shell-user" });
  const logOut = h("button", { type: "button", class: "secondary" });
  const error = h("p", { role: "alert", class: "form-error" });
  const element = h(
    "div",
    { class: "shell" },
    h(
      "header",
      { class: "shell-bar" },
      h("span", { class: "brand" }, "Konvert"),
      user,
      languageSwitch,
      logOut,
    ),
    error,
    h("main", { class: "shell-main" }),
  );

  let busy = false;
  logOut.addEventListener("click", () => {
    if (!busy) onLogOut();
  });

  return {
    element,
    update(state) {
      busy = state.busy;
      user.textContent = state.messages.signedInAs(state.username);
      logOut.textContent = state.busy
        ? state.messages.loggingOut
        : state.messages.logOut;
      logOut.disabled = state.busy;
      error.textContent = state.error ?? "";
    },
  };
}
