#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and demo Konvert.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git curl ca-certificates openssl python3
  clang-format
  libpistache-dev rapidjson-dev libetpan-dev librocksdb-dev libicu-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # libetpan-dev depends on the GnuTLS flavour of libcurl's headers; the OpenSSL
  # flavour conflicts with it, and installing that would remove libetpan-dev.
  libcurl4-gnutls-dev
  dovecot-core dovecot-imapd dovecot-lmtpd
  postfix
  nodejs
  # The frontend's end-to-end test drives it headless through playwright-core.
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix asks how to configure the system MTA; Konvert's tests and demo run
  # their own instance from a temporary directory, so the system one stays off.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ships with nodejs from some repositories and separately in Debian's own.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi
echo "install-deps: ok"
