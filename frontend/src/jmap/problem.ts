// Request-level errors: RFC 7807 problem details with the JMAP types of
// RFC 8620 §3.6.1, plus the ones Konvert's login and session endpoints use.

const PREFIX = "urn:ietf:params:jmap:error:";

type Urn<Name extends string> = `${typeof PREFIX}${Name}`;

/** Problem names that carry nothing beyond status and detail. */
export type PlainProblemName =
  | "unknownCapability"
  | "notJSON"
  | "notRequest"
  | "unauthenticated"
  | "forbidden"
  | "notFound"
  | "tooManyRequests"
  | "serverUnavailable"
  | "serverFail"
  | "invalidArguments";

/**
 * A problem the server reported. An unknown type, or a body that is not
 * problem JSON (a proxy's HTML error page), reads as "about:blank": the HTTP
 * status alone says what went wrong (RFC 7807 §4.2).
 */
export type Problem =
  | { type: Urn<"limit">; status: number; detail: string; limit: string }
  | { type: Urn<PlainProblemName>; status: number; detail: string }
  | { type: "about:blank"; status: number; detail: string };

const PLAIN_NAMES: ReadonlySet<string> = new Set<PlainProblemName>([
  "unknownCapability",
  "notJSON",
  "notRequest",
  "unauthenticated",
  "forbidden",
  "notFound",
  "tooManyRequests",
  "serverUnavailable",
  "serverFail",
  "invalidArguments",
]);

function isPlainName(name: string): name is PlainProblemName {
  return PLAIN_NAMES.has(name);
}

function field(body: unknown, key: string): string {
  if (typeof body !== "object" || body === null) return "";
  const value: unknown = (body as Record<string, unknown>)[key];
  return typeof value === "string" ? value : "";
}

/** Reads a problem from an HTTP error's status and (maybe absent) JSON body. */
export function parseProblem(status: number, body: unknown): Problem {
  const type = field(body, "type");
  const detail = field(body, "detail");
  const name = type.startsWith(PREFIX) ? type.slice(PREFIX.length) : "";

  if (name === "limit") {
    return {
      type: `${PREFIX}limit`,
      status,
      detail,
      limit: field(body, "limit"),
    };
  }
  if (isPlainName(name)) return { type: `${PREFIX}${name}`, status, detail };
  return { type: "about:blank", status, detail };
}

/**
 * Seconds to wait from a Retry-After header (RFC 9110 §10.2.3): either a
 * number of seconds or an HTTP date. Null when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: Date,
): number | null {
  if (header === null) return null;
  const text = header.trim();

  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date always names its weekday and month.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
