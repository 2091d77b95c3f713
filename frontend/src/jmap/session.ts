// Fetching the JMAP session object (RFC 8620 §2), the client's entry point.
import { exchange, type Failure, type Fetch } from "./http";
import { failure, success, type Outcome } from "./outcome";
import type { CoreCapability, Session } from "./types";
import { CORE } from "./types";

const URL_FIELDS = ["apiUrl", "downloadUrl", "uploadUrl", "eventSourceUrl"];
const STRING_FIELDS = ["username", "state", ...URL_FIELDS];
const OBJECT_FIELDS = ["capabilities", "accounts", "primaryAccounts"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names the first required session property that is missing or mistyped. */
function sessionFault(body: unknown): string | null {
  if (!isObject(body)) return "the session is not a JSON object";
  for (const key of STRING_FIELDS) {
    if (typeof body[key] !== "string") return `session.${key} is not a string`;
  }
  for (const key of OBJECT_FIELDS) {
    if (!isObject(body[key])) return `session.${key} is not an object`;
  }
  const capabilities = body.capabilities as Record<string, unknown>;
  if (!isObject(capabilities[CORE])) {
    return `session.capabilities lacks ${CORE}`;
  }
  return null;
}

/**
 * GETs the session with the browser's session cookie. A 401 comes back as
 * an "unauthenticated" problem: the user has to log in.
 */
export async function fetchSession(
  fetchFn: Fetch,
  url: string,
): Promise<Outcome<Session, Failure>> {
  const reply = await exchange(fetchFn, url, {
    method: "GET",
    headers: { Accept: "application/json" },
  });
  if (!reply.ok) return reply;

  const fault = sessionFault(reply.value.body);
  if (fault !== null) {
    return failure({
      kind: "invalidResponse",
      status: reply.value.status,
      message: fault,
    });
  }
  return success(reply.value.body as Session);
}

/** The core limits, which every valid session carries. */
export function coreCapability(session: Session): CoreCapability {
  return session.capabilities[CORE] as CoreCapability;
}
