// End-to-end test of login and logout: the built app in headless Chromium,
// served by the real konvert binary, which checks passwords against the
// Dovecot of the ctest `mailstack` fixture.
//
//   node e2e/login.e2e.mjs --konvert PATH --static-dir DIR
//
// Needs KONVERT_MAILSTACK_DIR (its `env` file names IMAP_PORT), openssl and
// Chromium (CHROMIUM, default /usr/bin/chromium). Exits non-zero on failure;
// konvert, the browser and the temporary directory go away either way.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import {
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  konvertArgs,
  mailstackImapPort,
  startKonvert,
  stopKonvert,
  withTimeout,
} from "../../tests/e2e/support/konvert-process.mjs";

const STEP_TIMEOUT_MS = 15_000;
// Below ctest's TIMEOUT for this test, so that cleanup still runs.
const WHOLE_TEST_TIMEOUT_MS = 120_000;

const ALICE = "alice@example.test";
const ALICE_PASSWORD = "alice-secret";
const WRONG_CREDENTIALS = "Wrong login or password.";

const { values: options } = parseArgs({
  options: {
    konvert: { type: "string" },
    "static-dir": { type: "string" },
  },
});

function required(value, what) {
  if (value === undefined || value === "") throw new Error(`missing ${what}`);
  return value;
}

function log(message) {
  console.log(`e2e: ${message}`);
}

function makeCertificate(dir) {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore", timeout: STEP_TIMEOUT_MS },
  );
  return { cert, key };
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function run(state) {
  const konvert = required(options.konvert, "--konvert");
  const staticDir = required(options["static-dir"], "--static-dir");
  const dir = mkdtempSync(join(tmpdir(), "konvert-e2e-"));
  state.dir = dir;
  const { cert, key } = makeCertificate(dir);

  const stackDir = required(
    process.env.KONVERT_MAILSTACK_DIR,
    "KONVERT_MAILSTACK_DIR",
  );
  const started = startKonvert(
    konvert,
    konvertArgs({
      cert,
      key,
      dataDir: join(dir, "data"),
      imapPort: mailstackImapPort(stackDir),
      staticDir,
    }),
  );
  state.server = started.server;
  const port = await started.port;
  const base = `https://127.0.0.1:${port}/webmail/`;
  log(`konvert listens at ${base}`);

  state.context = await chromium.launchPersistentContext(
    join(dir, "chromium"),
    {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      timeout: START_TIMEOUT_MS,
      locale: "en-US",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Only this test's browser, for konvert's throwaway certificate.
        "--ignore-certificate-errors",
      ],
    },
  );
  const context = state.context;
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);

  // Everything the page complains about; checked at the end.
  const problems = [];
  await context.exposeBinding("__konvertE2eCsp", (_source, text) => {
    problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const where = `${event.sourceFile}:${event.lineNumber}`;
      void window.__konvertE2eCsp(
        `${event.effectiveDirective} blocked ${event.blockedURI} (${where})`,
      );
    });
  });

  const page = context.pages()[0] ?? (await context.newPage());
  state.page = page;
  // Chromium logs every 4xx as a console error. The 401s the app expects
  // (no session yet, a wrong password) are its normal path, not problems.
  const expected401 = new Set([`${base}.well-known/jmap`, `${base}auth/login`]);
  page.on("console", (message) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    const text = message.text();
    const url = message.location().url;
    if (text.includes("status of 401") && expected401.has(url)) return;
    problems.push(`console ${message.type()}: ${text} (${url})`);
  });
  page.on("pageerror", (error) => {
    problems.push(`page error: ${error.message}`);
  });

  const form = page.getByRole("form", { name: "Sign in to your mail" });
  const loginField = form.getByLabel("Login", { exact: true });
  const passwordField = form.getByLabel("Password", { exact: true });
  const signIn = form.getByRole("button", { name: "Sign in", exact: true });
  const signedIn = page.getByText(`Signed in as ${ALICE}`, { exact: true });
  const logOut = page.getByRole("button", { name: "Log out", exact: true });

  log("login form appears");
  const response = await page.goto(base);
  check(
    response?.status() === 200,
    `GET ${base} answered ${response?.status()}`,
  );
  await form.waitFor();
  await loginField.waitFor();
  await passwordField.waitFor();
  await signIn.waitFor();

  log("a wrong password is refused");
  await loginField.fill(ALICE);
  await passwordField.fill("not-alice-secret");
  await signIn.click();
  await form
    .getByRole("alert")
    .filter({
      hasText: new RegExp(
        `^${WRONG_CREDENTIALS.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
      ),
    })
    .waitFor();
  check(!(await signedIn.isVisible()), "shell shown after a wrong password");

  log("alice logs in");
  await passwordField.fill(ALICE_PASSWORD);
  await signIn.click();
  await signedIn.waitFor();
  await form.waitFor({ state: "detached" });

  log("the session cookie is HttpOnly, Secure, SameSite=Strict");
  const cookies = await context.cookies(base);
  const session = cookies.find((cookie) => cookie.name === "konvert_session");
  check(
    session !== undefined,
    `no konvert_session cookie among ${JSON.stringify(cookies)}`,
  );
  check(session.httpOnly, "session cookie is not HttpOnly");
  check(session.secure, "session cookie is not Secure");
  check(
    session.sameSite === "Strict",
    `session cookie is SameSite=${session.sameSite}`,
  );

  log("a reload keeps alice logged in");
  await page.reload();
  await signedIn.waitFor();

  log("log out shows the login form");
  await logOut.click();
  await form.waitFor();
  await signedIn.waitFor({ state: "detached" });

  log("a reload keeps alice logged out");
  await page.reload();
  await form.waitFor();
  await loginField.waitFor();
  check(!(await signedIn.isVisible()), "shell shown after logout and reload");

  check(
    problems.length === 0,
    `the page reported:\n  ${problems.join("\n  ")}`,
  );
}

async function cleanUp(state) {
  if (state.context !== null) {
    await withTimeout(
      state.context.close(),
      STOP_TIMEOUT_MS,
      "closing Chromium",
    ).catch((error) => log(`${error.message}`));
  }
  await stopKonvert(state.server);
  if (state.dir !== null) rmSync(state.dir, { recursive: true, force: true });
}

const state = { dir: null, server: null, context: null, page: null };
const startedAt = Date.now();
let failed = false;
try {
  await withTimeout(run(state), WHOLE_TEST_TIMEOUT_MS, "the test");
} catch (error) {
  failed = true;
  console.error(
    `e2e: FAILED: ${error instanceof Error ? error.stack : String(error)}`,
  );
  if (state.page !== null) {
    const text = await withTimeout(
      state.page.evaluate(() => document.body.innerText),
      STOP_TIMEOUT_MS,
      "reading the page",
    ).catch((reason) => `(unreadable: ${String(reason)})`);
    console.error(`e2e: the page shows:\n${text}`);
  }
  if (state.server !== null)
    console.error(`e2e: konvert output:\n${state.server.output}`);
} finally {
  await cleanUp(state);
}
log(
  `${failed ? "failed" : "passed"} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
);
process.exit(failed ? 1 : 0);
