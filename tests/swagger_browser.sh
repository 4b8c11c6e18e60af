#!/bin/bash
# swagger_browser.sh - the whole job done from Swagger UI in headless chromium
# SPDX-License-Identifier: MIT
#
# A stack with daygen days on a free loopback port; tests/swagger_browser.mjs
# drives Debian's chromium with playwright-core through /swagger/: the
# token, stop and start, a CSV download, a plot. Its screenshot goes to
# $SWAGGER_SCREENSHOT when set (docs/swagger.png was taken so, on port
# 5555), else into the temporary folder: the build tree stays clean.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"
. "$top_srcdir/tests/webtools.sh"
command -v nginx >/dev/null || bail "nginx is needed"
[ -x /usr/bin/chromium ] || bail "/usr/bin/chromium is needed (apt-get install chromium)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-browser.XXXXXX") || bail "mktemp"
trap 'stack_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/downloads" || bail "mkdir"

stack_start "$tmp"
STACK_URL=$STACK_URL STACK_TOKEN=$STACK_TOKEN DOWNLOADS=$tmp/downloads \
    SCREENSHOT=${SWAGGER_SCREENSHOT:-$tmp/swagger.png} \
    node "$top_srcdir/tests/swagger_browser.mjs"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$RESMON_RUN_DIR"/*.log | tail -n 20
exit $rc
