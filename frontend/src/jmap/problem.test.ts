import { describe, expect, it } from "vitest";
import { parseProblem, parseRetryAfter } from "./problem";

const URN = "urn:ietf:params:jmap:error:";

describe("parseProblem", () => {
  it.each([
    ["unauthenticated", 401],
    ["tooManyRequests", 429],
    ["serverUnavailable", 503],
    ["notJSON", 400],
    ["unknownCapability", 400],
  ])("reads the %s problem", (name, status) => {
    const body = { type: `${URN}${name}`, status, detail: "why" };
    expect(parseProblem(status, body)).toEqual({
      type: `${URN}${name}`,
      status,
      detail: "why",
    });
  });

  it("keeps the limit that a limit problem names", () => {
    const body = {
      type: `${URN}limit`,
      status: 400,
      limit: "maxCallsInRequest",
    };
    expect(parseProblem(400, body)).toEqual({
      type: `${URN}limit`,
      status: 400,
      detail: "",
      limit: "maxCallsInRequest",
    });
  });

  it("takes the status from HTTP, not from the body", () => {
    const body = { type: `${URN}serverFail`, status: 200, detail: "" };
    expect(parseProblem(500, body).status).toBe(500);
  });

  it.each([
    ["an unknown JMAP type", { type: `${URN}somethingNew`, detail: "new" }],
    ["a type of another scheme", { type: "https://example.org/oops" }],
    ["a missing body", null],
    ["a body that is not an object", "Bad Gateway"],
    ["a type that is not a string", { type: 42 }],
  ])("reads %s as about:blank", (_, body) => {
    const problem = parseProblem(502, body);
    expect(problem.type).toBe("about:blank");
    expect(problem.status).toBe(502);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2025-01-01T12:00:00Z");

  it("reads a number of seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter(" 7 ", now)).toBe(7);
  });

  it("reads an HTTP date as the seconds until then", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 12:01:30 GMT", now)).toBe(90);
  });

  it("never answers a negative wait for a past date", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 11:00:00 GMT", now)).toBe(0);
  });

  it("answers null when absent or unreadable", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
  });
});
