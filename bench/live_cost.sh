#!/bin/bash
# live_cost.sh - CPU of one resmon live refresh on an 80x24 terminal, over
# what recording alone costs
# SPDX-License-Identifier: MIT
#
# usage: bench/live_cost.sh            (as root; N=300 takes ~5.5 min)
#   N=300       seconds of each run, one row (and one refresh) each (>= 120)
#   K=4         interfaces in the namespace (lo + K-1 veth ends)
#   RESMON=...  a resmon binary to use instead of building build-bench/
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# Three runs at once in one namespace holding exactly K interfaces, each
# under bench/rusage_run (CPU = the child's ru_utime + ru_stime from
# wait4):
#   live    resmon live -i 1 --for N in an 80x24 tmux window: records and
#           redraws every second
#   record  resmon record -i 1 --for N: records only
#   follow  resmon live -i 1 --for N-10 in another 80x24 window, started
#           5 s after record: record holds the folder, so it only displays
#           record's rows, read each second with daytail
# CPU per refresh = (CPU_live - CPU_record) / rows_live: what drawing adds
# to recording, start-up differences included (spread over N). The follow
# run has no recorder to subtract: its CPU / refreshes (N-10 + 1, one at
# start) is the whole cost of display-only mode.
set -u
. "$(dirname "$0")/lib.sh"

N=${N:-300}
K=${K:-4}
NS=${NS:-resmonbench-live}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 120 ] && [ "$N" -le 86400 ] || die "N must be 120-86400"
[[ "$K" =~ ^[0-9]+$ ]] && [ "$K" -ge 1 ] && [ "$K" -le 1024 ] || die "K must be 1-1024"
command -v tmux >/dev/null || die "needs tmux (apt-get install -y tmux)"

bench_out
build_resmon
build_bench_tools
OUT=$BENCH_OUT/live_cost
rm -rf "$OUT"
mkdir -p "$OUT"
SOCK=$OUT/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; bench_cleanup' EXIT

ns_make "$NS" "$K"
M=$((N - 10))

{
	machine_info
	echo "command: N=$N K=$K bench/live_cost.sh"
	echo "tmux:    $(tmux -V), windows 80x24, LANG=C.UTF-8"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/info.txt"

# window NAME SECONDS ARGS...: resmon live ARGS under rusage_run in a new
# 80x24 window inside the namespace, memory read SECONDS - 5 s in; the
# window stays after it ends.
window() {
	local name=$1 s=$2
	shift 2
	ip netns exec "$NS" tmux -S "$SOCK" new-session -d -s "$name" -x 80 -y 24 \
		"LANG=C.UTF-8 '$RUSAGE_RUN' -s $((s - 5)) -o '$OUT/$name.ru' -- '$RESMON' live $*; sleep 3600" ||
		die "tmux new-session $name failed"
}

say "three runs of $N s at once (~$((N / 60 + 1)) min)"
window live "$N" -d "$OUT/live.data" -i 1 --for "$N"
bg_run ip netns exec "$NS" "$RUSAGE_RUN" -s $((N - 5)) -o "$OUT/record.ru" -- \
	"$RESMON" record -d "$OUT/record.data" -i 1 --for "$N" \
	>"$OUT/record.stdout" 2>"$OUT/record.stderr"
sleep 5
window follow "$M" -d "$OUT/record.data" -i 1 --for "$M"

# The screens, shortly before the runs end.
sleep $((M - 5))
tmux -S "$SOCK" capture-pane -p -t live >"$OUT/live.screen"
tmux -S "$SOCK" capture-pane -p -t follow >"$OUT/follow.screen"

deadline=$((SECONDS + 60))
for f in live record follow; do
	while [ ! -s "$OUT/$f.ru" ] && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 1
	done
	[ -s "$OUT/$f.ru" ] || die "the $f run did not end within N + 60 s"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/info.txt"

# rows DIR: data rows in DIR's day files (a run may cross midnight).
rows() {
	local f n=0
	for f in "$1"/*.csv; do
		[ -e "$f" ] && n=$((n + $(wc -l <"$f") - 1))
	done
	echo "$n"
}

rows_live=$(rows "$OUT/live.data")
rows_record=$(rows "$OUT/record.data")
cpu_live=$(kv "$OUT/live.ru" cpu_us)
cpu_record=$(kv "$OUT/record.ru" cpu_us)
cpu_follow=$(kv "$OUT/follow.ru" cpu_us)
grep -q "another recorder (pid" "$OUT/follow.screen" ||
	say "warning: the follow window did not say it only displays"
[ "$(kv "$OUT/live.ru" status)" = 0 ] && [ "$(kv "$OUT/record.ru" status)" = 0 ] &&
	[ "$(kv "$OUT/follow.ru" status)" = 0 ] || say "warning: a run exited non-zero"

python3 - "$rows_live" "$rows_record" "$cpu_live" "$cpu_record" "$cpu_follow" \
	"$((M + 1))" "$OUT" <<'EOF' | tee "$OUT/table.txt"
import sys
rl, rr, cl, cr, cf, nf = map(int, sys.argv[1:7])
out = sys.argv[7]
def kv(name, key):
    line = open("%s/%s.ru" % (out, name)).read().split("\n")[-2]
    return dict(x.split("=", 1) for x in line.split())[key]
per = (cl - cr) / rl
print("| run | rows or refreshes | CPU µs | µs per row/refresh | VmHWM KiB | status |")
print("|---|---|---|---|---|---|")
print("| live (records + draws 80x24) | %d | %d | %.1f | %s | %s |" % (rl, cl, cl / rl, kv("live", "vmhwm_kib"), kv("live", "status")))
print("| record | %d | %d | %.1f | %s | %s |" % (rr, cr, cr / rr, kv("record", "vmhwm_kib"), kv("record", "status")))
print("| follow (display-only, daytail) | %d | %d | %.1f | %s | %s |" % (nf, cf, cf / nf, kv("follow", "vmhwm_kib"), kv("follow", "status")))
print()
print("live CPU per refresh = (%d - %d) / %d = %.1f µs" % (cl, cr, rl, per))
print("target <= 500 us per refresh:  %.1f us  %s" % (per, "PASS" if per <= 500 else "FAIL"))
print("display-only CPU per refresh (read + draw, no recording): %.1f us" % (cf / nf))
EOF
say "screens: $OUT/live.screen $OUT/follow.screen; raw: $OUT/*.ru"
