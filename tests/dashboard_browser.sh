#!/bin/bash
# dashboard_browser.sh - the dashboard at / in headless chromium
# SPDX-License-Identifier: MIT
#
# A stack with daygen days on a free loopback port, today's file seeded
# with daygen's rows up to two minutes ago (so today's plot has a day to
# show, and resmond appends to a file it did not start); then
# tests/dashboard_browser.mjs drives Debian's chromium with playwright-core
# through /: numbers, plots, stop and start with the token, the stale
# banner. Its screenshot goes to $DASHBOARD_SCREENSHOT when set
# (docs/dashboard.png was taken so), else into the temporary folder.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"
. "$top_srcdir/tests/webtools.sh"
command -v nginx >/dev/null || bail "nginx is needed"
[ -x /usr/bin/chromium ] || bail "/usr/bin/chromium is needed (apt-get install chromium)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-dashboard.XXXXXX") || bail "mktemp"
trap 'stack_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM

# Today's rows so far, every minute, in the zone stack_start sets.
mkdir -p "$tmp/data" || bail "mkdir"
today=$(TZ=Europe/Samara date +%F) || bail "date"
until=$(TZ=Europe/Samara date -d '2 minutes ago' +%FT%T) || bail "date"
"$top_builddir/tests/daygen" --date "$today" --tz Europe/Samara --ifaces 2 \
    --interval 60 -o "$tmp/today.csv" || bail "daygen $today"
awk -F, -v until="$until" 'NR == 1 || substr($1, 1, 19) < until' \
    "$tmp/today.csv" >"$tmp/data/$today.csv" || bail "awk"
[ "$(wc -l <"$tmp/data/$today.csv")" -gt 1 ] || rm -f "$tmp/data/$today.csv"

stack_start "$tmp"
STACK_URL=$STACK_URL STACK_TOKEN=$STACK_TOKEN DAY=2026-11-26 \
    SCREENSHOT=${DASHBOARD_SCREENSHOT:-$tmp/dashboard.png} \
    node "$top_srcdir/tests/dashboard_browser.mjs"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$RESMON_RUN_DIR"/*.log | tail -n 20
exit $rc
