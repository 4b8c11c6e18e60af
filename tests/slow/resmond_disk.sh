#!/bin/bash
# resmond_disk.sh - resmond on a tiny tmpfs: full, read-only, folder removed
# and re-created; it keeps sampling, says why in status, and writes every
# held row in order once it can, damaging nothing written before
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 14
[ "$(id -u)" -eq 0 ] || bail "needs root to mount a tmpfs (CI runs as root)"
RESMOND=$top_builddir/src/resmond/resmond
work=$(mktemp -d)
mnt=$work/mnt data=$work/mnt/data sock=$work/sock log=$work/resmond.log
cleanup() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	umount "$mnt" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$mnt" && mount -t tmpfs -o size=256k tmpfs "$mnt" || bail "mount tmpfs"
printf 'sync_interval = 1\n' >"$work/conf"
day=$(date +%F)
file=$data/$day.csv

"$RESMOND" -d "$data" --socket "$sock" --config "$work/conf" 2>"$log" &
pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
status() { "$RESMON" status --socket "$sock" --json; }
field() { status | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# Every row one second after the one before: nothing lost, nothing repeated.
continuous() {
	awk -F, 'NR > 1 { split(substr($1, 12, 8), h, ":"); t = h[1] * 3600 + h[2] * 60 + h[3]
		if (NR > 2 && t != p + 1) exit 1; p = t }' "$1"
}
sleep 3

# 1. The disk fills up. Rows go on into the file's last page until it is
# full (tmpfs allocates 4 KiB at a time): wait for the first refusal.
cp "$file" "$work/before.csv"
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
for _ in $(seq 60); do
	grep -q "No space left on device" <<<"$(field last_error)" && break
	sleep 1
done
sleep 2.2
check "disk full: status names the cause" grep -q "No space left on device" <<<"$(field last_error)"
check "and holds rows in the backlog ($(field backlog))" test "$(field backlog)" -ge 2
check "the rows written before are intact" cmp -n "$(stat -c %s "$work/before.csv")" "$work/before.csv" "$file"
rm "$mnt/filler"
sleep 2.2
check "space back: backlog written ($(field backlog) left)" test "$(field backlog)" -eq 0
check "every second in order, no gap" continuous "$file"
check "the file passes the strict validator" "$DAYCHECK" "$file"

# 2. The file system is read-only when resmond must open a file (start;
# midnight does the same): start fails naming the cause, nothing is lost.
"$RESMON" stop --socket "$sock" >/dev/null
mount -o remount,ro "$mnt" || bail "remount ro"
"$RESMON" start --socket "$sock" >/dev/null 2>"$work/start.err"
check "read-only: start exits 1" test $? -eq 1
check "naming the cause" grep -q "Read-only file system" "$work/start.err"
mount -o remount,rw "$mnt" || bail "remount rw"
"$RESMON" start --socket "$sock" >/dev/null
sleep 2.2
check "writable again: start works, the file stays valid" "$DAYCHECK" "$file"

# 3. The folder is removed, then re-created.
rm -rf "$data"
sleep 2.2
check "folder gone: rows held ($(field backlog))" test "$(field backlog)" -ge 1
mkdir "$data"
sleep 3.2
check "re-created: recording goes on into a new file" test -s "$file"
check "which holds the held rows, in order, no gap" continuous "$file"
check "and passes the strict validator" "$DAYCHECK" "$file"
check "each cause logged once when it began" \
	test "$(grep -c 'writing rows: .*No space left' "$log")" -eq 1
