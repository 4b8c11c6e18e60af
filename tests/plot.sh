#!/bin/bash
# plot.sh - resmon plot runs resmon-plot: dates, options, files, exit codes
# SPDX-License-Identifier: MIT
#
# A daygen day in Europe/Berlin, then every date form of SPEC §6, -o,
# the -d default, each refusal with its exit status, and that resmon
# itself maps no libgd (only resmon-plot does).
set -u
. "$top_srcdir/tests/tap.sh"

DAYGEN=$top_builddir/tests/daygen
export RESMON_PLOT=$top_builddir/src/resmon-plot/resmon-plot
command -v ldd >/dev/null || bail "ldd is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-plot.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
data=$tmp/data
mkdir "$data" "$tmp/cwd"
export TZ=Europe/Berlin LC_ALL=C
unset RESMON_DATA_DIR
"$DAYGEN" --date 2026-11-27 --tz Europe/Berlin --ifaces 2 --interval 10 \
    -o "$data/2026-11-27.csv" || bail "daygen"
"$DAYGEN" --date 2026-11-26 --tz Europe/Berlin --ifaces 2 --interval 60 \
    -o "$data/2026-11-26.csv" || bail "daygen"
printf 'time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib\n' \
    >"$data/2026-11-25.csv"

plan 27

# is_png FILE: the PNG signature.
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = \
    89504e470d0a1a0a ]; }

# run STATUS DESCRIPTION ARGS...: resmon plot ARGS in cwd exits STATUS.
run() {
	local want=$1 what=$2
	shift 2
	(cd "$tmp/cwd" && "$RESMON" plot "$@") >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	check "$what exits $want (got $rc: $(head -c 200 "$tmp/err"))" \
	    test $rc -eq "$want"
}

run 0 "the seed's DD-MM-YYYY form" 27-11-2026 -d "$data"
check "it writes resmon-2026-11-27.png, a PNG" \
    is_png "$tmp/cwd/resmon-2026-11-27.png"
run 0 "YYYY-MM-DD with -o" 2026-11-27 -d "$data" -o "$tmp/a.png"
check "-o names the file" is_png "$tmp/a.png"
run 0 "-o - to stdout" 2026-11-27 -d "$data" -o - --width 640 --height 400
check "stdout holds the PNG" is_png "$tmp/out"
RESMON_DATA_DIR=$data run 0 "-d from \$RESMON_DATA_DIR" 2026-11-26 \
    -o "$tmp/b.png" --iface eth1 --panels cpu,rx
check "which found the day" is_png "$tmp/b.png"
run 0 "a range" --from 2026-11-26 --to 27-11-2026 -d "$data" -o "$tmp/r.png"
check "the range's picture" is_png "$tmp/r.png"
today=$(date +%F)
cp "$data/2026-11-26.csv" "$data/$today.csv"
run 0 "today" today -d "$data" -o "$tmp/t.png"

run 2 "a malformed date" 2026-1-1 -d "$data"
check "the message names it" grep -q '"2026-1-1"' "$tmp/err"
run 2 "February 30" 30-02-2026 -d "$data"
run 2 "a range over 31 days" --from 2026-10-01 --to 2026-11-27 -d "$data"
check "the message counts the days" grep -q '58 days' "$tmp/err"
run 2 "a width of 100" 2026-11-27 -d "$data" --width 100
check "the message names the width" grep -q 'width "100"' "$tmp/err"
run 2 "a height of 5000" 2026-11-27 -d "$data" --height 5000
run 2 "an unknown panel" 2026-11-27 -d "$data" --panels cpu,disk
run 1 "an interface not in the file" 2026-11-27 -d "$data" --iface wlan0
check "the message names it, and no picture is left" \
    eval 'grep -q "\"wlan0\" not in" "$tmp/err" &&
    ! ls "$tmp/cwd" | grep -q -v "^resmon-2026-11-27.png$"'
run 1 "a day without rows" 2026-11-25 -d "$data"
run 1 "a missing day" 2026-11-20 -d "$data"

if ldd "$RESMON" | grep -q libgd; then
	not_ok "resmon maps no libgd"
else
	ok "resmon maps no libgd"
fi
check "resmon-plot does (ldd sees it)" eval 'ldd "$RESMON_PLOT" | grep -q libgd'
RESMON_PLOT=/nonexistent run 1 "a resmon-plot that is not there" \
    2026-11-27 -d "$data"
