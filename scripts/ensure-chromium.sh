#!/usr/bin/env bash
# Installs Debian's Chromium for the web-page tests when it is missing (CI machines run as root).
exec "$(dirname "$0")/ensure-deb.sh" chromium chromium
