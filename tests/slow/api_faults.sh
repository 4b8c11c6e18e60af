#!/bin/bash
# api_faults.sh - the API stack when things go wrong: start and stop raced
# from 8 clients, the worker killed under load, the recorder gone, a cache
# folder that takes no file
# SPDX-License-Identifier: MIT
#
# The same stack as tests/api.sh (scripts/resmon-stack: nginx on a free
# loopback port, resmon-fcgi with two workers, resmond every second) and
# a generated past day to serve while parts of it are down.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"

DAYGEN=$top_builddir/tests/daygen
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
for tool in curl $PY nginx wrk pgrep; do
	command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] ||
		bail "$tool is needed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-api-faults.XXXXXX") || bail "mktemp"
export RESMON_BUILD_DIR=$top_builddir RESMON_DATA_DIR=$tmp/data
export RESMON_CACHE_DIR=$tmp/cache RESMON_RUN_DIR=$tmp/run
export RESMON_INTERVAL=1 RESMON_WORKERS=2 RESMON_RECORDER=1
export TZ=Europe/Samara LC_ALL=C
unset RESMON_SOCKET RESMON_ADDR
data=$tmp/data cache=$tmp/cache run=$tmp/run
# No problem detail may name these folders (the worker strips them).
export API_TEST_DIRS=$data:$cache
mounted=0 wrkpid=
cleanup() {
	[ -n "$wrkpid" ] && kill "$wrkpid" 2>/dev/null
	[ $mounted -eq 1 ] && { umount "$cache" || umount -l "$cache"; }
	chmod 755 "$cache" 2>/dev/null
	"$STACK" stop >/dev/null 2>&1
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$data" "$cache" "$tmp/r"

p1=$(date -d '2 days ago' +%F) today=$(date +%F)
"$DAYGEN" --date "$p1" --tz $TZ --ifaces 2 --interval 60 \
    -o "$data/$p1.csv" || bail "daygen $p1"

# req NAME CURL-ARGS...: one request; its answer in $tmp/r/NAME.{s,h,b}.
req() {
	local n=$1
	shift
	curl -sS -m 20 -o "$tmp/r/$n.b" -D "$tmp/r/$n.h" -w '%{http_code}' \
	    "$@" >"$tmp/r/$n.s" 2>"$tmp/r/$n.err"
}
# expect NAME STATUS CTYPE [EXPR]: as in tests/api.sh; a problem+json
# body must have type, title, status (the HTTP one) and detail.
expect() {
	$PY - "$tmp/r" "$@" <<'PY'
import json, os, struct, sys
d, name, status, ctype = sys.argv[1:5]
expr = sys.argv[5] if len(sys.argv) > 5 else None
s = int(open(f"{d}/{name}.s").read().strip() or 0)
raw = open(f"{d}/{name}.h", "rb").read().decode("latin-1")
h = {}
for line in [b for b in raw.replace("\r\n", "\n").split("\n\n") if b][-1].split("\n")[1:]:
    k, _, v = line.partition(":")
    h[k.strip().lower()] = v.strip()
b = open(f"{d}/{name}.b", "rb").read()
where = f"{name}: {s} {h.get('content-type')} {b[:300]!r}"
def png_ok(b):
    return (b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR" and
        b[-12:-4] == b"\0\0\0\0IEND")
def fail(msg):
    print("# " + msg.replace("\n", "\n# "))
    sys.exit(1)
if str(s) not in status.split("|"):
    fail(f"status {s}, want {status}; {where}")
if h.get("content-type") != ctype:
    fail(f"Content-Type {h.get('content-type')!r}, want {ctype!r}; {where}")
j = None
if ctype.startswith(("application/json", "application/problem+json")):
    j = json.loads(b)
if ctype == "application/problem+json":
    if not all(k in j for k in ("type", "title", "status", "detail")):
        fail(f"problem without type, title, status or detail; {where}")
    if j["status"] != s:
        fail(f"problem status {j['status']} in a {s} answer; {where}")
    for folder in os.environ["API_TEST_DIRS"].split(":"):
        if folder in j["detail"]:
            fail(f"the detail names the server's {folder}; {where}")
if expr is not None and not eval("(" + expr.strip() + "\n)",
        dict(globals(), j=j, h=h, b=b, s=s)):
    fail(f"false: {expr}; {where}")
PY
}
rowcount() { grep -c '^[0-9]' "$data/$today.csv" 2>/dev/null || echo 0; }
# alive PID...: whether any of them still runs. A zombie counts as gone:
# PID 1 here reaps orphans seconds late, and kill -0 finds zombies.
alive() {
	local p st
	for p in "$@"; do
		st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		st=${st##*) }
		[ -n "$st" ] && [ "${st:0:1}" != Z ] && return 0
	done
	return 1
}
# until_ok TRIES COMMAND...: COMMAND until it succeeds, 0.1 s apart.
until_ok() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

stack_up "$tmp/stack.out"
B=http://127.0.0.1:$RESMON_PORT
auth="Authorization: Bearer $(cat "$run/api-token")"
PJ=application/problem+json
health_is() {
	[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$B/api/v1/health")" = "$1" ]
}
has_rows() { [ "$(rowcount)" -ge 1 ]; }
until_ok 50 has_rows || bail "resmond writes no row"

# --- start and stop raced from 8 clients -------------------------------
# race_client N: 20 start (interval 1 or 2) or stop requests at random,
# one status code a line in race.N.
race_client() {
	local i args
	RANDOM=$(($1 * 7919 + $$))
	for ((i = 0; i < 20; i++)); do
		case $((RANDOM % 3)) in
		0) args=("$B/api/v1/recorder/stop") ;;
		1) args=(-H 'Content-Type: application/json' -d '{"interval_s":1}'
			"$B/api/v1/recorder/start") ;;
		*) args=(-H 'Content-Type: application/json' -d '{"interval_s":2}'
			"$B/api/v1/recorder/start") ;;
		esac
		curl -s -m 10 -o /dev/null -w '%{http_code}\n' -X POST \
		    -H "$auth" "${args[@]}"
	done >"$tmp/race.$1"
}
# consistent: GET /api/v1/recorder, DATA_DIR/.state and the file agree.
consistent() {
	local rec iv n0 n1
	req rec "$B/api/v1/recorder"
	expect rec 200 application/json || return 1
	read -r rec iv < <($PY -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(int(j["recording"]), j["interval_s"])' "$tmp/r/rec.b")
	if ! grep -qx "recording $rec" "$data/.state" ||
	    ! grep -qx "interval_s $iv" "$data/.state"; then
		echo "# recorder says recording $rec, interval_s $iv; .state:" \
		    $(cat "$data/.state")
		return 1
	fi
	n0=$(rowcount)
	sleep $((2 * iv + 1))
	n1=$(rowcount)
	last=$(date -d "$(tail -n 1 "$data/$today.csv" | cut -d, -f1)" +%s)
	echo "# recording $rec every $iv s: $n0 -> $n1 rows, the last at $last"
	if [ "$rec" = 0 ]; then
		[ "$n1" -eq "$n0" ]
		return
	fi
	# At most one row per boundary of the new interval, on its multiples.
	[ "$n1" -ge $((n0 + 1)) ] && [ "$n1" -le $((n0 + (2 * iv + 1) / iv + 1)) ] &&
	    [ $((last % iv)) -eq 0 ]
}
resmond_pid=$(cat "$run/resmond.pid")
for round in 1 2; do
	for c in 1 2 3 4 5 6 7 8; do race_client $c & done
	wait
	codes=$(cat "$tmp"/race.? | sort | uniq -c | tr -s ' \n' ' ')
	check "round $round: 160 raced start/stop requests all got 200 ($codes)" \
	    test "$(cat "$tmp"/race.? | grep -cx 200)" = 160
	check "round $round: the API, .state and the day file agree" consistent
done
check "resmond is still the same process" alive "$resmond_pid"
req stop -X POST -H "$auth" "$B/api/v1/recorder/stop"
check "after the race one client still sets the state: stopped" \
    expect stop 200 application/json 'j["recording"] is False'
req start -X POST -H "$auth" -H 'Content-Type: application/json' \
    -d '{"interval_s":1}' "$B/api/v1/recorder/start"
check "and recording every second again" expect start 200 application/json \
    'j["recording"] is True and j["interval_s"] == 1'
check "today's file passes the strict validator" \
    "$top_builddir/tests/daycheck" "$data/$today.csv"

# --- the worker killed under load ---------------------------------------
cat >"$tmp/count.lua" <<'LUA'
-- Counts the statuses of all threads' answers.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) codes = {} end
function response(status, headers, body)
	codes[status] = (codes[status] or 0) + 1
end
function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
	end
	for k, v in pairs(all) do io.write(string.format("status %d %d\n", k, v)) end
end
LUA
# statuses FILE: "200:N 503:M" from a wrk run with count.lua.
statuses() { awk '/^status/ { printf "%s%s:%s", s, $2, $3; s = " " }' "$1"; }

sup=$(cat "$run/resmon-fcgi.pid")
kids=$(pgrep -P "$sup" | tr '\n' ' ')
check "resmon-fcgi runs two workers ($kids)" test "$(echo $kids | wc -w)" = 2
wrk -t2 -c16 -d5s -s "$tmp/count.lua" "$B/api/v1/health" >"$tmp/wrk1" 2>&1 &
wrkpid=$!
sleep 1
kill -KILL $kids
# respawned: two workers, none of them the killed ones, and answers.
respawned() {
	local now
	now=$(pgrep -P "$sup" | tr '\n' ' ')
	[ "$(echo $now | wc -w)" = 2 ] || return 1
	for p in $now; do
		case " $kids " in *" $p "*) return 1 ;; esac
	done
	health_is 200
}
check "workers SIGKILLed under load: the supervisor starts two others" \
    until_ok 30 respawned
# Then the whole of it: held still so that it starts no other, its
# workers killed, then itself.
kill -STOP "$sup"
kids=$(pgrep -P "$sup" | tr '\n' ' ')
kill -KILL $kids "$sup"
check "resmon-fcgi and its workers are gone" \
    until_ok 20 eval '! alive $kids $sup'
for route in /api/v1/health /metrics "/api/v1/days/$p1.csv"; do
	req down "$B$route"
	check "worker down: $route is 503 problem+json with Retry-After" \
	    expect down 503 $PJ '"retry-after" in h and "resmon-fcgi" in j["detail"]'
done
req down -X POST -H "$auth" "$B/api/v1/recorder/stop"
check "worker down: a POST is 503 problem+json too" expect down 503 $PJ \
    '"retry-after" in h'
wait "$wrkpid"
wrkpid=
sed 's/^/# wrk: /' "$tmp/wrk1"
got=$(statuses "$tmp/wrk1")
check "wrk meanwhile got only 200 and 503, both ($got)" $PY -c '
import sys
c = dict(map(int, p.split(":")) for p in sys.argv[1].split())
assert set(c) == {200, 503}, c' "$got"
"$STACK" restart-fcgi >"$tmp/restart.out" 2>&1
rc=$? out=$(head -c 200 "$tmp/restart.out")
check "resmon-stack restart-fcgi brings it back (exit $rc${out:+: $out})" \
    test $rc -eq 0
req up "$B/api/v1/health"
check "and the API answers 200 again" expect up 200 application/json \
    'j["status"] == "ok"'
check "with two workers under a new supervisor" sh -c "
	sup=\$(cat '$run/resmon-fcgi.pid')
	test \$sup != $sup && test \$(pgrep -P \$sup | wc -l) = 2"
wrk -t2 -c16 -d2s -s "$tmp/count.lua" "$B/api/v1/health" >"$tmp/wrk2" 2>&1
got=$(statuses "$tmp/wrk2")
check "a second wrk run gets only 200 ($got)" $PY -c '
import sys
c = dict(map(int, p.split(":")) for p in sys.argv[1].split())
assert set(c) == {200} and c[200] > 100, c' "$got"

# --- the recorder unreachable -------------------------------------------
resmond_pid=$(cat "$run/resmond.pid")
kill -KILL "$resmond_pid"
until_ok 20 eval '! alive $resmond_pid'
for m in GET POST; do
	if [ $m = GET ]; then
		req rec "$B/api/v1/recorder"
	else
		req rec -X POST -H "$auth" "$B/api/v1/recorder/start"
	fi
	check "resmond killed (its socket left behind): $m recorder is 503" \
	    expect rec 503 $PJ '"retry-after" in h and "unreachable" in j["detail"]'
done
# A worker's answers about resmond may be up to a second old.
sleep 1.1
req health "$B/api/v1/health"
check "health: 200, recorder not reachable" expect health 200 \
    application/json 'j["recorder_reachable"] is False'
req days "$B/api/v1/days"
check "the day list still comes" expect days 200 application/json \
    '[d["date"] for d in j] == ["'"$p1"'", "'"$today"'"]'
req csv "$B/api/v1/days/$p1.csv"
check "a whole day's CSV still comes, the file's bytes" sh -c "
	test \$(cat '$tmp/r/csv.s') = 200 && cmp -s '$tmp/r/csv.b' '$data/$p1.csv'"
req ncsv "$B/api/v1/days/$p1.csv?from=10:00&to=11:00&iface=eth1"
check "a narrowed CSV is still drawn: 61 lines" expect ncsv 200 \
    'text/csv; charset=utf-8' 'b.count(b"\n") == 61 and
    h["x-resmon-cache"] == "miss"'
req plot "$B/api/v1/days/$p1/plot.png?width=800&height=500"
check "a plot is still drawn" expect plot 200 image/png 'png_ok(b)'
req rplot "$B/api/v1/plot.png?from=$p1&to=today&width=800&height=500"
check "and a range plot with today" expect rplot 200 image/png 'png_ok(b)'
rm -f "$run/resmond.sock"
req rec "$B/api/v1/recorder"
check "no socket at all: 503 as well" expect rec 503 $PJ

# --- a cache folder that takes no file ------------------------------------
# cache_refuses HOW: a plot and a narrowed CSV never drawn before get a
# clear 503 problem+json, never a PNG; nothing is left in the cache; the
# day files are still served.
cache_refuses() {
	local how=$1 w=$((RANDOM % 1000 + 700))
	req np "$B/api/v1/days/$p1/plot.png?width=$w"
	check "$how: a new plot is 503 problem+json naming the cache" \
	    expect np 503 $PJ '"retry-after" in h and ("cache" in j["detail"] or
	    "space" in j["detail"])'
	check "$how: and no PNG bytes" sh -c "! grep -q PNG '$tmp/r/np.b'"
	req nc "$B/api/v1/days/$p1.csv?from=00:00&to=00:0$((RANDOM % 9 + 1))"
	check "$how: a new narrowed CSV is 503 problem+json" expect nc 503 $PJ
	check "$how: no file was left in the cache ($(ls -A "$cache" | tr '\n' ' '))" \
	    test -z "$(ls -A "$cache" | grep -v '^fill$')"
	req csv "$B/api/v1/days/$p1.csv"
	check "$how: the day's CSV still comes" sh -c "
	    test \$(cat '$tmp/r/csv.s') = 200 && cmp -s '$tmp/r/csv.b' '$data/$p1.csv'"
	req days "$B/api/v1/days"
	check "$how: so does the day list" expect days 200 application/json
}
if [ "$(id -u)" -eq 0 ]; then
	mount -t tmpfs -o size=64k,mode=0755 tmpfs "$cache" || bail "mount tmpfs"
	mounted=1
	dd if=/dev/zero of="$cache/fill" bs=4k 2>/dev/null
	check "the 64 KiB tmpfs over the cache is full" \
	    test "$(df -k --output=avail "$cache" | tail -n 1 | tr -d ' ')" = 0
	cache_refuses "a full cache"
	rm "$cache/fill"
	mount -o remount,ro "$cache" || bail "remount ro"
	cache_refuses "a read-only cache"
	umount "$cache" || bail "umount"
	mounted=0
else
	chmod 000 "$cache"
	cache_refuses "a cache folder of mode 000"
	chmod 755 "$cache"
fi
req plot "$B/api/v1/days/$p1/plot.png?width=777&height=500"
check "the cache usable again: a plot is drawn" expect plot 200 image/png \
    'png_ok(b) and h["x-resmon-cache"] == "miss"'

check "no worker ended but the ones killed (status 9)" sh -c "
	! grep 'ended (status' '$run/resmon-fcgi.log' | grep -v 'status 9)'"
echo "1..$tap_n"
exit $((tap_failed > 0))
