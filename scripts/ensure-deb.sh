#!/usr/bin/env bash
# Usage: ensure-deb.sh COMMAND PACKAGE: installs Debian's PACKAGE when COMMAND is missing
# (CI machines run as root; elsewhere through sudo).
set -euo pipefail
command_name="$1"
package="$2"
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$package" >/dev/null
command -v "$command_name" >/dev/null
