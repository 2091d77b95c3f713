import { describe, expect, it } from "vitest";
import type { Failure } from "../jmap/http";
import { parseProblem } from "../jmap/problem";
import { failureText, isUnauthenticated } from "./failure-text";
import { messagesFor } from "./i18n";

const en = messagesFor("en");

function http(
  status: number,
  name: string | null,
  retryAfter: number | null = null,
): Failure {
  const type = name === null ? undefined : `urn:ietf:params:jmap:error:${name}`;
  return { kind: "http", problem: parseProblem(status, { type }), retryAfter };
}

describe("failureText", () => {
  it.each<[string, Failure, string]>([
    [
      "wrong credentials",
      http(401, "unauthenticated"),
      "Wrong login or password.",
    ],
    [
      "throttling",
      http(429, "tooManyRequests", 42),
      "Too many failed attempts. Try again in 42 seconds.",
    ],
    ["an IMAP outage", http(503, "serverUnavailable"), en.serverUnavailable],
    ["a proxy's 502", http(502, null), en.serverUnavailable],
    ["a proxy's bare 429", http(429, null, 5), en.throttled(5)],
    ["a server failure", http(500, "serverFail"), en.serverError(500)],
    [
      "no connection",
      { kind: "network", message: "Failed to fetch" },
      en.network,
    ],
    [
      "an unreadable answer",
      { kind: "invalidResponse", status: 200, message: "x" },
      en.invalidResponse,
    ],
  ])("explains %s", (_, failure, text) => {
    expect(failureText(failure, en)).toBe(text);
  });

  it("speaks the language it is given", () => {
    expect(failureText(http(401, "unauthenticated"), messagesFor("ru"))).toBe(
      "Неверный логин или пароль.",
    );
  });
});

describe("isUnauthenticated", () => {
  it("is true for a 401 only", () => {
    expect(isUnauthenticated(http(401, "unauthenticated"))).toBe(true);
    expect(isUnauthenticated(http(503, "serverUnavailable"))).toBe(false);
    expect(isUnauthenticated({ kind: "network", message: "" })).toBe(false);
  });
});
