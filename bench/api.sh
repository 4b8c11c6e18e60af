#!/bin/bash
# api.sh - the HTTP API through nginx against the ceiling of its
# architecture: a minimal libfcgi responder, and nginx serving files itself
# SPDX-License-Identifier: MIT
#
# usage: bench/api.sh                   (as root, like the other benches)
#   DUR=10      seconds per wrk run;  CONNS=64  connections;  THREADS=2
#   ROUNDS=3    every run this many times, in turn; medians reported
#   COLD=9      cold plots timed (median taken)
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# One run starts, on loopback:
#   - the resmon stack (scripts/resmon-stack: resmond recording today at
#     1 s, resmon-fcgi with 2 workers, nginx) over a data folder holding a
#     generated day (tests/daygen, 86,400 rows, 4 interfaces, ~10 MB);
#   - a second nginx server with the peers: bench/fcgi_minimal.c (2
#     processes, like resmon-fcgi's workers) answering a fixed JSON, the
#     same program answering X-Accel-Redirect to a file, and nginx's
#     static location holding the same files.
# Then wrk (THREADS threads, CONNS connections, DUR s each, --latency)
# measures, one after the other:
#   JSON:  /api/v1/current, /api/v1/health    vs minimal JSON, static JSON
#   plot:  cached day plot (X-Resmon-Cache hit)  vs X-Accel, static
#   CSV:   the whole day's CSV                  vs X-Accel, static (MB/s)
# and curl times COLD plots drawn for new sizes (cache misses).
# wrk runs on the same 2 cores as the servers: ratios are what count.
set -u
. "$(dirname "$0")/lib.sh"

DUR=${DUR:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
COLD=${COLD:-9}
ROUNDS=${ROUNDS:-3}
DAY=2026-11-27
export TZ=UTC

command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v nginx >/dev/null || die "nginx not found (apt-get install nginx)"
bench_out
OUT=$BENCH_OUT/api
rm -rf "$OUT" && mkdir -p "$OUT/data" "$OUT/cache" "$OUT/files" "$OUT/peer/tmp"

(
	cd "$TOP" || exit 1
	if [ ! -f build-bench/Makefile ]; then
		autoreconf -i >/dev/null 2>&1 && mkdir -p build-bench &&
			cd build-bench && ../configure -q CFLAGS=-O2 || exit 1
		cd "$TOP" || exit 1
	fi
	make -s -C build-bench -j2 src/resmond/resmond src/resmon-plot/resmon-plot \
		src/resmon-fcgi/resmon-fcgi tests/daygen >/dev/null
) || die "building resmon-fcgi failed"
gcc -O2 -Wall -o "$BENCH_OUT/bin/fcgi_minimal" "$BENCH_SRC/fcgi_minimal.c" -lfcgi ||
	die "building fcgi_minimal failed"

"$TOP/build-bench/tests/daygen" --date "$DAY" --tz UTC --ifaces 4 \
	-o "$OUT/data/$DAY.csv" || die "daygen failed"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
PEER=$(free_port)

# --- the resmon stack ----------------------------------------------------
export RESMON_BUILD_DIR=$TOP/build-bench RESMON_PORT=$PORT \
	RESMON_DATA_DIR=$OUT/data RESMON_CACHE_DIR=$OUT/cache \
	RESMON_RUN_DIR=$OUT/run RESMON_WORKERS=2 RESMON_INTERVAL=1
"$TOP/scripts/resmon-stack" start || die "the stack did not start"
stack_stop() { "$TOP/scripts/resmon-stack" stop; bench_cleanup; }
trap stack_stop EXIT
API=http://127.0.0.1:$PORT
sleep 2 # a first row for /current

# The cached plot and the day file, copied for the peers.
curl -fsS -o "$OUT/files/plot.png" "$API/api/v1/days/$DAY/plot.png" ||
	die "first plot failed"
cp "$OUT/data/$DAY.csv" "$OUT/files/day.csv"
curl -fsS -o "$OUT/files/current.json" "$API/api/v1/current" || die "/current failed"

# --- the peers -------------------------------------------------------------
bg_run "$BENCH_OUT/bin/fcgi_minimal" "$OUT/peer/json.sock" json 2
bg_run "$BENCH_OUT/bin/fcgi_minimal" "$OUT/peer/accel.sock" accel 2
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root root;"
cat >"$OUT/peer/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 2;
pid $OUT/peer/nginx.pid;
error_log $OUT/peer/error.log warn;
events { worker_connections 2048; }
http {
	access_log $OUT/peer/access.log;
	client_body_temp_path $OUT/peer/tmp/body;
	fastcgi_temp_path $OUT/peer/tmp/fastcgi;
	proxy_temp_path $OUT/peer/tmp/proxy;
	uwsgi_temp_path $OUT/peer/tmp/uwsgi;
	scgi_temp_path $OUT/peer/tmp/scgi;
	sendfile on;
	tcp_nopush on;
	server {
		listen 127.0.0.1:$PEER;
		location = /json { include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$OUT/peer/json.sock; }
		location /accel/ { include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$OUT/peer/accel.sock; }
		location /_files/ { internal; alias $OUT/files/; }
		location /static/ { alias $OUT/files/; }
	}
}
CONF
bg_run nginx -p "$OUT/peer" -c "$OUT/peer/nginx.conf" -e "$OUT/peer/error.log"
sleep 0.5
PEERURL=http://127.0.0.1:$PEER
curl -fsS -o /dev/null "$PEERURL/json" || die "the minimal responder does not answer"

# --- measuring -------------------------------------------------------------
# bench NAME URL: one wrk run; prints "NAME rps p99_ms mb_s non2xx errors".
bench() {
	local name=$1 url=$2 log=$OUT/wrk-$1.txt
	wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency "$url" >"$log" 2>&1
	python3 - "$name" "$log" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
def num(pat, default="0"):
    m = re.search(pat, text)
    return m.group(1) if m else default
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    f = float(m.group(1))
    return f / 1000 if m.group(2) == "us" else f * 1000 if m.group(2) == "s" else f
def mb(v):
    m = re.match(r"([\d.]+)([KMG]?B)", v)
    f = float(m.group(1))
    return f * {"B": 1e-6, "KB": 1.024e-3, "MB": 1.048576, "GB": 1073.741824}[m.group(2)]
rps = float(num(r"Requests/sec:\s+([\d.]+)"))
p99 = ms(num(r"\s99%\s+([\d.]+(?:us|ms|s))", "0ms"))
tput = mb(num(r"Transfer/sec:\s+([\d.]+[KMG]?B)", "0B"))
non2xx = int(num(r"Non-2xx or 3xx responses:\s+(\d+)"))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errs = sum(int(x) for x in m.groups()) if m else 0
print(f"{name} {rps:.0f} {p99:.2f} {tput:.1f} {non2xx} {errs}")
PY
}

# Rounds: each run once per round, in turn, so that a machine getting
# busier or quieter meanwhile weighs on every run alike; medians taken.
RES=$OUT/results.txt
: >"$RES"
for ((round = 1; round <= ROUNDS; round++)); do
	for pair in \
		"resmon_current $API/api/v1/current" \
		"resmon_health $API/api/v1/health" \
		"minimal_json $PEERURL/json" \
		"static_json $PEERURL/static/current.json" \
		"resmon_plot_cached $API/api/v1/days/$DAY/plot.png" \
		"accel_plot $PEERURL/accel/plot.png" \
		"static_plot $PEERURL/static/plot.png" \
		"resmon_csv $API/api/v1/days/$DAY.csv" \
		"accel_csv $PEERURL/accel/day.csv" \
		"static_csv $PEERURL/static/day.csv"; do
		set -- $pair
		say "wrk round $round: $1"
		bench "$1" "$2" | tee -a "$RES" >&2
	done
done

# Cold plots: a size never drawn before, so each is a cache miss.
: >"$OUT/cold.txt"
for ((i = 1; i <= COLD; i++)); do
	curl -sS -o /dev/null -D "$OUT/cold-head.txt" -w '%{time_total}\n' \
		"$API/api/v1/days/$DAY/plot.png?width=$((1600 + i))" >>"$OUT/cold.txt"
	grep -qi '^x-resmon-cache: miss' "$OUT/cold-head.txt" ||
		die "cold plot $i was not a cache miss"
done

{
	echo "## HTTP API (bench/api.sh)"
	echo
	echo '```'
	machine_info 2>/dev/null | sed 's/^resmon: .*/resmon:  resmon-fcgi, tree at '"$(git -C "$TOP" rev-parse --short HEAD)"'/'
	echo "wrk:     -t$THREADS -c$CONNS -d${DUR}s, $ROUNDS rounds (medians), on the same cores"
	echo '```'
	echo
	python3 - "$RES" "$OUT/cold.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    n, rps, p99, mb, non2xx, errs = line.split()
    runs.setdefault(n, []).append((float(rps), float(p99), float(mb),
                                   int(non2xx), int(errs)))
rows = {}
for n, rs in runs.items():
    med = lambda k: statistics.median(r[k] for r in rs)
    rows[n] = dict(rps=med(0), p99=med(1), mb=med(2),
                   non2xx=sum(r[3] for r in rs), errs=sum(r[4] for r in rs))
def ratio(a, b, key="rps"):
    return rows[a][key] / rows[b][key] if rows[b][key] else 0
print("| run (median of rounds) | req/s | p99 ms | MB/s | non-2xx | socket errors |")
print("|---|---|---|---|---|---|")
for n, r in rows.items():
    print(f"| {n} | {r['rps']:.0f} | {r['p99']:.2f} | {r['mb']:.1f} | {r['non2xx']} | {r['errs']} |")
cold = [float(x) * 1000 for x in open(sys.argv[2])]
print()
checks = [
    ("current req/s >= 90% of minimal JSON", ratio("resmon_current", "minimal_json"), 0.9),
    ("health req/s >= 90% of minimal JSON", ratio("resmon_health", "minimal_json"), 0.9),
    ("cached plot req/s >= 90% of X-Accel", ratio("resmon_plot_cached", "accel_plot"), 0.9),
    ("CSV req/s >= 90% of X-Accel", ratio("resmon_csv", "accel_csv"), 0.9),
    ("CSV MB/s >= 90% of nginx static", ratio("resmon_csv", "static_csv", "mb"), 0.9),
]
for label, got, want in checks:
    print(f"- {label}: {got:.2f} -> {'PASS' if got >= want else 'FAIL'}")
for n in ("resmon_current", "resmon_health"):
    got = rows[n]["p99"] / rows["minimal_json"]["p99"] if rows["minimal_json"]["p99"] else 0
    print(f"- {n} p99 <= 1.25x minimal's: {got:.2f}x -> {'PASS' if got <= 1.25 else 'FAIL'}")
med = statistics.median(cold)
print(f"- cold plot (4 interfaces, {len(cold)} runs) median {med:.0f} ms, min {min(cold):.0f}, max {max(cold):.0f} -> {'PASS' if med <= 80 else 'FAIL'} (<= 80 ms)")
bad = sum(r["non2xx"] + r["errs"] for r in rows.values())
print(f"- non-2xx + socket errors over all runs: {bad} -> {'PASS' if bad == 0 else 'FAIL'}")
PY
} | tee "$OUT/RESULTS.md"
