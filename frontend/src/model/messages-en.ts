import { counted, splitWait, type Messages } from "./messages";

function wait(seconds: number): string {
  const { unit, n } = splitWait(seconds);
  return unit === "s"
    ? counted("en", n, { one: "second", other: "seconds" })
    : counted("en", n, { one: "minute", other: "minutes" });
}

export const en: Messages = {
  languageName: "English",
  language: "Language",
  loading: "Loading…",

  loginTitle: "Sign in to your mail",
  loginLabel: "Login",
  passwordLabel: "Password",
  submit: "Sign in",
  submitting: "Signing in…",
  missingCredentials: "Enter your login and password.",

  wrongCredentials: "Wrong login or password.",
  throttled: (seconds) =>
    seconds === null
      ? "Too many failed attempts. Try again later."
      : `Too many failed attempts. Try again in ${wait(seconds)}.`,
  serverUnavailable:
    "The mail server is not available right now. Try again in a few minutes.",
  network: "No connection to the server. Check your network and try again.",
  serverError: (status) =>
    `The server could not complete the request (error ${status}).`,
  invalidResponse: "The server sent an answer this app cannot read.",

  signedInAs: (username) => `Signed in as ${username}`,
  logOut: "Log out",
  loggingOut: "Logging out…",
  logoutFailed: (reason) => `Could not log out. ${reason}`,
};
