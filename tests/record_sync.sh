#!/bin/bash
# record_sync.sh - fdatasync at most every sync_interval, and once at stop
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 4
command -v strace >/dev/null || bail "strace is missing (apt-get install strace)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || bail "cd $work"

printf 'sync_interval = 3\n' >sync.conf
# LeakSanitizer cannot run under ptrace: off for this one run of an ASan build.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -o trace -e trace=openat,write,fdatasync \
	"$RESMON" record -d data --config sync.conf --for 8 2>/dev/null
check "record under strace exits 0" test $? -eq 0
day=$(date +%F)
# The day file's descriptor, then what happened to it.
fd=$(sed -n "s/.*openat(.*\"$day.csv\".* = \([0-9]*\)$/\1/p" trace | head -n 1)
writes=$(grep -c "write($fd, \"$day" trace)
syncs=$(grep -c "fdatasync($fd)" trace)
check "7-8 rows written one write(2) each ($writes)" test "$writes" -ge 7 -a "$writes" -le 8
check "2-4 fdatasync in 8 s at sync_interval 3 ($syncs)" test "$syncs" -ge 2 -a "$syncs" -le 4
last=$(grep -E "(write|fdatasync)\($fd[,)]" trace | tail -n 1)
check "the last call on the file is the fdatasync at stop" grep -q fdatasync <<<"$last"
