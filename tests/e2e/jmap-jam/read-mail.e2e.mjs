// End-to-end test of reading mail with a third-party JMAP client: jmap-jam
// (npm) against the real konvert binary, which serves a fresh user of the
// Dovecot of the ctest `mailstack` fixture. Nothing here is Konvert's own
// client code, so this is what any other JMAP client sees.
//
//   node read-mail.e2e.mjs --konvert PATH
//
// Reads the session, Mailbox/get, Email/query, Email/get (subject, from,
// preview, body values), a download through the session's URL template and
// a request with a result reference, and checks exact values.
//
// Needs KONVERT_MAILSTACK_DIR (its `env` file names IMAP_PORT; konvert
// presents the stack's certificate from tls/) and NODE_EXTRA_CA_CERTS set to
// that certificate, so that Node's fetch trusts it. Exits non-zero on any
// mismatch; konvert and the temporary directory go away either way.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import JamClient from "jmap-jam";
import {
  konvertArgs,
  mailstackImapPort,
  startKonvert,
  stopKonvert,
  withTimeout,
} from "../support/konvert-process.mjs";

const STEP_TIMEOUT_MS = 15_000;
// Below ctest's TIMEOUT for this test, so that cleanup still runs.
const WHOLE_TEST_TIMEOUT_MS = 120_000;

const HERE = dirname(fileURLToPath(import.meta.url));
const MAILSTACK_SCRIPT = resolve(HERE, "../../support/mailstack.sh");
const MAIL = "urn:ietf:params:jmap:mail";

const { values: options } = parseArgs({
  options: { konvert: { type: "string" } },
});

function required(value, what) {
  if (value === undefined || value === "") throw new Error(`missing ${what}`);
  return value;
}

function log(message) {
  console.log(`jmap-jam e2e: ${message}`);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function checkEqual(actual, expected, what) {
  check(
    isDeepStrictEqual(actual, expected),
    `${what}:\n  expected ${JSON.stringify(expected)}\n  actual   ${JSON.stringify(actual)}`,
  );
}

// RFC 2047 B-encoding of UTF-8 text, for headers with non-ASCII text.
function encodedWord(text) {
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

// The messages the user finds in INBOX, oldest Date first, each with what
// Email/get must answer for it. Line ends are CRLF, as IMAP wants them.
const MESSAGES = [
  {
    raw: [
      `From: ${encodedWord("Иван Петров")} <ivan@example.test>`,
      "To: Jam Reader <reader@example.test>",
      `Subject: ${encodedWord("Привет, мир")}`,
      "Date: Mon, 02 Nov 2026 10:00:00 +0000",
      "Message-ID: <jam-1@example.test>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Первое письмо.",
      "Вторая   строка.",
      "",
    ],
    subject: "Привет, мир",
    from: [{ name: "Иван Петров", email: "ivan@example.test" }],
    preview: "Первое письмо. Вторая строка.",
    text: "Первое письмо.\r\nВторая   строка.\r\n",
    html: null,
  },
  {
    raw: [
      "From: Alice Example <alice@example.test>",
      "To: Jam Reader <reader@example.test>",
      "Subject: Lunch plans",
      "Date: Mon, 02 Nov 2026 11:00:00 +0000",
      "Message-ID: <jam-2@example.test>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="jam-alt"',
      "",
      "--jam-alt",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Caf=C3=A9 at noon =E2=80=94 don't be late. This line is soft-wrapped =",
      "here.",
      "--jam-alt",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>Caf&eacute; at <b>noon</b></p>",
      "--jam-alt--",
      "",
    ],
    subject: "Lunch plans",
    from: [{ name: "Alice Example", email: "alice@example.test" }],
    preview:
      "Café at noon \u2014 don't be late. This line is soft-wrapped here.",
    text: "Café at noon \u2014 don't be late. This line is soft-wrapped here.",
    html: "<p>Caf&eacute; at <b>noon</b></p>",
  },
  {
    raw: [
      "From: bob@example.test",
      "To: Jam Reader <reader@example.test>",
      "Subject: Re: Lunch plans",
      "Date: Mon, 02 Nov 2026 12:00:00 +0000",
      "Message-ID: <jam-3@example.test>",
      "In-Reply-To: <jam-2@example.test>",
      "References: <jam-2@example.test>",
      "",
      "Count me in.",
      "",
    ],
    subject: "Re: Lunch plans",
    from: [{ name: null, email: "bob@example.test" }],
    preview: "Count me in.",
    text: "Count me in.\r\n",
    html: null,
  },
];

// Appends `messages` to INBOX over plain IMAP on loopback (the stack allows
// it there): LOGIN, one APPEND per message with a non-synchronizing literal
// (RFC 7888 LITERAL+, which Dovecot offers), LOGOUT.
async function imapAppend(port, login, password, messages) {
  const socket = connect({ host: "127.0.0.1", port });
  socket.setEncoding("utf8");
  let received = "";
  let waiting = null;
  const settle = () => {
    if (waiting === null) return;
    const match = waiting.pattern.exec(received);
    if (match === null) return;
    received = received.slice(match.index + match[0].length);
    const { resolve: done } = waiting;
    waiting = null;
    done(match[0]);
  };
  const expectLine = (pattern, what) =>
    withTimeout(
      new Promise((done) => {
        waiting = { pattern, resolve: done };
        settle();
      }),
      STEP_TIMEOUT_MS,
      what,
    );
  socket.on("data", (chunk) => {
    received += chunk;
    settle();
  });
  const closed = new Promise((_, reject) => {
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("IMAP connection closed")));
  });
  closed.catch(() => {});

  const quoted = (s) => `"${s.replace(/[\\"]/g, "\\$&")}"`;
  let tag = 0;
  const command = async (text, literal) => {
    const t = `a${++tag}`;
    if (literal === undefined) {
      socket.write(`${t} ${text}\r\n`);
    } else {
      const bytes = Buffer.from(literal, "utf8");
      socket.write(`${t} ${text} {${bytes.length}+}\r\n`);
      socket.write(bytes);
      socket.write("\r\n");
    }
    const line = await Promise.race([
      expectLine(new RegExp(`^${t} .*\\r\\n`, "m"), `IMAP ${t}`),
      closed,
    ]);
    check(line.startsWith(`${t} OK`), `IMAP ${text}: ${line.trim()}`);
  };

  try {
    await Promise.race([expectLine(/^\* OK.*\r\n/m, "IMAP greeting"), closed]);
    await command(`LOGIN ${quoted(login)} ${quoted(password)}`);
    for (const message of messages) await command("APPEND INBOX", message);
    await command("LOGOUT");
  } finally {
    socket.destroy();
  }
}

// A session token from Konvert's login endpoint; API clients may send it as
// a bearer token (DESIGN.md decision 7), which is all jmap-jam speaks.
async function bearerToken(base, login, password) {
  const response = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login, password }),
  });
  check(response.status === 200, `login answered ${response.status}`);
  for (const cookie of response.headers.getSetCookie()) {
    const match = /^konvert_session=([^;]+)/.exec(cookie);
    if (match !== null) return match[1];
  }
  throw new Error("login set no konvert_session cookie");
}

async function run(state) {
  const konvert = required(options.konvert, "--konvert");
  const stackDir = required(
    process.env.KONVERT_MAILSTACK_DIR,
    "KONVERT_MAILSTACK_DIR",
  );
  const cert = join(stackDir, "tls", "cert.pem");
  check(
    process.env.NODE_EXTRA_CA_CERTS === cert,
    `NODE_EXTRA_CA_CERTS must be ${cert}, so that fetch trusts konvert`,
  );
  const port = mailstackImapPort(stackDir);
  state.dir = mkdtempSync(join(tmpdir(), "konvert-jam-"));

  const login = `jam-${process.pid}-${Date.now()}@example.test`;
  const password = "jam-secret";
  log(`user ${login} gets ${MESSAGES.length} messages`);
  execFileSync(MAILSTACK_SCRIPT, ["adduser", stackDir, login, password], {
    stdio: "inherit",
    timeout: STEP_TIMEOUT_MS,
  });
  await imapAppend(
    port,
    login,
    password,
    MESSAGES.map((m) => m.raw.join("\r\n")),
  );

  const started = startKonvert(
    konvert,
    konvertArgs({
      cert,
      key: join(stackDir, "tls", "key.pem"),
      dataDir: join(state.dir, "data"),
      imapPort: port,
    }),
  );
  state.server = started.server;
  const origin = `https://127.0.0.1:${await started.port}`;
  log(`konvert listens at ${origin}`);

  const jam = new JamClient({
    sessionUrl: `${origin}/.well-known/jmap`,
    bearerToken: await bearerToken(`${origin}/webmail`, login, password),
  });

  log("the session names the mail account");
  const session = await jam.session;
  checkEqual(session.username, login, "session username");
  check(MAIL in session.capabilities, `no ${MAIL} capability`);
  const accountId = await jam.getPrimaryAccount();
  check(typeof accountId === "string", `no primary mail account`);
  check(
    session.accounts[accountId]?.accountCapabilities?.[MAIL] !== undefined,
    `account ${accountId} lacks ${MAIL}`,
  );
  checkEqual(
    session.apiUrl,
    `${origin}/webmail/jmap/api`,
    "apiUrl (RFC 8620 §2)",
  );

  log("Mailbox/get lists INBOX and the special-use folders");
  const [mailboxes] = await jam.api.Mailbox.get({ accountId, ids: null });
  const byRole = new Map(mailboxes.list.map((m) => [m.role, m]));
  checkEqual(
    [...byRole.keys()].sort(),
    ["archive", "drafts", "inbox", "junk", "sent", "trash"],
    "mailbox roles",
  );
  const inbox = byRole.get("inbox");
  checkEqual(inbox.name, "Inbox", "INBOX name");
  checkEqual(inbox.parentId, null, "INBOX parentId");
  checkEqual(inbox.totalEmails, MESSAGES.length, "INBOX totalEmails");
  checkEqual(inbox.unreadEmails, MESSAGES.length, "INBOX unreadEmails");
  checkEqual(inbox.myRights.mayReadItems, true, "INBOX myRights.mayReadItems");

  log("Email/query finds the messages of INBOX, oldest Date first");
  const [query] = await jam.api.Email.query({
    accountId,
    filter: { inMailbox: inbox.id },
    sort: [{ property: "sentAt", isAscending: true }],
    calculateTotal: true,
  });
  checkEqual(query.total, MESSAGES.length, "Email/query total");
  checkEqual(query.ids.length, MESSAGES.length, "Email/query ids");
  checkEqual(query.position, 0, "Email/query position");

  log("Email/get reads subject, from, preview and body values");
  const [got] = await jam.api.Email.get({
    accountId,
    ids: query.ids,
    properties: [
      "id",
      "threadId",
      "mailboxIds",
      "keywords",
      "subject",
      "from",
      "preview",
      "textBody",
      "htmlBody",
      "bodyValues",
    ],
    fetchTextBodyValues: true,
    fetchHTMLBodyValues: true,
  });
  checkEqual(got.notFound, [], "Email/get notFound");
  checkEqual(
    got.list.map((e) => e.id),
    query.ids,
    "Email/get answers in the order asked",
  );
  got.list.forEach((email, i) => {
    const want = MESSAGES[i];
    const what = `message ${i + 1}`;
    checkEqual(email.subject, want.subject, `${what} subject`);
    checkEqual(email.from, want.from, `${what} from`);
    checkEqual(email.preview, want.preview, `${what} preview`);
    checkEqual(email.mailboxIds, { [inbox.id]: true }, `${what} mailboxIds`);
    checkEqual(email.keywords, {}, `${what} keywords`);
    checkEqual(email.textBody.length, 1, `${what} textBody parts`);
    const text = email.bodyValues[email.textBody[0].partId];
    checkEqual(
      text,
      { value: want.text, isEncodingProblem: false, isTruncated: false },
      `${what} text body value`,
    );
    const htmlPart = email.htmlBody[0];
    const expectedHtml = want.html ?? want.text;
    checkEqual(
      email.bodyValues[htmlPart.partId]?.value,
      expectedHtml,
      `${what} html body value`,
    );
    checkEqual(
      htmlPart.type,
      want.html === null ? "text/plain" : "text/html",
      `${what} htmlBody type`,
    );
  });
  checkEqual(
    got.list[1].threadId,
    got.list[2].threadId,
    "the reply shares its thread",
  );
  check(
    got.list[0].threadId !== got.list[1].threadId,
    "unrelated messages share a thread",
  );

  log("the download URL template gives back the message as appended");
  const [withBlob] = await jam.api.Email.get({
    accountId,
    ids: [query.ids[0]],
    properties: ["blobId", "size"],
  });
  const raw = Buffer.from(MESSAGES[0].raw.join("\r\n"), "utf8");
  checkEqual(withBlob.list[0].size, raw.length, "message 1 size");
  const download = await jam.downloadBlob({
    accountId,
    blobId: withBlob.list[0].blobId,
    mimeType: "message/rfc822",
    fileName: "first.eml",
  });
  checkEqual(
    download.headers.get("content-type")?.split(";")[0],
    "message/rfc822",
    "download Content-Type",
  );
  const downloaded = Buffer.from(await download.arrayBuffer());
  check(
    downloaded.equals(raw),
    `downloaded message differs:\n${downloaded.toString("utf8")}`,
  );

  log("one request: Email/query, then Email/get through a result reference");
  const [{ page, emails }] = await jam.requestMany((t) => {
    const page = t.Email.query({
      accountId,
      filter: { inMailbox: inbox.id },
      sort: [{ property: "sentAt", isAscending: false }],
      limit: 1,
    });
    const emails = t.Email.get({
      accountId,
      ids: page.$ref("/ids"),
      properties: ["subject"],
    });
    return { page, emails };
  });
  checkEqual(page.ids, [query.ids[2]], "newest message");
  checkEqual(
    emails.list.map((e) => e.subject),
    ["Re: Lunch plans"],
    "subject through the back-reference",
  );
}

async function cleanUp(state) {
  await stopKonvert(state.server);
  if (state.dir !== null) rmSync(state.dir, { recursive: true, force: true });
}

const state = { dir: null, server: null };
const startedAt = Date.now();
let failed = false;
try {
  await withTimeout(run(state), WHOLE_TEST_TIMEOUT_MS, "the test");
} catch (error) {
  failed = true;
  // jmap-jam throws JMAP method errors and problem details as plain objects.
  const text =
    error instanceof Error ? error.stack : JSON.stringify(error, null, 2);
  console.error(`jmap-jam e2e: FAILED: ${text}`);
  if (state.server !== null)
    console.error(`jmap-jam e2e: konvert output:\n${state.server.output}`);
} finally {
  await cleanUp(state);
}
log(
  `${failed ? "failed" : "passed"} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
);
process.exit(failed ? 1 : 0);
