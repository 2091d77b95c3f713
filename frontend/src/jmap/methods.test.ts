import { describe, expect, it } from "vitest";
import { capabilityOf, parseMethodError } from "./methods";

describe("capabilityOf", () => {
  it.each([
    ["Core/echo", "urn:ietf:params:jmap:core"],
    ["Email/query", "urn:ietf:params:jmap:mail"],
    ["Mailbox/get", "urn:ietf:params:jmap:mail"],
    ["EmailSubmission/set", "urn:ietf:params:jmap:submission"],
  ])("puts %s under %s", (method, capability) => {
    expect(capabilityOf(method)).toBe(capability);
  });
});

describe("parseMethodError", () => {
  it("reads a known type with its description", () => {
    const args = { type: "stateMismatch", description: "state is s9" };
    expect(parseMethodError(args)).toEqual({
      type: "stateMismatch",
      description: "state is s9",
    });
  });

  it("reads a known type without a description", () => {
    expect(parseMethodError({ type: "unknownMethod" })).toEqual({
      type: "unknownMethod",
    });
  });

  it("treats an unknown type as serverFail (RFC 8620 §3.6.2)", () => {
    expect(parseMethodError({ type: "quantumFlux" })).toEqual({
      type: "serverFail",
      description: 'unknown error type "quantumFlux"',
    });
  });
});
