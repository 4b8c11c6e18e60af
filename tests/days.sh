#!/bin/bash
# days.sh - resmon days lists a folder of generated days as a table and JSON
# SPDX-License-Identifier: MIT
#
# Ten days from daygen (one-minute rows, so the files stay small), an
# unparsable one, an empty one, one with hostile interface names, and
# junk that must not be listed; then the options, the cache and the
# exit statuses of SPEC §6.
set -u
. "$top_srcdir/tests/tap.sh"

DAYGEN=$top_builddir/tests/daygen
command -v python3 >/dev/null || bail "python3 is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-days.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
data=$tmp/data
mkdir "$data" "$tmp/home"

# Fixed surroundings: no config lookup (-d or RESMON_DATA_DIR is always
# given), a cache of our own, 80 columns, UTF-8.
export XDG_CACHE_HOME=$tmp/cache HOME=$tmp/home COLUMNS=80 LC_ALL=C.UTF-8
unset RESMON_DATA_DIR

days=""
for d in 18 19 20 21 22 23 24 25 26 27; do
	n=2
	[ $d = 21 ] && n=8
	"$DAYGEN" --date 2026-11-$d --tz Europe/Samara --ifaces $n \
	    --interval 60 -o "$data/2026-11-$d.csv" || bail "daygen 2026-11-$d"
	days="$days 2026-11-$d"
done
{ head -c 1535 /dev/zero | tr '\0' 'x'; echo; } >"$data/2026-11-16.csv"
: >"$data/2026-11-17.csv"
# Names the kernel allows: a quote, a backslash, an escape, a non-UTF-8 byte.
esc=$'e\033[31mred' bad=$'x\377y'
printf '%s,"%s","%s",%s,%s,%s,%s\n%s\n' \
    time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib \
    'net_rx_bps:q""t\x' 'net_tx_bps:q""t\x' "net_rx_bps:$esc" \
    "net_tx_bps:$esc" "net_rx_bps:$bad" "net_tx_bps:$bad" \
    2026-11-15T00:00:00+04:00,1.00,16318480,4009166,10552680,1,2,3,4,5,6 \
    >"$data/2026-11-15.csv"
for junk in .lock .state .2026-11-20.csv 2026-11-20.csv~ 2026-02-30.csv \
    2026-11-5.csv 20261120.csv notes.txt 2026-11-19.csv.bad-1795000000; do
	cp "$data/2026-11-19.csv" "$data/$junk"
done
# An hour old, as finished days are: the cache keeps only settled files.
touch -d '1 hour ago' "$data"/* "$data"/.[a-z]* "$data"/.2026*

plan 30

# fields FILE DATE: the table line of DATE with blanks squeezed.
fields() { grep "^$2 " "$1" | tr -s ' '; }

"$RESMON" days -d "$data" >"$tmp/table" 2>"$tmp/err"
check "resmon days exits 0 (stderr: $(cat "$tmp/err"))" test $? -eq 0
check "the header names the columns" \
    test "$(head -1 "$tmp/table" | tr -s ' ')" = \
    "date size rows first last interfaces"
want="2026-11-15 2026-11-16 2026-11-17$days"
got=$(awk 'NR > 1 { printf " %s", $1 }' "$tmp/table")
check "day files in date order, junk left out (got$got)" \
    test "$got" = " $want"

size=$(wc -c <"$data/2026-11-27.csv")
kib=$(python3 -c "print(f'{$size / 1024:.0f} KiB')")
line=$(fields "$tmp/table" 2026-11-27)
check "a generated day: size, 1440 rows, first and last time (got $line)" \
    test "$line" = "2026-11-27 $kib 1440 00:00:00 23:59:00 eth0,eth1"
line=$(fields "$tmp/table" 2026-11-16)
check "an unparsable day is listed with its error (got $line)" \
    test "${line%%error: 2026-11-16.csv:1: *}" = "2026-11-16 1.50 KiB - - - "
check "an empty day has 0 rows and no times" \
    test "$(fields "$tmp/table" 2026-11-17)" = "2026-11-17 0 B 0 - - -"
line=$(fields "$tmp/table" 2026-11-21)
check "eight interfaces are cut as …+N in 80 columns (got $line)" \
    python3 -c '
import sys
line, names = sys.argv[1], [f"eth{i}" for i in range(8)]
shown, more = line.split()[-1].split("\u2026+")
shown = shown.split(",")
assert shown == names[:len(shown)] and len(shown) + int(more) == 8, line
' "$line"
check "no line is wider than 80 columns" python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert max(len(l) for l in lines if " error: " not in l) <= 80
assert max(len(l) for l in lines if " error: " not in l) >= 75
' "$tmp/table"
size=$(wc -c <"$data/2026-11-15.csv")
check "control bytes in names are shown as ?" \
    test "$(fields "$tmp/table" 2026-11-15)" = \
    "2026-11-15 $size B 1 00:00:00 00:00:00 q\"t\\x,e?[31mred,x?y"
check "the table holds no escape byte" \
    sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/table'"

COLUMNS=200 "$RESMON" days -d "$data" >"$tmp/wide"
check "200 columns show all eight interfaces" \
    test "$(fields "$tmp/wide" 2026-11-21 | cut -d' ' -f7)" = \
    "eth0,eth1,eth2,eth3,eth4,eth5,eth6,eth7"
LC_ALL=C "$RESMON" days -d "$data" >"$tmp/ascii"
check "without UTF-8 the cut is ...+N" \
    grep -q '^2026-11-21 .*eth[0-9]\.\.\.+[0-9]$' "$tmp/ascii"

"$RESMON" days -d "$data" --json >"$tmp/json" 2>"$tmp/err"
check "--json exits 0 (stderr: $(cat "$tmp/err"))" test $? -eq 0
check "--json is an array of every day, sizes and rows right" python3 -c '
import json, os, sys
data, days = sys.argv[2], json.load(open(sys.argv[1], "rb"))
assert [d["date"] for d in days] == sys.argv[3].split(), days
for d in days:
    assert d["size_bytes"] == os.path.getsize(f"{data}/{d['"'date'"']}.csv"), d
gen = [d for d in days if d["date"] >= "2026-11-18"]
assert all(d["rows"] == 1440 for d in gen)
assert all(d["first_time"] == d["date"] + "T00:00:00+04:00" for d in gen)
assert all(d["last_time"] == d["date"] + "T23:59:00+04:00" for d in gen)
assert days[-1]["interfaces"] == ["eth0", "eth1"]
assert len([d for d in days if d["date"] == "2026-11-21"][0]["interfaces"]) == 8
' "$tmp/json" "$data" "$want"
check "--json gives an unparsable day its error and null fields" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], "rb"))[1]
assert d["date"] == "2026-11-16" and d["rows"] is None, d
assert d["interfaces"] is None and d["first_time"] is None, d
assert d["error"].startswith("2026-11-16.csv:1: "), d
e = json.load(open(sys.argv[1], "rb"))[2]
assert e == {"date": "2026-11-17", "size_bytes": 0, "rows": 0,
    "first_time": None, "last_time": None, "interfaces": []}, e
' "$tmp/json"
check "--json escapes names and replaces a non-UTF-8 byte" python3 -c '
import json, sys
d = json.load(open(sys.argv[1], "rb"))[0]
assert d["interfaces"] == ["q\"t\\x", "e\x1b[31mred", "x\ufffdy"], d
' "$tmp/json"

"$RESMON" days -d "$data" -v >"$tmp/again" 2>"$tmp/err"
check "a second listing takes all 13 days from the cache ($(cat "$tmp/err"))" \
    grep -q '13 day files: 13 from the cache, 0 read$' "$tmp/err"
check "and prints the same table" cmp -s "$tmp/table" "$tmp/again"
check "the cache is one 0600 file in a 0700 \$XDG_CACHE_HOME/resmon" sh -c "
	test \$(stat -c %a '$tmp/cache/resmon') = 700 &&
	test \$(ls -A '$tmp/cache/resmon' | grep -c '^days-[0-9a-f]\{16\}\$') = 1 &&
	test \$(ls -A '$tmp/cache/resmon' | wc -l) = 1 &&
	test \$(stat -c %a '$tmp/cache/resmon'/days-*) = 600"

# A day that grew: its size and mtime differ, so it is read again.
"$DAYGEN" --date 2026-11-27 --tz Europe/Samara --ifaces 2 --interval 30 \
    -o "$data/2026-11-27.csv"
touch -d '1 hour ago' "$data/2026-11-27.csv"
"$RESMON" days -d "$data" -v >"$tmp/grown" 2>"$tmp/err"
check "a changed day is read again, the others come from the cache" \
    grep -q '13 day files: 12 from the cache, 1 read, cache updated$' \
    "$tmp/err"
check "and shows its new row count" \
    test "$(fields "$tmp/grown" 2026-11-27 | cut -d' ' -f4)" = 2880

env -u XDG_CACHE_HOME "$RESMON" days -d "$data" >/dev/null
check "without XDG_CACHE_HOME the cache goes to ~/.cache/resmon" \
    sh -c "ls '$tmp/home/.cache/resmon'/days-* >/dev/null"
XDG_CACHE_HOME=/dev/null "$RESMON" days -d "$data" -v >"$tmp/nocache" \
    2>"$tmp/err"
check "an unusable cache folder only costs the cache ($(head -1 "$tmp/err"))" \
    sh -c "cmp -s '$tmp/grown' '$tmp/nocache' &&
	grep -q '13 day files: 0 from the cache, 13 read\$' '$tmp/err'"

RESMON_DATA_DIR=$data "$RESMON" days >"$tmp/env"
check "\$RESMON_DATA_DIR names the folder without -d" \
    cmp -s "$tmp/grown" "$tmp/env"
mkdir "$tmp/empty"
RESMON_DATA_DIR=$data "$RESMON" days -d "$tmp/empty" --json >"$tmp/env"
check "-d wins over \$RESMON_DATA_DIR; an empty folder is []" \
    python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != [])' \
    "$tmp/env"

"$RESMON" days -d "$data" --frobnicate >/dev/null 2>"$tmp/err"
rc=$?
check "a bad option exits 2 with the usage (exit $rc)" \
    sh -c "test $rc -eq 2 && grep -q '^usage: resmon days' '$tmp/err'"
"$RESMON" days -d "$data" extra >/dev/null 2>"$tmp/err"
rc=$?
check "an extra argument exits 2 naming it (exit $rc)" \
    sh -c "test $rc -eq 2 && grep -q 'unexpected argument \"extra\"' '$tmp/err'"
"$RESMON" days -d "$tmp/gone" >/dev/null 2>"$tmp/err"
rc=$?
check "a missing folder exits 1 naming it (exit $rc: $(cat "$tmp/err"))" \
    sh -c "test $rc -eq 1 &&
	grep -qF 'resmon: $tmp/gone: No such file or directory' '$tmp/err'"
"$RESMON" days --help >"$tmp/out"
rc=$?
check "--help exits 0 with the usage on stdout" \
    sh -c "test $rc -eq 0 && grep -q '^usage: resmon days' '$tmp/out'"
"$RESMON" --help >"$tmp/out"
check "resmon --help lists days" grep -q 'resmon days   \[-d DIR\]' "$tmp/out"

exit $((tap_failed > 0))
