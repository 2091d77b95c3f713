// The real konvert binary as a child process of an end-to-end test, against
// the Dovecot of the ctest `mailstack` fixture: the IMAP port the stack
// chose, starting konvert on a free port, and stopping it. Shared by
// frontend/e2e/login.e2e.mjs and tests/e2e/jmap-jam/read-mail.e2e.mjs;
// Node's standard library only, so that neither needs the other's packages.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const START_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 5_000;

// Rejects with "<what> took over <ms> ms" unless `promise` settles first.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The IMAP port the mailstack in `stackDir` listens on (its `env` file).
export function mailstackImapPort(stackDir) {
  const env = readFileSync(join(stackDir, "env"), "utf8");
  const match = /^IMAP_PORT=(\d+)$/m.exec(env);
  if (match === null) throw new Error(`no IMAP_PORT in ${stackDir}/env`);
  return Number(match[1]);
}

// The command line of a konvert on a free loopback port that logs in
// against the mailstack's IMAP server on `imapPort`, over plain IMAP (the
// stack allows it on loopback). `staticDir`, when given, is the built app.
export function konvertArgs({ cert, key, dataDir, imapPort, staticDir }) {
  return [
    "--listen",
    "127.0.0.1:0",
    "--tls-cert",
    cert,
    "--tls-key",
    key,
    "--data-dir",
    dataDir,
    ...(staticDir === undefined ? [] : ["--static-dir", staticDir]),
    "--imap",
    `imap://127.0.0.1:${imapPort}`,
    "--allow-plain-loopback",
    "--log-level",
    "debug",
  ];
}

// Starts konvert on a free port. Returns `server` at once ({ child, output,
// exited }: `output` collects stdout and stderr, for a failure report) and
// `port`, which resolves once konvert logs `event=listening ... port=N` and
// rejects if it exits first or stays silent for START_TIMEOUT_MS.
export function startKonvert(konvert, args) {
  const child = spawn(konvert, args, { stdio: ["ignore", "pipe", "pipe"] });
  const server = { child, output: "", exited: false };
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`konvert did not listen within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      server.output += chunk.toString();
      const match = /event=listening\b.*?\bport=(\d+)/.exec(server.output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      server.exited = true;
      clearTimeout(timer);
      reject(new Error(`konvert exited (code ${code}, signal ${signal})`));
    });
  });
  return { server, port };
}

// Stops `server` (from startKonvert; null or already exited is fine):
// SIGTERM, then SIGKILL if it is still running after STOP_TIMEOUT_MS.
export async function stopKonvert(server) {
  if (server === null || server.exited) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
