// What to tell the user when a request to the server failed. The JMAP
// problem type decides; a bare HTTP status (from a proxy) is read as the
// same problem would be.
import type { Failure } from "../jmap/http";
import type { Problem } from "../jmap/problem";
import type { Messages } from "./messages";

const URN = "urn:ietf:params:jmap:error:";

type Reason = "unauthenticated" | "throttled" | "unavailable" | "other";

function reasonOf(problem: Problem): Reason {
  switch (problem.type) {
    case `${URN}unauthenticated`:
      return "unauthenticated";
    case `${URN}tooManyRequests`:
      return "throttled";
    case `${URN}serverUnavailable`:
      return "unavailable";
    case "about:blank":
      if (problem.status === 401) return "unauthenticated";
      if (problem.status === 429) return "throttled";
      if ([502, 503, 504].includes(problem.status)) return "unavailable";
      return "other";
    default:
      return "other";
  }
}

export function failureText(failure: Failure, messages: Messages): string {
  switch (failure.kind) {
    case "network":
      return messages.network;
    case "invalidResponse":
      return messages.invalidResponse;
    case "http":
      break;
  }

  const { problem, retryAfter } = failure;
  switch (reasonOf(problem)) {
    case "unauthenticated":
      return messages.wrongCredentials;
    case "throttled":
      return messages.throttled(retryAfter);
    case "unavailable":
      return messages.serverUnavailable;
    case "other":
      return messages.serverError(problem.status);
  }
}

/** True when the failure only means "nobody is logged in". */
export function isUnauthenticated(failure: Failure): boolean {
  return (
    failure.kind === "http" && reasonOf(failure.problem) === "unauthenticated"
  );
}
