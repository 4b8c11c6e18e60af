#!/bin/bash
# iface_scaling.sh - resmon's CPU per sample with 1, 16 and 128 interfaces
# SPDX-License-Identifier: MIT
#
# usage: bench/iface_scaling.sh          (as root; ~2.5 min with N=120)
#   N=120       samples in the long run of each case (>= 10)
#   REPS=3      1-sample runs per case (their mean is subtracted)
#   KS="1 16 128"  interface counts (lo + K-1 veth ends in a namespace)
#   RESMON=...  a resmon binary to use instead of building build-bench/
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# Each case runs `resmon record -i 1 --for N` in its own namespace, all
# cases at once; CPU per sample = (CPU_N - mean CPU_1) / (rows_N - mean
# rows_1), as in record_cost.sh. The cases record every interface
# (--config with max_ifaces = 4096); one more case runs the largest K with
# the default max_ifaces (64), which reads all and records 64. The cost
# per extra interface is the least-squares slope over the KS cases. For
# reference, bench/naive_loop (open/read/close of the three files each
# second, no parsing, no writing) runs in the same namespaces: the floor
# that the kernel's side of reading /proc/net/dev sets.
set -u
. "$(dirname "$0")/lib.sh"

N=${N:-120}
REPS=${REPS:-3}
KS=${KS:-1 16 128}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 10 ] && [ "$N" -le 3600 ] || die "N must be 10-3600"
[[ "$REPS" =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] && [ "$REPS" -le 20 ] || die "REPS must be 1-20"
for k in $KS; do
	[[ "$k" =~ ^[0-9]+$ ]] && [ "$k" -ge 1 ] && [ "$k" -le 1024 ] || die "KS: 1-1024 each"
done

bench_out
build_resmon
build_bench_tools
OUT=$BENCH_OUT/iface_scaling
rm -rf "$OUT"
mkdir -p "$OUT"
printf 'max_ifaces = 4096\n' >"$OUT/all.conf"
KMAX=$(printf '%s\n' $KS | sort -n | tail -n 1)

# Cases: "K conf-or-dash"
CASES=()
for k in $KS; do CASES+=("$k:all"); done
[ "$KMAX" -gt 64 ] && CASES+=("$KMAX:default")
for k in $KS; do CASES+=("$k:naive"); done

for k in $KS; do
	ns_make "resmonbench-s$k" "$k"
done
{
	machine_info
	echo "command: N=$N REPS=$REPS KS=\"$KS\" bench/iface_scaling.sh"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/info.txt"

run_case() { # K MODE N TAG [bg]
	local k=$1 mode=$2 n=$3 dir=$OUT/$4 cmd=() sopt=()
	mkdir -p "$dir"
	[ "$n" -gt 10 ] && sopt=(-s $((n - 5)))
	case $mode in
	all) cmd=("$RESMON" record -d "$dir/data" -i 1 --for "$n" --config "$OUT/all.conf") ;;
	default) cmd=("$RESMON" record -d "$dir/data" -i 1 --for "$n") ;;
	naive) cmd=("$BENCH_OUT/bin/naive_loop" "$n") ;;
	esac
	if [ "${5:-}" = bg ]; then
		bg_run ip netns exec "resmonbench-s$k" "$RUSAGE_RUN" -o "$dir/ru" \
			"${sopt[@]}" -- "${cmd[@]}" >"$dir/stdout" 2>"$dir/stderr"
	else
		ip netns exec "resmonbench-s$k" "$RUSAGE_RUN" -o "$dir/ru" \
			"${sopt[@]}" -- "${cmd[@]}" >"$dir/stdout" 2>"$dir/stderr"
	fi
}

say "long runs: $N samples, ${#CASES[@]} cases at once"
pids=()
for c in "${CASES[@]}"; do
	run_case "${c%%:*}" "${c#*:}" "$N" "${c%%:*}-${c#*:}.N" bg
	pids+=("$!")
done
for ((r = 1; r <= REPS; r++)); do
	for c in "${CASES[@]}"; do
		run_case "${c%%:*}" "${c#*:}" 1 "${c%%:*}-${c#*:}.1.$r"
	done
done
deadline=$((SECONDS + N + 60))
for p in "${pids[@]}"; do
	while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 2; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/info.txt"

python3 - "$OUT" "$REPS" "$N" "${CASES[@]}" <<'EOF' | tee "$OUT/table.txt"
import glob, os, sys
from statistics import mean
out, reps, nlong, cases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]

def run(tag):
    d = os.path.join(out, tag)
    kv = dict(x.split("=", 1) for x in open(os.path.join(d, "ru")).read().split())
    rows = size = 0
    cols = 0
    for f in glob.glob(os.path.join(d, "data", "*.csv")):
        data = open(f, "rb").read()
        rows += max(0, data.count(b"\n") - 1)
        size += len(data)
        if data:
            cols = data.split(b"\n", 1)[0].count(b",") + 1
    if "naive" in tag:  # ticks, not rows
        rows = nlong if tag.endswith(".N") else 1
    return dict(cpu=int(kv["cpu_us"]), rows=rows, size=size, cols=cols,
                rssanon=int(kv["rssanon_kib"]), hwm=int(kv["vmhwm_kib"]),
                status=int(kv["status"]))

res, naive = [], []
print("| program | interfaces | recorded | samples | CPU_N us | CPU_1 us | us/sample | bytes/sample | RssAnon KiB | VmHWM KiB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for c in cases:
    k, mode = c.split(":")
    n = run("%s-%s.N" % (k, mode))
    ones = [run("%s-%s.1.%d" % (k, mode, r)) for r in range(1, reps + 1)]
    c1 = mean(o["cpu"] for o in ones)
    r1 = mean(o["rows"] for o in ones)
    b1 = mean(o["size"] for o in ones)
    us = (n["cpu"] - c1) / (n["rows"] - r1)
    bps = (n["size"] - b1) / (n["rows"] - r1)
    recorded = (n["cols"] - 5) // 2
    if mode == "naive":
        print("| naive_loop | %s | - | %d | %d | %.0f | %.1f | - | %d | %d |" % (
            k, n["rows"], n["cpu"], c1, us, n["rssanon"], n["hwm"]))
    else:
        print("| resmon | %s | %d%s | %d | %d | %.0f | %.1f | %.1f | %d | %d |" % (
            k, recorded, "" if mode == "all" else " (default max_ifaces)",
            n["rows"], n["cpu"], c1, us, bps, n["rssanon"], n["hwm"]))
    if n["status"] != 0:
        print("  (long run exit status %d)" % n["status"])
    if mode == "all":
        res.append((int(k), us))
    if mode == "naive":
        naive.append((int(k), us))
print()

def slope(pts):
    xs = [k for k, _ in pts]
    ys = [u for _, u in pts]
    mx, my = mean(xs), mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)

if len(res) >= 2:
    lo, hi = min(res), max(res)
    end = (hi[1] - lo[1]) / (hi[0] - lo[0])
    print("resmon us per extra interface: least-squares slope %.2f, (K=%d - K=%d)/%d = %.2f" % (
        slope(res), hi[0], lo[0], hi[0] - lo[0], end))
    if len(naive) >= 2:
        print("naive_loop (reading only) us per extra interface: slope %.2f" % slope(naive))
    print("target <= 2 us per extra interface: %s" % ("PASS" if slope(res) <= 2 else "FAIL"))
EOF
