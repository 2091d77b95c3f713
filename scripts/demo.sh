#!/usr/bin/env bash
# demo.sh — Konvert running on this machine in one command: installs what is
# missing, builds, starts a local Dovecot and Postfix (tests/support/
# mailstack.sh) with a demo account full of generated mail, and starts
# Konvert at https://127.0.0.1:8443/webmail/. Everything lives in .demo/.
#
#   scripts/demo.sh          start (stops an earlier demo first)
#   scripts/demo.sh stop     stop Konvert and the mail stack
#
# KONVERT_DEMO_COUNT sets how many messages the demo mailbox gets.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly ROOT=$PWD
readonly DEMO=$ROOT/.demo
readonly MAILSTACK_DIR=$DEMO/mailstack
readonly MAILSTACK=$ROOT/tests/support/mailstack.sh
readonly KONVERT=$ROOT/build/api/konvert
readonly PID_FILE=$DEMO/konvert.pid
readonly LOG=$DEMO/konvert.log
readonly LISTEN_HOST=127.0.0.1
readonly LISTEN_PORT=8443
readonly BASE_URL=https://$LISTEN_HOST:$LISTEN_PORT
readonly LOGIN=demo@example.test
readonly PASSWORD=konvert-demo
readonly MESSAGES=${KONVERT_DEMO_COUNT:-3000}
readonly READY_TIMEOUT_S=60
readonly STOP_TIMEOUT_S=20

say() { echo "demo: $*"; }

die() {
  echo "demo: $*" >&2
  exit 1
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The pid in PID_FILE if that process is still our Konvert binary; a pid the
# system has since given to another program is not ours to signal.
konvert_pid() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(tr -dc '0-9' <"$PID_FILE")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -F "$KONVERT"; then
    echo "$pid"
  fi
}

stop_konvert() {
  local pid
  pid=$(konvert_pid)
  if [[ -n $pid ]]; then
    say "stopping Konvert (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT_S))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        say "Konvert did not stop within ${STOP_TIMEOUT_S}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$PID_FILE"
}

cmd_stop() {
  stop_konvert
  "$MAILSTACK" stop "$MAILSTACK_DIR"
  say "stopped"
}

build() {
  scripts/install-deps.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
    -DKONVERT_BUILD_TESTS=OFF -DKONVERT_BUILD_BENCH=OFF >/dev/null
  cmake --build build -j"$(nproc)" --target konvert

  # The browser app, pinned by its lock file; Konvert serves frontend/dist.
  # npm ci starts from an empty node_modules, so it runs only when the lock
  # file is newer than what is installed.
  if [[ ! -f frontend/node_modules/.package-lock.json ||
    frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]]; then
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd frontend && npm run build --silent)
}

# The demo mailbox: generated Russian and English mail in Maildir++ form,
# written straight into the user's Maildir and then handed to Dovecot.
fill_mailbox() {
  if [[ ! -f scripts/generate-mailbox.py ]]; then
    say "scripts/generate-mailbox.py is missing; the demo mailbox stays empty"
    return
  fi
  local maildir
  maildir=$("$MAILSTACK" maildir "$MAILSTACK_DIR" "$LOGIN")
  say "generating $MESSAGES messages"
  python3 scripts/generate-mailbox.py --count "$MESSAGES" --maildir "$maildir" \
    --user-address "$LOGIN"
  "$MAILSTACK" resync "$MAILSTACK_DIR" "$LOGIN"
}

# Konvert's own HTTPS certificate; kept across runs so that a browser's
# exception for it stays valid.
make_certificate() {
  local tls=$DEMO/tls
  [[ -f $tls/cert.pem && -f $tls/key.pem ]] && return
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
  chmod 600 "$tls/key.pem"
}

start_konvert() {
  # shellcheck source=/dev/null
  source "$MAILSTACK_DIR/env"
  if port_open "$LISTEN_PORT"; then
    die "port $LISTEN_PORT is taken by another program; stop it and run again"
  fi

  # The mail stack is new on every run, so is Konvert's cache of it.
  rm -rf "$DEMO/data"
  mkdir -p "$DEMO/data"
  nohup "$KONVERT" \
    --listen "$LISTEN_HOST:$LISTEN_PORT" \
    --base-path /webmail \
    --imap "imap://127.0.0.1:$IMAP_PORT" \
    --smtp "smtp://127.0.0.1:$SUBMISSION_PORT" \
    --mail-ca "$MAILSTACK_DIR/tls/cert.pem" \
    --allow-plain-loopback \
    --data-dir "$DEMO/data" \
    --static-dir "$ROOT/frontend/dist" \
    --tls-cert "$DEMO/tls/cert.pem" \
    --tls-key "$DEMO/tls/key.pem" \
    >"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"

  # Any HTTP answer means the listener is up; a refused or reset connection
  # means not yet.
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -k -s -o /dev/null --max-time 2 "$BASE_URL/.well-known/jmap"; do
    if [[ -z $(konvert_pid) ]]; then
      tail -n 20 "$LOG" >&2 || true
      die "Konvert exited during startup; its log is $LOG"
    fi
    if ((SECONDS >= deadline)); then
      die "Konvert did not answer on $BASE_URL within ${READY_TIMEOUT_S}s; see $LOG"
    fi
    sleep 0.2
  done
}

cmd_start() {
  build
  mkdir -p "$DEMO"
  stop_konvert
  "$MAILSTACK" stop "$MAILSTACK_DIR"

  "$MAILSTACK" start "$MAILSTACK_DIR"
  "$MAILSTACK" adduser "$MAILSTACK_DIR" "$LOGIN" "$PASSWORD"
  fill_mailbox
  make_certificate
  start_konvert

  cat <<EOF

Konvert is running.

  Web app:   $BASE_URL/webmail/   (self-signed certificate: accept it once)
  Login:     $LOGIN
  Password:  $PASSWORD

  JMAP:      curl -k -u $LOGIN:$PASSWORD $BASE_URL/.well-known/jmap

  Logs:      $LOG, $MAILSTACK_DIR/log/
  Stop:      scripts/demo.sh stop
EOF
}

case ${1:-start} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *)
    echo "usage: scripts/demo.sh [start|stop]" >&2
    exit 2
    ;;
esac
