#!/bin/bash
# live_tmux.sh - resmon live in a real terminal (tmux) and in a pipe
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 31
command -v tmux >/dev/null || bail "tmux is missing (apt-get install tmux)"
command -v flock >/dev/null || bail "flock is missing (apt-get install util-linux)"
work=$(mktemp -d)
sock="$work/tmux.sock"
rpid= fpid=
trap 'tmux -S "$sock" kill-server 2>/dev/null
	[ -n "$rpid" ] && kill -CONT "$rpid" 2>/dev/null && kill "$rpid" 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	rm -rf "$work"' EXIT
cd "$work" || bail "cd $work"
today=$(date +%F)

# wait_for SECONDS COMMAND...: polls every 0.2 s until COMMAND succeeds;
# fails once SECONDS have passed.
wait_for() {
	local tries=$(($1 * 5))
	shift
	until "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
}
# capture SESSION [OPTION]...: the pane's text; -J joins wrapped lines.
capture() {
	local s=$1
	shift
	tmux -S "$sock" capture-pane -p "$@" -t "$s"
}
screen_has() { capture "$1" | grep -qE "$2"; }
alternate_off() { [ "$(tmux -S "$sock" display -p -t "$1" '#{alternate_on}')" = 0 ]; }
# start SESSION COLUMNS ROWS ARGS...: resmon live ARGS in a new window.
start() {
	local s=$1 x=$2 y=$3
	shift 3
	tmux -S "$sock" new-session -d -s "$s" -x "$x" -y "$y" \
		"LANG=C.UTF-8 '$RESMON' live $*; echo EXIT=\$?; sleep 60"
}
# first_time SESSION: the time on the screen's first line.
first_time() { capture "$1" | head -n 1 | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:+-]+'; }

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

# Ctrl-C while recording: the terminal comes back and the file is whole.
start cc 100 30 -d ccdata
wait_for 10 screen_has cc '^CPU +\[' || bail "Ctrl-C: no CPU line within 10 s"
tmux -S "$sock" send-keys -t cc C-c
wait_for 10 screen_has cc '^EXIT='
capture cc >cc.screen
check "Ctrl-C: it ends with status 0 and the shell's line shows" grep -q '^EXIT=0' cc.screen
check "Ctrl-C: the alternate screen is left" alternate_off cc
check "Ctrl-C: nothing of the live screen is left" test -z "$(grep -E '^(resmon live|CPU|Memory) ' cc.screen)"
check "Ctrl-C: the day file it wrote is valid" "$DAYCHECK" "ccdata/$today.csv"

# Resize to 60 columns and fewer rows than the interfaces need.
n_ifaces=$(tail -n +3 /proc/net/dev | wc -l)
rows=$((n_ifaces + 11))
[ "$rows" -ge 13 ] || rows=13
start rs 100 30 -d rsdata --for 30
wait_for 10 screen_has rs '^CPU +\['
tmux -S "$sock" resize-window -t rs -x 60 -y "$rows"
wait_for 5 screen_has rs '^\.\.\. and [0-9]+ more interfaces'
capture rs -J | sed 's/ *$//' >rs.screen
width=$(LC_ALL=C.UTF-8 wc -L <rs.screen)
check "resize: redrawn for 60 columns, no line wider ($width)" test "$width" -le 60 -a "$width" -ge 50
check "resize: the memory line fits whole" grep -qE '^Memory +\[.*\] +[0-9.]+ % used$' rs.screen
check "resize: $n_ifaces interfaces in $rows rows end in '... and N more'" \
	grep -qE '^\.\.\. and [0-9]+ more interfaces$' rs.screen
check "resize: the screen holds $rows lines" test "$(capture rs | wc -l)" -eq "$rows"

# Display-only: another recorder holds the folder.
"$RESMON" record -d fdata --for 120 2>record.err &
rpid=$!
rows_in() { [ "$(wc -l 2>/dev/null <"fdata/$today.csv" || echo 0)" -ge "$1" ]; }
wait_for 10 rows_in 2 || bail "display-only: the recorder wrote no row within 10 s"
start fol 100 30 -d fdata
wait_for 10 screen_has fol '^lo +[0-9.]+ [kMG]?bit/s'
capture fol >fol.screen
check "display-only: it says so and names the recorder's pid" \
	grep -q "^another recorder (pid $rpid) is writing fdata; showing its rows" fol.screen
check "display-only: the recorder's numbers (CPU, memory, lo)" \
	sh -c "grep -qE '^CPU +\[.*\] +[0-9]+\.[0-9][0-9] %' fol.screen &&
		grep -qE 'total [0-9.]+ (MiB|GiB|TiB)' fol.screen &&
		grep -qE '^lo +[0-9.]+ [kMG]?bit/s' fol.screen"
t1=$(first_time fol)
time_moved() { [ "$(first_time fol)" != "$t1" ]; }
check "display-only: the time moves on between captures ($t1)" wait_for 5 time_moved
check "display-only: the lock still names the recorder" grep -qx "$rpid" fdata/.lock
kill -STOP "$rpid"
check "display-only: a stopped recorder's rows are flagged stale" \
	wait_for 8 screen_has fol '^stale: the newest row is [0-9]+ s old'
kill -CONT "$rpid"
check "display-only: fresh rows clear the flag" \
	wait_for 5 sh -c "! tmux -S '$sock' capture-pane -p -t fol | grep -q '^stale'"
tmux -S "$sock" send-keys -t fol C-c
wait_for 10 screen_has fol '^EXIT='
capture fol >fol.after
check "display-only: Ctrl-C ends it with status 0" grep -q '^EXIT=0' fol.after
check "display-only: the alternate screen is left" alternate_off fol

"$RESMON" live -d fdata --for 2 >flines 2>ferr
check "display-only piped: stderr says so" \
	grep -q "^resmon: another recorder (pid $rpid) is writing fdata; showing its rows" ferr
check "display-only piped: plain lines with cpu and lo ($(wc -l <flines) lines)" \
	awk '!/ cpu [0-9]+\.[0-9][0-9]% mem free .* lo rx .* tx / { exit 1 } END { exit !(NR >= 2) }' flines
kill -TERM "$rpid"
wait "$rpid"
check "display-only: the recorder it followed exits 0" test $? = 0
rpid=
check "display-only: that recorder's file is valid" "$DAYCHECK" "fdata/$today.csv"

# A held folder without today's file: waiting, not an error.
mkdir wdata
echo $$ >wdata/.lock
flock wdata/.lock sleep 30 &
fpid=$!
wait_for 5 sh -c "! flock -n wdata/.lock true"
"$RESMON" live -d wdata --for 1 >wlines 2>werr
check "held folder without a file: live exits 0" test $? = 0
check "held folder without a file: 'waiting for rows'" \
	grep -q "^resmon: waiting for rows in wdata/$today.csv" werr
check "held folder without a file: it names the holder" \
	grep -q "another recorder (pid $$) is writing wdata" werr
