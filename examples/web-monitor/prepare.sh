#!/bin/sh
# Oneshot: prepares the data the web app serves, then exits 0 (the web app waits for that).
set -e
mkdir -p "${DATA_DIR:-/tmp/web-monitor}"
date -u +%Y-%m-%dT%H:%M:%SZ > "${DATA_DIR:-/tmp/web-monitor}/prepared-at"
echo "data prepared in ${DATA_DIR:-/tmp/web-monitor}"
