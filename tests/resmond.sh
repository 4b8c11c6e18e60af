#!/bin/bash
# resmond.sh - the daemon and its socket: protocol, start/stop/interval,
# state across restarts, a second writer, SIGHUP, SIGTERM
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 22
RESMOND=$top_builddir/src/resmond/resmond
py=/usr/bin/python3
work=$(mktemp -d)
data=$work/data sock=$work/sock conf=$work/resmond.conf log=$work/resmond.log
trap 'kill $pid $other 2>/dev/null; rm -rf "$work"' EXIT
day=$(date +%F)
file=$data/$day.csv
printf 'sync_interval = 1\n' >"$conf"

start_daemon() {
	"$RESMOND" -d "$data" --socket "$sock" --config "$conf" "$@" 2>>"$log" &
	pid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && return 0; sleep 0.1; done
	bail "resmond did not create its socket: $(tail -n 3 "$log")"
}
stop_daemon() { kill -TERM "$pid"; wait "$pid"; }
ctl() { "$RESMON" "$@" --socket "$sock"; }
rows() { grep -c '^[0-9]' "$file" 2>/dev/null || echo 0; }
# raw BYTES...: send each argument as one connection's request, print the replies.
raw() {
	$py - "$sock" "$@" <<'PY'
import socket, sys
for req in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(req.encode().decode("unicode_escape").encode("latin-1"))
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    print(out.decode().split("\n")[0])
PY
}

start_daemon
ctl status >"$work/status"
check "status exits 0 while recording" test $? -eq 0
check "and names resmond's pid" grep -q "resmond (pid $pid): recording" "$work/status"
sleep 2.5
check "rows arrive ($(rows))" test "$(rows)" -ge 2

# The protocol: good, malformed, oversized; many clients; a silent one.
check "a good request gets ok" test "$(raw 'status\n')" = ok
check "a malformed one a usage error" test "$(raw 'bogus\n')" = 'error usage unknown request "bogus" (status, start [SECONDS], stop)'
big=$(head -c 100000 /dev/zero | tr '\0' x)
check "an oversized one (100 KB) its error, not a reset" \
	test "$(raw "$big")" = "error usage request line over 64 bytes"
before=$(rows)
concurrent=$($py - "$sock" <<'PY'
import socket, sys, threading, time
silent = socket.socket(socket.AF_UNIX); silent.connect(sys.argv[1])  # says nothing
ok = []
def ask():
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"status\n")
    ok.append(s.makefile().readline() == "ok\n")
threads = [threading.Thread(target=ask) for _ in range(40)]
for t in threads: t.start()
for t in threads: t.join()
time.sleep(2.2)
print(sum(ok))
PY
)
check "40 concurrent clients all answered ($concurrent)" test "$concurrent" = 40
check "a silent client does not hold up sampling ($before -> $(rows))" test "$(rows)" -ge $((before + 2))

# stop, start, and a new interval from the next boundary.
ctl stop >/dev/null
ctl status >/dev/null
check "after stop, status exits 3" test $? -eq 3
stopped=$(rows)
sleep 2.2
check "no rows while stopped" test "$(rows)" -eq "$stopped"
ctl start -i 2 >/dev/null
sleep 5.2
read -r a b < <(tail -n 2 "$file" | cut -c18-19 | tr '\n' ' ')
check "start -i 2: rows resume every 2 s on even seconds (:$a, :$b)" \
	test $((10#$b % 2)) -eq 0 -a $(((10#$b - 10#$a + 60) % 60)) -eq 2

# State across restarts: the interval, then "stopped".
stop_daemon
check "SIGTERM: exit 0 and the socket removed" test $? -eq 0 -a ! -e "$sock"
start_daemon
check "restarted with the saved interval 2" grep -q "every 2 s" <(ctl status)
ctl stop >/dev/null
stop_daemon
start_daemon -i 1
ctl status >/dev/null
check "restarted stopped, as it was told" test $? -eq 3
check "-i overrides the saved interval" grep -q "every 1 s" <(ctl start)

# One writer per folder, both ways.
"$RESMON" record -d "$data" --for 1 2>"$work/second.err"
check "resmon record on resmond's folder exits 1" test $? -eq 1
check "naming resmond's pid" grep -q "(pid $pid)" "$work/second.err"
ctl stop >/dev/null
"$RESMON" record -d "$data" --for 20 2>/dev/null &
other=$!
sleep 0.5
ctl start 2>"$work/busy.err" >/dev/null
check "start while another records: exit 1, naming it" \
	test $? -eq 1 -a -n "$(grep "(pid $other)" "$work/busy.err")"
kill "$other"; wait "$other"
ctl start >/dev/null

# SIGHUP: a bad file is reported and the old one kept; a good one applies.
printf 'interval = 0\n' >"$conf"
kill -HUP "$pid"
sleep 0.5
check "SIGHUP with a bad config: reported, the old one kept" \
	grep -q 'resmond.conf:1: bad interval "0" (1-3600); SIGHUP: keeping' "$log"
ctl status >/dev/null
check "and recording goes on" test $? -eq 0
printf 'sync_interval = 1\nexclude = lo\n' >"$conf"
kill -HUP "$pid"
sleep 2.5
check "SIGHUP with a good config: lo is no longer recorded" \
	awk -F, -v col="$(head -n 1 "$file" | tr , '\n' | grep -nx 'net_rx_bps:lo' | cut -d: -f1)" \
	'END { exit !($col == "") }' "$file"
stop_daemon
check "the file passes the strict validator" "$DAYCHECK" "$file"
