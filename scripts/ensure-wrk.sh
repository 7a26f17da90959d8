#!/usr/bin/env bash
# Installs Debian's wrk (the HTTP load generator of benchmarks/load.py) when it is missing.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
