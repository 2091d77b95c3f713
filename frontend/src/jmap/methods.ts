// The methods the client knows, with their arguments and results, and the
// method-level errors of RFC 8620 §3.6.2. Each data type adds its methods
// to MethodMap as the server learns them.
import { CORE, MAIL, SUBMISSION } from "./types";

export interface MethodMap {
  "Core/echo": {
    args: Record<string, unknown>;
    result: Record<string, unknown>;
  };
}

export type MethodName = keyof MethodMap;
export type ArgsOf<M extends MethodName> = MethodMap[M]["args"];
export type ResultOf<M extends MethodName> = MethodMap[M]["result"];

/** The capability a method's data type belongs to, for the "using" list. */
export function capabilityOf(method: string): string {
  const type = method.slice(0, method.indexOf("/"));
  if (type === "EmailSubmission" || type === "Identity") return SUBMISSION;
  if (["Mailbox", "Thread", "Email", "SearchSnippet"].includes(type)) {
    return MAIL;
  }
  return CORE;
}

export type MethodErrorType =
  | "serverUnavailable"
  | "serverFail"
  | "serverPartialFail"
  | "unknownMethod"
  | "invalidArguments"
  | "invalidResultReference"
  | "forbidden"
  | "accountNotFound"
  | "accountNotSupportedByMethod"
  | "accountReadOnly"
  | "requestTooLarge"
  | "stateMismatch"
  | "cannotCalculateChanges"
  | "anchorNotFound"
  | "unsupportedSort"
  | "unsupportedFilter"
  | "tooManyChanges"
  | "fromAccountNotFound"
  | "fromAccountNotSupportedByMethod";

const KNOWN_TYPES: ReadonlySet<string> = new Set<MethodErrorType>([
  "serverUnavailable",
  "serverFail",
  "serverPartialFail",
  "unknownMethod",
  "invalidArguments",
  "invalidResultReference",
  "forbidden",
  "accountNotFound",
  "accountNotSupportedByMethod",
  "accountReadOnly",
  "requestTooLarge",
  "stateMismatch",
  "cannotCalculateChanges",
  "anchorNotFound",
  "unsupportedSort",
  "unsupportedFilter",
  "tooManyChanges",
  "fromAccountNotFound",
  "fromAccountNotSupportedByMethod",
]);

export interface MethodError {
  type: MethodErrorType;
  description?: string;
}

/**
 * Reads the arguments of an "error" response. A type the client does not
 * know counts as serverFail, as RFC 8620 §3.6.2 asks.
 */
export function parseMethodError(args: Record<string, unknown>): MethodError {
  const type = typeof args.type === "string" ? args.type : "";
  const text = typeof args.description === "string" ? args.description : "";

  if (KNOWN_TYPES.has(type)) {
    const known = type as MethodErrorType;
    return text === "" ? { type: known } : { type: known, description: text };
  }
  const unknown = `unknown error type "${type}"`;
  return {
    type: "serverFail",
    description: text === "" ? unknown : `${unknown}: ${text}`,
  };
}
