#!/bin/bash
# live_tmux.sh - resmon live in a real terminal (tmux) and in a pipe
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 8
command -v tmux >/dev/null || bail "tmux is missing (apt-get install tmux)"
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || bail "cd $work"

tmux -S "$sock" new-session -d -x 100 -y 30 \
	"LANG=C.UTF-8 '$RESMON' live -d data --for 5; echo EXIT=\$?; sleep 30"
sleep 3.5
tmux -S "$sock" capture-pane -p >screen
check "the screen shows the CPU line with a percentage" grep -qE '^CPU +\[.*\] +[0-9]+\.[0-9][0-9] %' screen
check "the memory line with IEC units" grep -qE 'total [0-9.]+ (MiB|GiB|TiB)' screen
check "every interface with SI rates, lo among them" grep -qE '^lo +[0-9.]+ [kMG]?bit/s' screen
check "the file being written" grep -q "writing data/$(date +%F).csv" screen
sleep 3
tmux -S "$sock" capture-pane -p >after
check "it ends by itself with status 0 and restores the screen" grep -q '^EXIT=0' after
check "the day file it wrote is valid" "$DAYCHECK" "data/$(date +%F).csv"

# Not a terminal: one plain line per row.
"$RESMON" live -d piped --for 3 >lines 2>/dev/null
check "piped: plain lines, no escape codes" test -z "$(grep -P '\x1b' lines)"
check "piped: a line per row with cpu and lo ($(wc -l <lines) lines)" \
	awk '!/ cpu [0-9]+\.[0-9][0-9]% mem free .* lo rx .* tx / { exit 1 } END { exit !(NR >= 2) }' lines
