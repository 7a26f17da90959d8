#!/usr/bin/env bash
# Installs Debian's wrk (the HTTP load generator of benchmarks/load.py) when it is missing.
exec "$(dirname "$0")/ensure-deb.sh" wrk wrk
