// @vitest-environment jsdom
import { screen } from "@testing-library/dom";
import { userEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import {
  fakeFetch,
  jsonResponse,
  networkDown,
  problemResponse,
  SAMPLE_SESSION,
  type FakeFetch,
  type Handler,
} from "../jmap/fake-fetch";
import { App } from "./app";
import { memoryLocaleStore, type LocaleStore } from "./locale-store";

const BASE = "https://mail.example.org/webmail/";
const SESSION_URL = `${BASE}.well-known/jmap`;
const LOGIN_REPLY = {
  username: "anna@example.org",
  accountId: "A1",
  sessionUrl: SESSION_URL,
};

/** A server whose answers to login and logout tests can change. */
function server(answers: { login?: Handler; logout?: Handler } = {}) {
  let loggedIn = false;
  return fakeFetch(async (request) => {
    if (request.url === SESSION_URL) {
      return loggedIn
        ? jsonResponse(200, SAMPLE_SESSION)
        : problemResponse(401, "unauthenticated");
    }
    if (request.url === `${BASE}auth/login`) {
      const answer = answers.login ?? (() => jsonResponse(200, LOGIN_REPLY));
      const response = await answer(request);
      loggedIn = response.ok;
      return response;
    }
    if (request.url === `${BASE}auth/logout`) {
      loggedIn = false;
      return (answers.logout ?? (() => new Response(null, { status: 204 })))(
        request,
      );
    }
    return problemResponse(404, "notFound");
  });
}

async function startApp(
  fake: FakeFetch,
  languages: readonly string[] = ["en-US"],
  localeStore: LocaleStore = memoryLocaleStore(),
): Promise<void> {
  document.body.replaceChildren();
  const root = document.createElement("div");
  document.body.append(root);
  const app = new App(root, {
    fetch: fake.fetch,
    base: new URL(BASE),
    languages,
    localeStore,
  });
  await app.start();
}

async function logInAs(login: string, password: string): Promise<void> {
  const user = userEvent.setup();
  await user.type(screen.getByRole("textbox", { name: "Login" }), login);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

async function alertText(text: string): Promise<void> {
  expect((await screen.findByText(text)).getAttribute("role")).toBe("alert");
}

describe("app", () => {
  beforeEach(() => {
    document.documentElement.lang = "";
  });

  it("goes straight to the shell when the session answers", async () => {
    const fake = fakeFetch(() => jsonResponse(200, SAMPLE_SESSION));
    await startApp(fake);

    expect(screen.getByText("Signed in as anna@example.org")).toBeTruthy();
    expect(fake.requests.map((r) => r.url)).toEqual([SESSION_URL]);
  });

  it("shows the login form, focused, when nobody is logged in", async () => {
    await startApp(server());
    const login = screen.getByRole("textbox", { name: "Login" });
    expect(document.activeElement).toBe(login);
    expect(screen.getByRole("alert").textContent).toBe("");
  });

  it("logs in, fetches the session and shows the shell", async () => {
    const fake = server();
    await startApp(fake);
    await logInAs("anna@example.org", "secret");

    expect(
      await screen.findByText("Signed in as anna@example.org"),
    ).toBeTruthy();
    expect(fake.requests[1]).toMatchObject({
      method: "POST",
      json: { login: "anna@example.org", password: "secret" },
    });
    expect(fake.requests[2]?.url).toBe(SESSION_URL);
  });

  it("logs out back to an empty login form", async () => {
    const fake = server();
    await startApp(fake);
    await logInAs("anna@example.org", "secret");
    await userEvent
      .setup()
      .click(await screen.findByRole("button", { name: "Log out" }));

    const password = await screen.findByLabelText("Password");
    expect(password).toHaveProperty("value", "");
    expect(fake.requests.at(-1)?.url).toBe(`${BASE}auth/logout`);
  });

  it("stays in the shell and says why when logout fails", async () => {
    await startApp(server({ logout: networkDown }));
    await logInAs("anna", "secret");
    await userEvent
      .setup()
      .click(await screen.findByRole("button", { name: "Log out" }));

    await alertText(
      "Could not log out. No connection to the server. Check your network and try again.",
    );
    expect(screen.getByRole("button", { name: "Log out" })).toBeTruthy();
  });

  it.each<[string, Handler, string]>([
    [
      "wrong credentials",
      () => problemResponse(401, "unauthenticated"),
      "Wrong login or password.",
    ],
    [
      "throttling",
      () => problemResponse(429, "tooManyRequests", { "Retry-After": "30" }),
      "Too many failed attempts. Try again in 30 seconds.",
    ],
    [
      "an unavailable mail server",
      () => problemResponse(503, "serverUnavailable"),
      "The mail server is not available right now. Try again in a few minutes.",
    ],
    [
      "a network failure",
      networkDown,
      "No connection to the server. Check your network and try again.",
    ],
  ])("explains %s", async (_, login, text) => {
    await startApp(server({ login }));
    await logInAs("anna", "bad");
    await alertText(text);
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  });

  it("shows the login form with the reason when the server is unreachable", async () => {
    await startApp(fakeFetch(networkDown));
    expect(screen.getByRole("alert").textContent).toBe(
      "No connection to the server. Check your network and try again.",
    );
  });

  it("speaks the browser's language", async () => {
    await startApp(server(), ["ru-RU", "en"]);
    expect(screen.getByRole("textbox", { name: "Логин" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("ru");
  });

  it("switches language on request and remembers the choice", async () => {
    const store = memoryLocaleStore();
    await startApp(server(), ["en-US"], store);
    await userEvent
      .setup()
      .click(screen.getByRole("button", { name: "Русский" }));

    expect(screen.getByRole("button", { name: "Войти" })).toBeTruthy();
    expect(store.load()).toBe("ru");
    await startApp(server(), ["en-US"], store);
    expect(screen.getByRole("button", { name: "Войти" })).toBeTruthy();
  });

  it("translates a shown error when the language changes", async () => {
    await startApp(
      server({ login: () => problemResponse(401, "unauthenticated") }),
    );
    await logInAs("anna", "bad");
    await alertText("Wrong login or password.");
    await userEvent
      .setup()
      .click(screen.getByRole("button", { name: "Русский" }));
    await alertText("Неверный логин или пароль.");
  });
});
