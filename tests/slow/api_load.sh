#!/bin/bash
# api_load.sh - wrk for 60 s on a mix of routes with 128 connections: no
# 5xx, no socket error, and each worker's memory flat from 10 s to 60 s
# SPDX-License-Identifier: MIT
#
# The stack of tests/api.sh (scripts/resmon-stack: nginx on a free
# loopback port, resmon-fcgi with two workers, resmond) over a generated
# past day. resmond records every 5 s so that a loaded machine never
# makes /api/v1/current stale (a 503 by SPEC §3, and not the worker's
# doing). A wrk script cycles through eight routes: current, health,
# metrics, the day list, a day's CSV (nginx sends it), a plot and a
# narrowed CSV (drawn once, then cache hits), a series (computed each
# time). VmRSS of every child of the supervisor is read from /proc each
# second.
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
DURATION=60 CONNS=128 RSS_FROM=10 RSS_MAX_KIB=64

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-api-load.XXXXXX") || bail "mktemp"
export RESMON_BUILD_DIR=$top_builddir RESMON_DATA_DIR=$tmp/data
export RESMON_CACHE_DIR=$tmp/cache RESMON_RUN_DIR=$tmp/run
export RESMON_INTERVAL=5 RESMON_WORKERS=2 RESMON_RECORDER=1
export TZ=Europe/Samara LC_ALL=C
unset RESMON_SOCKET RESMON_ADDR
data=$tmp/data run=$tmp/run
pids=
cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	"$STACK" stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$data"
p1=$(date -d '2 days ago' +%F)
"$DAYGEN" --date "$p1" --tz $TZ --ifaces 2 --interval 10 \
    -o "$data/$p1.csv" || bail "daygen $p1"

stack_up "$tmp/stack.out"
B=http://127.0.0.1:$RESMON_PORT

ROUTES="/api/v1/current /api/v1/health /metrics /api/v1/days
/api/v1/days/$p1.csv /api/v1/days/$p1/plot.png?width=800&height=500
/api/v1/days/$p1/series?points=200&iface=eth1
/api/v1/days/$p1.csv?from=10:00&to=11:00&iface=eth0"
# Every route answers 200 before the run (current: once resmond wrote
# a row), which also draws the plot and the narrowed CSV once.
for i in $(seq 150); do
	[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$B/api/v1/current")" = 200 ] &&
	    break
	sleep 0.1
done
for r in $ROUTES; do
	code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' "$B$r")
	[ "$code" = 200 ] || bail "$r: $code before the run"
done

# Cycles through the routes, one after another on each connection, and
# counts the statuses of all threads.
{
	echo 'local paths = {'
	for r in $ROUTES; do echo "  \"$r\","; done
	echo '}'
	cat <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) codes = {}; i = math.random(#paths) end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
function response(status, headers, body)
	codes[status] = (codes[status] or 0) + 1
end
function done(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
	end
	for k, v in pairs(all) do io.write(string.format("status %d %d\n", k, v)) end
	local e = summary.errors
	io.write(string.format("errors %d %d %d %d %d\n", e.connect, e.read,
	    e.write, e.timeout, e.status))
	io.write(string.format("requests %d %.3f\n", summary.requests,
	    summary.duration / 1e6))
	io.write(string.format("latency %.1f %.1f %.1f\n",
	    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    latency.max / 1000))
end
LUA
} >"$tmp/mix.lua"

sup=$(cat "$run/resmon-fcgi.pid")
kids=$(pgrep -P "$sup" | sort -n | tr '\n' ' ')
check "resmon-fcgi runs two workers ($kids)" test "$(echo $kids | wc -w)" = 2
# VmRSS (KiB) of each child of the supervisor, once a second: "SECOND
# PID:KIB ...". Bounded: DURATION + 2 samples.
$PY - "$sup" $((DURATION + 2)) >"$tmp/rss" <<'PY' &
import os, sys, time
sup, n = sys.argv[1], int(sys.argv[2])
start = time.monotonic()
for k in range(n):
    kids = []
    try:
        kids = open(f"/proc/{sup}/task/{sup}/children").read().split()
    except OSError:
        pass
    cells = []
    for p in kids:
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    cells.append(f"{p}:{line.split()[1]}")
        except OSError:
            pass
    print(k, *cells, flush=True)
    time.sleep(max(0, start + k + 1 - time.monotonic()))
PY
sampler=$!
pids="$pids $sampler"
wrk -t2 -c$CONNS -d${DURATION}s --timeout 10s -s "$tmp/mix.lua" "$B" \
    >"$tmp/wrk" 2>&1
rc=$?
wait "$sampler"
sed 's/^/# wrk: /' "$tmp/wrk"
check "wrk ran (exit $rc)" test $rc -eq 0
codes=$(awk '/^status/ { printf "%s%s:%s", s, $2, $3; s = " " }' "$tmp/wrk")
read -r _ nreq secs <<<"$(grep '^requests' "$tmp/wrk")"
check "$nreq requests in $secs s, all 200 ($codes)" $PY -c '
import sys
c = dict(map(int, p.split(":")) for p in sys.argv[1].split())
assert set(c) == {200} and sum(c.values()) == int(sys.argv[2]) > 0, c' \
    "$codes" "$nreq"
read -r _ econn eread ewrite etime estatus <<<"$(grep '^errors' "$tmp/wrk")"
check "no socket error: connect $econn, read $eread, write $ewrite, timeout $etime" \
    test "$econn$eread$ewrite$etime" = 0000
echo "# $(awk -v n="$nreq" -v s="$secs" 'BEGIN { printf "%.0f req/s", n / s }')," \
    "latency p50/p99/max (ms): $(grep '^latency' "$tmp/wrk" | cut -d' ' -f2-)"

# The curve: each worker's VmRSS at 0, 10, 20 ... s; the growth from
# second RSS_FROM to the last one.
$PY - "$tmp/rss" $RSS_FROM $RSS_MAX_KIB >"$tmp/rss.out" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
start, limit = int(sys.argv[2]), int(sys.argv[3])
curve = {}
for r in rows:
    for cell in r[1:]:
        p, kib = cell.split(":")
        curve.setdefault(p, []).append((int(r[0]), int(kib)))
ok = len(curve) == 2
for p, pts in sorted(curve.items()):
    at = dict(pts)
    print(f"# worker {p}: VmRSS KiB every 10 s:",
          " ".join(str(at.get(s, "-")) for s in range(0, len(rows), 10)))
    a, b = at.get(start), pts[-1]
    if a is None or len(pts) != len(rows):
        print(f"# worker {p}: not sampled all along ({len(pts)} samples)")
        ok = False
        continue
    grew = b[1] - a
    print(f"# worker {p}: {a} KiB at {start} s, {b[1]} KiB at {b[0]} s: "
          f"{grew:+d} KiB (peak {max(k for _, k in pts)})")
    ok = ok and grew <= limit
total = [sum(int(c.split(":")[1]) for c in r[1:]) for r in rows]
print(f"# both workers: {total[start]} KiB at {start} s, {total[-1]} KiB "
      f"at {len(rows) - 1} s: {total[-1] - total[start]:+d} KiB")
print("ok" if ok else "grew")
PY
grep '^#' "$tmp/rss.out"
check "each worker's VmRSS grew at most $RSS_MAX_KIB KiB from ${RSS_FROM} s to the end" \
    grep -qx ok "$tmp/rss.out"
now=$(pgrep -P "$sup" | sort -n | tr '\n' ' ')
check "the same two workers all along ($now)" test "$now" = "$kids"
check "no worker ended" sh -c "! grep -q 'ended (status' '$run/resmon-fcgi.log'"
check "nginx logged no error" sh -c \
    "! grep -E '\\[(error|crit|alert|emerg)\\]' '$run/nginx/error.log'"
echo "1..$tap_n"
exit $((tap_failed > 0))
