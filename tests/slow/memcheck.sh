#!/bin/bash
# memcheck.sh - resmon-fcgi, resmond and resmon-plot under valgrind
# memcheck: every route and error, dozens of samples, a few plots; no
# leak, no error
# SPDX-License-Identifier: MIT
#
# The stack of tests/api.sh (scripts/resmon-stack) runs resmon-fcgi
# (one worker) and resmond through wrappers that exec them under
# valgrind; each process (the supervisor, its forked worker) writes its
# own log. A few hundred requests through nginx cover every route, the
# HEADs and 304s, and every error the worker answers (400, 401, 404,
# 405, 413, 415, 503 for the recorder stopped and for a world-readable
# token); resmond samples every second, is stopped and started over the
# API and over its socket, gets bad control lines and a SIGHUP. Both
# are stopped with SIGTERM, so they end as they do in service, and
# each log must end with "ERROR SUMMARY: 0 errors": with
# --errors-for-leak-kinds=definite,indirect a leak is an error too.
# resmon-plot runs alone for a day, a range and its errors.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"

DAYGEN=$top_builddir/tests/daygen
PLOT=$top_builddir/src/resmon-plot/resmon-plot
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
for tool in curl $PY nginx valgrind; do
	command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] ||
		bail "$tool is needed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-memcheck.XXXXXX") || bail "mktemp"
export RESMON_BIN_DIR=$tmp/bin RESMON_DATA_DIR=$tmp/data
export RESMON_CACHE_DIR=$tmp/cache RESMON_RUN_DIR=$tmp/run
export RESMON_INTERVAL=1 RESMON_WORKERS=1 RESMON_RECORDER=1
export TZ=Europe/Samara LC_ALL=C
unset RESMON_SOCKET RESMON_ADDR RESMON_BUILD_DIR
data=$tmp/data run=$tmp/run vg=$tmp/vg
cleanup() {
	"$STACK" stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$data" "$tmp/bin" "$vg" "$tmp/r"

VALGRIND="valgrind --tool=memcheck --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --error-exitcode=99
    --trace-children=yes --track-fds=no --num-callers=30"
for prog in resmond:src/resmond/resmond \
    resmon-fcgi:src/resmon-fcgi/resmon-fcgi; do
	printf '#!/bin/sh\nexec %s --log-file=%s/%s.%%p.log %s "$@"\n' \
	    "$(echo $VALGRIND)" "$vg" "${prog%%:*}" \
	    "$top_builddir/${prog#*:}" >"$tmp/bin/${prog%%:*}"
	chmod +x "$tmp/bin/${prog%%:*}"
done

p1=$(date -d '2 days ago' +%F) p2=$(date -d '3 days ago' +%F)
today=$(date +%F)
"$DAYGEN" --date "$p1" --tz $TZ --ifaces 3 --interval 10 --gaps \
    --late-iface -o "$data/$p1.csv" || bail "daygen $p1"
"$DAYGEN" --date "$p2" --tz $TZ --ifaces 2 --interval 60 \
    -o "$data/$p2.csv" || bail "daygen $p2"
# A day with a header and no row: an error to draw, never a picture.
head -n 1 "$data/$p2.csv" >"$data/$(date -d '4 days ago' +%F).csv"
empty=$(date -d '4 days ago' +%F)

stack_up "$tmp/stack.out"
B=http://127.0.0.1:$RESMON_PORT
token=$(cat "$run/api-token")
wrong=${token%?}$([ "${token: -1}" = 0 ] && echo 1 || echo 0)
json="Content-Type: application/json"
printf '{"interval_s": 2%2000s}' '' >"$tmp/body2k"
etag=$(curl -sS -I "$B/api/v1/days/$p2.csv" | tr -d '\r' |
    sed -n 's/^[Ee][Tt][Aa][Gg]: //p')

# The requests: "STATUS|CURL ARG|CURL ARG..." a line. Each is sent and
# its status checked.
reqs() {
	cat <<EOF
200|$B/api/v1/health
200|$B/api/v1/recorder
200|$B/api/v1/current
200|$B/metrics
200|$B/api/v1/days
200|$B/api/v1/days/$p1.csv
200|$B/api/v1/days/today.csv
200|$B/api/v1/days/$(date -d "$p1" +%d-%m-%Y).csv
304|-H|If-None-Match: $etag|$B/api/v1/days/$p2.csv
200|-H|If-None-Match: "0-0"|$B/api/v1/days/$p2.csv
200|$B/api/v1/days/$p1.csv?from=10:00&to=10:30&iface=eth2&iface=eth0
200|$B/api/v1/days/$p1.csv?from=${p1}T10:00:00%2B04:00&to=11:00:00
200|$B/api/v1/days/$p2.csv?iface=eth1
200|$B/api/v1/days/$p1/series
200|$B/api/v1/days/$p2/series?points=24&iface=eth1
200|$B/api/v1/days/$p1/plot.png?width=640&height=400
200|$B/api/v1/days/$p2/plot.png?width=320&height=200&panels=cpu,rx&iface=eth1
200|$B/api/v1/plot.png?from=$p2&to=$p1&width=640&height=400
200|$B/api/v1/plot.png?from=$p2&to=today&width=320&height=200&panels=mem
200|-I|$B/api/v1/health
200|-I|$B/api/v1/days/$p1/series?points=10
400|$B/api/v1/days/2026-13-01.csv
400|$B/api/v1/days/2026-02-30/plot.png
400|$B/api/v1/days/tomorrow/series
400|$B/api/v1/days/$p1.csv?from=25:00
400|$B/api/v1/days/$p1.csv?from=10:00&from=11:00
400|$B/api/v1/days/$p1.csv?iface=a:b
400|$B/api/v1/days/$p1.csv?iface=toolongname12345
400|$B/api/v1/days/$p1/series?points=0
400|$B/api/v1/days/$p1/series?points=abc
400|$B/api/v1/days/$p1/plot.png?width=4097
400|$B/api/v1/days/$p1/plot.png?panels=cpu,disk
400|$B/api/v1/days/$p1/plot.png?iface=
400|$B/api/v1/plot.png?from=$(date -d "$p1 - 31 days" +%F)&to=$p1
400|$B/api/v1/plot.png?from=$p1&to=$p2
400|$B/api/v1/plot.png?to=$p1
400|$B/api/v1/health?foo=1
400|$B/metrics?foo
400|$B/api/v1/days?%ZZ=1
400|$B/api/v1/days/..%2Fetc.csv
400|$B/api/v1//days
400|$B/api/v1/days/%00.csv
404|$B/api/v1/days/$p1/series?iface=eth9
404|$B/api/v1/days/$p1/plot.png?iface=eth9
404|$B/api/v1/days/$p1.csv?iface=eth9
404|$B/api/v1/days/2001-01-01.csv
404|$B/api/v1/days/2001-01-01/plot.png
404|$B/api/v1/days/2001-01-01/series
404|$B/api/v1/plot.png?from=2001-01-01&to=2001-01-02
404|$B/api/v1/days/$empty/plot.png
404|$B/api/v1/nope
404|$B/api/v2/health
405|-X|DELETE|$B/api/v1/days
405|-X|POST|$B/api/v1/health
405|$B/api/v1/recorder/start
401|-X|POST|$B/api/v1/recorder/stop
401|-X|POST|-H|Authorization: Bearer $wrong|$B/api/v1/recorder/stop
401|-X|POST|-H|Authorization: Basic $token|$B/api/v1/recorder/start
400|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|{"interval_s":0}|$B/api/v1/recorder/start
400|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|{"interval":2}|$B/api/v1/recorder/start
400|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|{"interval_s":2|$B/api/v1/recorder/start
400|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|[2]|$B/api/v1/recorder/start
415|-X|POST|-H|Authorization: Bearer $token|-H|Content-Type: text/plain|-d|x|$B/api/v1/recorder/start
413|-X|POST|-H|Authorization: Bearer $token|-H|$json|--data-binary|@$tmp/body2k|$B/api/v1/recorder/start
200|-X|POST|-H|Authorization: Bearer $token|$B/api/v1/recorder/stop
200|-X|POST|-H|Authorization: Bearer $token|$B/api/v1/recorder/stop
200|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|{"interval_s":2}|$B/api/v1/recorder/start
200|-X|POST|-H|Authorization: Bearer $token|-H|$json|-d|{"interval_s":1}|$B/api/v1/recorder/start
200|-X|POST|-H|Authorization: Bearer $token|$B/api/v1/recorder/start
EOF
}
# send: every request once; a line "got want args" for each miss.
send() {
	local line want args code
	while IFS= read -r line; do
		want=${line%%|*}
		IFS='|' read -r -a args <<<"${line#*|}"
		code=$(curl -sS --path-as-is -m 60 -o /dev/null \
		    -w '%{http_code}' "${args[@]}" 2>/dev/null)
		[ "$code" = "$want" ] || echo "$code $want ${args[*]}"
	done < <(reqs)
}
until_current() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$B/api/v1/current")" = 200 ] &&
		    return 0
		sleep 0.1
	done
	return 1
}
until_current || bail "no row from resmond under valgrind"
nreq=$(reqs | wc -l)
for round in 1 2 3 4; do
	send >"$tmp/miss.$round"
	check "round $round: $nreq requests, each with the status wanted" \
	    test ! -s "$tmp/miss.$round"
	sed 's/^/# got, wanted: /' "$tmp/miss.$round" | head -n 5
	until_current
done

# The recorder stopped: current and metrics stale.
curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" \
    "$B/api/v1/recorder/stop"
sleep 3
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/current")
check "current with the recorder stopped: 503 ($code)" test "$code" = 503
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/metrics")
check "stale metrics: 200 ($code)" test "$code" = 200
# A world-readable token: refused (503), then accepted again.
chmod 0644 "$run/api-token"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $token" "$B/api/v1/recorder/start")
check "a world-readable token file: POST is 503 ($code)" test "$code" = 503
chmod 0640 "$run/api-token"
touch "$run/api-token"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $token" "$B/api/v1/recorder/start")
check "mode 0640 again: the start is taken ($code)" test "$code" = 200

# resmond over its own socket: the client, then bad lines.
RESMON=$top_builddir/src/resmon/resmon
sock=$run/resmond.sock
"$RESMON" stop --socket "$sock" >/dev/null
"$RESMON" start -i 1 --socket "$sock" >/dev/null
"$RESMON" status --socket "$sock" --json >"$tmp/status.json"
check "resmon status over the socket: recording (exit $?)" \
    grep -q '"recording":true' "$tmp/status.json"
$PY - "$sock" >"$tmp/ctl" <<'PY'
import socket, sys
for line in [b"bogus\n", b"start 0\n", b"start 99999\n", b"start x\n",
             b"status extra\n", b"x" * 200 + b"\n", b"", b"status",
             b"stop\nstart\n", b"\0\n", b"start 1\n"]:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    s.sendall(line)
    s.shutdown(socket.SHUT_WR)
    got = b""
    try:
        while chunk := s.recv(4096):
            got += chunk
    except OSError:
        pass
    s.close()
    print(repr(line[:20]), repr(got.split(b"\n")[0]))
PY
sed 's/^/# ctl: /' "$tmp/ctl"
check "bad control lines get errors, the last start is ok" sh -c "
	test \$(grep -c \"'error usage\" '$tmp/ctl') -ge 6 &&
	tail -n 1 '$tmp/ctl' | grep -q \"'ok'\""
kill -HUP "$(cat "$run/resmond.pid")"
# A few dozen samples in all (a minute at most).
for ((i = 0; i < 600; i++)); do
	[ "$(grep -c "^$today" "$data/$today.csv")" -ge 40 ] && break
	sleep 0.1
done
rows=$(grep -c "^$today" "$data/$today.csv")
check "resmond under valgrind wrote $rows rows" test "$rows" -ge 40

# stop_vg NAME: SIGTERM to the process of run/NAME.pid (valgrind itself,
# as the wrapper execs it); up to 90 s for it and its children to end
# and write their summaries.
stop_vg() {
	local pid i
	pid=$(cat "$run/$1.pid")
	kill -TERM "$pid"
	for ((i = 0; i < 900; i++)); do
		[ -e "/proc/$pid" ] || break
		st=$(cat "/proc/$pid/stat" 2>/dev/null) || break
		st=${st##*) }
		[ "${st:0:1}" = Z ] && break
		sleep 0.1
	done
	rm -f "$run/$1.pid"
}
stop_vg resmon-fcgi
stop_vg resmond
"$STACK" stop >/dev/null 2>&1
sleep 1

# summaries PREFIX: each log of PREFIX.*.log with its ERROR SUMMARY and
# leak lines, on one line; fails unless there are logs and each has 0.
summaries() {
	local f ok=0 n=0 s
	for f in "$vg/$1".*.log; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		s=$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$f" | tail -n 1)
		echo "# $(basename "$f"): ${s:-no summary}; $(grep -E \
		    'definitely lost:|indirectly lost:|in use at exit:' "$f" |
		    sed 's/^==[0-9]*== *//' | tr -s ' ' | tr '\n' ';')"
		if [ "$s" != "ERROR SUMMARY: 0 errors" ]; then
			ok=1
			grep -E -A25 '^==[0-9]+== [A-Z].*(lost|Invalid|uninitialised|Mismatched)' \
			    "$f" | head -n 60 | sed 's/^/#   /'
		fi
	done
	[ $n -ge 1 ] && return $ok
	echo "# no log $1.*.log"
	return 1
}
nfcgi=$(ls "$vg"/resmon-fcgi.*.log 2>/dev/null | wc -l)
check "resmon-fcgi: --init-token, supervisor and worker ($nfcgi logs): no leak, no error" \
    summaries resmon-fcgi
check "resmond: no leak, no error" summaries resmond
check "the worker handled every request: no restart" sh -c \
    "! grep -q 'ended (status' '$run/resmon-fcgi.log'"

# resmon-plot alone: "WANT-EXIT ARGS..." a line.
rm -f "$vg"/plot.*.log
n=0
while read -r want args; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	$VALGRIND --log-file="$vg/plot.$n.log" "$PLOT" -d "$data" $args \
	    >"$tmp/plot.$n.out" 2>"$tmp/plot.$n.err"
	rc=$?
	check "resmon-plot $args: exit $rc (want $want)" test $rc -eq "$want"
done <<EOF
0 $p1 -o $tmp/day.png
0 $p2 --iface eth1 --panels cpu,rx,tx --width 800 --height 500 -o -
0 --from $p2 --to $p1 --width 640 --height 400 -o $tmp/range.png
1 2001-01-01 -o $tmp/none.png
1 $empty -o $tmp/empty.png
1 $p1 --iface eth9 -o $tmp/eth9.png
2 2026-02-30 -o $tmp/bad.png
2 $p1 --width 100 -o $tmp/bad.png
2 --from $p1 --to $p2 -o $tmp/bad.png
EOF
check "resmon-plot ($n runs): no leak, no error" summaries plot
echo "1..$tap_n"
exit $((tap_failed > 0))
