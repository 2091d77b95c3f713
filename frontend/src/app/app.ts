// The app's wiring: which screen shows, what each button does, and which
// requests go to the server. Components only draw; the jmap layer only talks.
import { logIn, logOut, sessionUrlFor } from "../jmap/auth";
import { JmapClient } from "../jmap/client";
import type { Failure, Fetch } from "../jmap/http";
import { fetchSession } from "../jmap/session";
import { failureText, isUnauthenticated } from "../model/failure-text";
import { messagesFor, pickLocale, type Locale } from "../model/i18n";
import type { Messages } from "../model/messages";
import { h } from "../ui/dom";
import {
  createLanguageSwitch,
  type LanguageSwitch,
} from "../ui/language-switch";
import { createLoginForm } from "../ui/login-form";
import { createShell } from "../ui/shell";
import type { LocaleStore } from "./locale-store";

export interface Environment {
  fetch: Fetch;
  /** The URL the app is served under, ending in "/". */
  base: URL;
  /** The browser's languages, most preferred first. */
  languages: readonly string[];
  localeStore: LocaleStore;
}

type Screen =
  | { name: "loading" }
  | { name: "login"; busy: boolean; error: Failure | null }
  | {
      name: "shell";
      client: JmapClient;
      busy: boolean;
      error: Failure | null;
    };

interface View {
  name: Screen["name"];
  element: HTMLElement;
  update(messages: Messages): void;
  focus?: () => void;
}

export class App {
  private locale: Locale;
  private screen: Screen = { name: "loading" };
  private view: View | null = null;
  private readonly languageSwitch: LanguageSwitch;

  constructor(
    private readonly root: HTMLElement,
    private readonly env: Environment,
  ) {
    this.locale = pickLocale(env.localeStore.load(), env.languages);
    this.languageSwitch = createLanguageSwitch((locale) => {
      this.setLocale(locale);
    });
  }

  /** Shows the mail shell if the browser still has a session, else login. */
  async start(): Promise<void> {
    this.show({ name: "loading" });
    const url = sessionUrlFor(this.env.base);
    const session = await fetchSession(this.env.fetch, url);

    if (session.ok) {
      const client = new JmapClient(this.env.fetch, session.value);
      this.show({ name: "shell", client, busy: false, error: null });
      return;
    }
    const error = isUnauthenticated(session.error) ? null : session.error;
    this.show({ name: "login", busy: false, error });
  }

  private async logIn(login: string, password: string): Promise<void> {
    this.show({ name: "login", busy: true, error: null });
    const reply = await logIn(this.env.fetch, this.env.base, login, password);
    if (!reply.ok) {
      this.show({ name: "login", busy: false, error: reply.error });
      return;
    }

    const url = reply.value.sessionUrl;
    const session = await fetchSession(this.env.fetch, url);
    if (!session.ok) {
      this.show({ name: "login", busy: false, error: session.error });
      return;
    }
    const client = new JmapClient(this.env.fetch, session.value);
    this.show({ name: "shell", client, busy: false, error: null });
  }

  private async logOut(): Promise<void> {
    if (this.screen.name !== "shell") return;
    const { client } = this.screen;
    this.show({ name: "shell", client, busy: true, error: null });

    const reply = await logOut(this.env.fetch, this.env.base);
    // A session that already expired is as good as ended.
    if (reply.ok || isUnauthenticated(reply.error)) {
      this.show({ name: "login", busy: false, error: null });
      return;
    }
    this.show({ name: "shell", client, busy: false, error: reply.error });
  }

  private setLocale(locale: Locale): void {
    this.locale = locale;
    this.env.localeStore.save(locale);
    this.render();
  }

  private show(screen: Screen): void {
    this.screen = screen;
    this.render();
  }

  private render(): void {
    const messages = messagesFor(this.locale);
    this.root.ownerDocument.documentElement.lang = this.locale;
    this.languageSwitch.update(this.locale, messages);

    if (this.view?.name !== this.screen.name) {
      this.view = this.createView(this.screen.name);
      this.root.replaceChildren(this.view.element);
      this.view.update(messages);
      this.view.focus?.();
      return;
    }
    this.view.update(messages);
  }

  private createView(name: Screen["name"]): View {
    const switchElement = this.languageSwitch.element;
    const text = (error: Failure | null, messages: Messages) =>
      error === null ? null : failureText(error, messages);

    switch (name) {
      case "loading": {
        const element = h("p", { role: "status", class: "loading" });
        const update = (messages: Messages) => {
          element.textContent = messages.loading;
        };
        return { name, element, update };
      }
      case "login": {
        const form = createLoginForm((login, password) => {
          void this.logIn(login, password);
        }, switchElement);
        const update = (messages: Messages) => {
          if (this.screen.name !== "login") return;
          const { busy, error } = this.screen;
          form.update({ messages, busy, error: text(error, messages) });
        };
        const focus = () => {
          form.focus();
        };
        return { name, element: form.element, update, focus };
      }
      case "shell": {
        const shell = createShell(() => {
          void this.logOut();
        }, switchElement);
        const update = (messages: Messages) => {
          if (this.screen.name !== "shell") return;
          const { client, busy, error } = this.screen;
          const reason = text(error, messages);
          shell.update({
            messages,
            username: client.session.username,
            busy,
            error: reason === null ? null : messages.logoutFailed(reason),
          });
        };
        return { name, element: shell.element, update };
      }
    }
  }
}
