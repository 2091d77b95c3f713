// JMAP wire objects of RFC 8620, declared once with the spec's property names.

export type Id = string;

export const CORE = "urn:ietf:params:jmap:core";
export const MAIL = "urn:ietf:params:jmap:mail";
export const SUBMISSION = "urn:ietf:params:jmap:submission";

/** The core capability's limits (RFC 8620 §2). */
export interface CoreCapability {
  maxSizeUpload: number;
  maxConcurrentUpload: number;
  maxSizeRequest: number;
  maxConcurrentRequests: number;
  maxCallsInRequest: number;
  maxObjectsInGet: number;
  maxObjectsInSet: number;
  collationAlgorithms: string[];
}

/** One account of the session object (RFC 8620 §2). */
export interface Account {
  name: string;
  isPersonal: boolean;
  isReadOnly: boolean;
  accountCapabilities: Record<string, unknown>;
}

/** The session object (RFC 8620 §2). */
export interface Session {
  capabilities: Record<string, unknown>;
  accounts: Record<Id, Account>;
  primaryAccounts: Record<string, Id>;
  username: string;
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  state: string;
}

/** A method call or response: [name, arguments, method call id] (§3.2). */
export type Invocation = [
  name: string,
  arguments: Record<string, unknown>,
  methodCallId: string,
];

/** The body of a POST to apiUrl (RFC 8620 §3.3). */
export interface JmapRequest {
  using: string[];
  methodCalls: Invocation[];
  createdIds?: Record<Id, Id>;
}

/** The body of a successful answer from apiUrl (RFC 8620 §3.4). */
export interface JmapResponse {
  methodResponses: Invocation[];
  createdIds?: Record<Id, Id>;
  sessionState: string;
}

/** Points an argument at a value in an earlier call's result (§3.7). */
export interface ResultReference {
  resultOf: string;
  name: string;
  path: string;
}
