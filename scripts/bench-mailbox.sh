#!/usr/bin/env bash
# bench-mailbox.sh — the issue-3 benchmark in one command: a throwaway
# Dovecot (tests/support/mailstack.sh) with one account holding a generated
# mailbox (scripts/generate-mailbox.py), then
#   1. bench/store/sync_bench.cpp: the initial sync next to Dovecot's raw
#      FETCH rates for the same messages, and
#   2. bench/load/page_latency.py: a 50-message page from konvert's cache
#      (Email/query + Email/get) next to the same page from Dovecot,
# and prints the machine, the date, the command and the numbers. Everything
# it starts is stopped when it exits, however it exits.
#
#   scripts/bench-mailbox.sh [--count N] [--sync-only]
#       builds Release in build-bench (BUILD_DIR overrides) and runs both
#       against a stack of its own; N defaults to 100000.
#   scripts/bench-mailbox.sh --stack DIR --sync-bench PROGRAM --count N --sync-only
#       uses the running stack in DIR and a built program (how ctest runs it).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly ROOT=$PWD
readonly MAILSTACK=$ROOT/tests/support/mailstack.sh
readonly READY_TIMEOUT_S=60

count=100000
stack=""
sync_only=0
sync_bench=""
build=${BUILD_DIR:-build-bench}

die() {
  echo "bench-mailbox: $*" >&2
  exit 1
}

while (($#)); do
  case $1 in
    --count) count=$2; shift 2 ;;
    --stack) stack=$2; shift 2 ;;
    --sync-only) sync_only=1; shift ;;
    --sync-bench) sync_bench=$2; shift 2 ;;
    *) sed -n '12,16p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
  esac
done
[[ $count =~ ^[0-9]+$ ]] || die "--count needs a number"

# --- clean-up of everything started below -----------------------------------

work=$(mktemp -d /tmp/kbench.XXXXXX)
# The stack's unprivileged Dovecot and Postfix processes reach into it.
chmod 755 "$work"
own_stack=0
konvert_pid=""
cleanup() {
  if [[ -n $konvert_pid ]]; then
    kill "$konvert_pid" 2>/dev/null || true
    wait "$konvert_pid" 2>/dev/null || true
  fi
  if ((own_stack)); then
    "$MAILSTACK" stop "$stack" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------

konvert=$build/api/konvert
if [[ -z $sync_bench ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKONVERT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target konvert_bench_sync konvert >/dev/null
  sync_bench=$build/bench/konvert_bench_sync
fi

# --- the mail stack and the account -----------------------------------------

if [[ -z $stack ]]; then
  # Under /tmp and short: Dovecot's unix socket paths are limited.
  stack=$work/stack
  own_stack=1
  "$MAILSTACK" start "$stack" >/dev/null
fi
[[ -f $stack/env ]] || die "no mail stack in $stack"
# shellcheck source=/dev/null
source "$stack/env"

login=bench-$$-$RANDOM@example.test
password=bench-$RANDOM-$RANDOM
"$MAILSTACK" adduser "$stack" "$login" "$password"
maildir=$("$MAILSTACK" maildir "$stack" "$login")
# A fixed seed and end date give the same mailbox on every run.
python3 scripts/generate-mailbox.py --count "$count" --maildir "$maildir" --seed 1 \
  --end-date 2026-12-01 --user-address "$login" --jobs 2
"$MAILSTACK" resync "$stack" "$login"

echo
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) cores:" \
  "$cpu, Dovecot $(dovecot --version | cut -d' ' -f1)"
echo "== scripts/bench-mailbox.sh --count $count$( ((sync_only)) && echo ' --sync-only')"
echo "== load average before: $(cut -d" " -f1-3 /proc/loadavg)"

# --- 1. the initial sync -----------------------------------------------------

KONVERT_MAILSTACK_DIR=$stack "$sync_bench" --login "$login" --password "$password" \
  --cache-dir "$work/sync-cache"
echo "== load average after the sync bench: $(cut -d" " -f1-3 /proc/loadavg)"

((sync_only)) && exit 0

# --- 2. a page from the cache of a running konvert ---------------------------

"$konvert" --listen 127.0.0.1:0 --imap "imap://127.0.0.1:$IMAP_PORT" --allow-plain-loopback \
  --mail-ca "$stack/tls/cert.pem" --tls-cert "$stack/tls/cert.pem" \
  --tls-key "$stack/tls/key.pem" --data-dir "$work/konvert" --log-level info \
  2>"$work/konvert.log" &
konvert_pid=$!
port=""
deadline=$((SECONDS + READY_TIMEOUT_S))
until [[ -n $port ]]; do
  port=$(sed -n 's/.*event=listening.* port=\([0-9]*\).*/\1/p' "$work/konvert.log" | head -1)
  kill -0 "$konvert_pid" 2>/dev/null || die "konvert exited: $(tail -5 "$work/konvert.log")"
  ((SECONDS < deadline)) || die "konvert did not listen within ${READY_TIMEOUT_S}s"
  [[ -n $port ]] || sleep 0.1
done

python3 bench/load/page_latency.py --url "https://127.0.0.1:$port/webmail" \
  --imap-port "$IMAP_PORT" --ca "$stack/tls/cert.pem" --login "$login" --password "$password"
