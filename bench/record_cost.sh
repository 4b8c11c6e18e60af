#!/bin/bash
# record_cost.sh - CPU, memory and bytes per sample: resmon vs sadc vs
# collectd vs a trivial and a naive C loop, side by side in one run
# SPDX-License-Identifier: MIT
#
# usage: bench/record_cost.sh            (as root; N=600 takes ~10.5 min)
#   N=600       samples in the long run of each program (>= 2)
#   REPS=3      1-sample runs per program (their mean is subtracted)
#   RESMON=...  a resmon binary to use instead of building build-bench/
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# Everything runs inside a network namespace holding exactly 4 interfaces
# (lo + 3 veth ends), so each program sees the same /proc/net/dev.
# CPU per sample = (CPU of the N-sample run - CPU of a 1-sample run) /
# (samples of the one - samples of the other), CPU being the child's
# ru_utime + ru_stime from wait4 (bench/rusage_run.c). RssAnon and VmHWM
# are read from /proc/PID/status 5 s before the long run ends. Bytes per
# sample = growth of the output / samples, with the same subtraction.
set -u
. "$(dirname "$0")/lib.sh"

N=${N:-600}
REPS=${REPS:-3}
NS=${NS:-resmonbench}
K=4
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 10 ] && [ "$N" -le 86400 ] || die "N must be 10-86400"
[[ "$REPS" =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] && [ "$REPS" -le 20 ] || die "REPS must be 1-20"

bench_out
build_resmon
build_bench_tools
SADC=/usr/lib/sysstat/sadc
COLLECTD=/usr/sbin/collectd
[ -x "$SADC" ] && [ -x "$COLLECTD" ] || die "needs sysstat and collectd-core (apt-get install -y sysstat collectd-core)"
command -v sadf >/dev/null || die "needs sadf (sysstat)"
OUT=$BENCH_OUT/record_cost
rm -rf "$OUT"
mkdir -p "$OUT"

ns_make "$NS" "$K"

# collectd with only the cpu, memory, interface and csv plugins, Interval 1.
collectd_conf() {
	local dir=$1
	mkdir -p "$dir/csv"
	cat >"$dir/collectd.conf" <<EOF
Hostname "bench"
FQDNLookup false
Interval 1
BaseDir "$dir"
PIDFile "$dir/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin interface
LoadPlugin csv
<Plugin csv>
  DataDir "$dir/csv"
  StoreRates false
</Plugin>
EOF
}

# run_tool TOOL SAMPLES TAG [bg]: one measured run inside the namespace.
run_tool() {
	local tool=$1 n=$2 mode=${4:-fg} dir=$OUT/$3 sopt=() cmd
	mkdir -p "$dir"
	[ "$n" -gt 10 ] && sopt=(-s $((n - 5)))
	case $tool in
	resmon) cmd=("${sopt[@]}" -- "$RESMON" record -d "$dir/data" -i 1 --for "$n") ;;
	resmond)
		# The daemon runs until told: SIGTERM after n.5 s ends it.
		cmd=("${sopt[@]}" -k "$n.5" -- "$RESMOND" -d "$dir/data" -i 1 \
			--socket "$dir/sock" --config /dev/null)
		;;
	sadc) cmd=("${sopt[@]}" -- "$SADC" 1 "$n" "$dir/sa.bin") ;;
	collectd)
		collectd_conf "$dir"
		cmd=("${sopt[@]}" -k "$n.5" -- "$COLLECTD" -f -C "$dir/collectd.conf")
		;;
	trivial) cmd=("${sopt[@]}" -- "$BENCH_OUT/bin/trivial_loop" "$n") ;;
	naive) cmd=("${sopt[@]}" -- "$BENCH_OUT/bin/naive_loop" "$n") ;;
	esac
	if [ "$mode" = bg ]; then
		bg_run ip netns exec "$NS" "$RUSAGE_RUN" -o "$dir/ru" "${cmd[@]}" \
			>"$dir/stdout" 2>"$dir/stderr"
	else
		ip netns exec "$NS" "$RUSAGE_RUN" -o "$dir/ru" "${cmd[@]}" \
			>"$dir/stdout" 2>"$dir/stderr"
	fi
}

# TOOLS may name a subset; resmon and trivial are always measured.
TOOLS=${TOOLS:-resmon resmond sadc collectd trivial naive}
case " $TOOLS " in *" resmon "*) ;; *) TOOLS="resmon $TOOLS" ;; esac
case " $TOOLS " in *" trivial "*) ;; *) TOOLS="$TOOLS trivial" ;; esac
{
	machine_info
	echo "command: N=$N REPS=$REPS bench/record_cost.sh"
	echo "interfaces in namespace $NS: $(ip netns exec "$NS" tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/info.txt"

say "long runs: $N samples each, concurrently (~$((N / 60 + 1)) min)"
long_pids=()
for t in $TOOLS; do
	run_tool "$t" "$N" "$t.N" bg
	long_pids+=("$!")
done
say "1-sample runs: $REPS each, while the long runs go on"
for ((r = 1; r <= REPS; r++)); do
	for t in $TOOLS; do
		run_tool "$t" 1 "$t.1.$r"
	done
done
# Bounded wait for the long runs.
deadline=$((SECONDS + N + 60))
for p in "${long_pids[@]}"; do
	while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 2
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/info.txt"

# Samples and bytes of one run folder: "samples bytes".
measure() {
	local tool=$1 dir=$OUT/$2 n=$3
	case $tool in
	resmon | resmond)
		python3 - "$dir/data" <<'EOF'
import glob, os, sys
rows = size = 0
for f in glob.glob(os.path.join(sys.argv[1], "*.csv")):
    with open(f, "rb") as fh:
        rows += max(0, fh.read().count(b"\n") - 1)
    size += os.path.getsize(f)
print(rows, size)
EOF
		;;
	sadc)
		local recs
		# sadf prints intervals: one record fewer than sadc wrote
		recs=$(sadf -d -U "$dir/sa.bin" -- -u 2>/dev/null | grep -v '^#' | grep -vc RESTART)
		echo "$((recs + 1)) $(stat -c %s "$dir/sa.bin")"
		;;
	collectd)
		python3 - "$dir/csv" <<'EOF'
import glob, os, sys
rows = size = 0
for f in glob.glob(os.path.join(sys.argv[1], "*", "memory", "memory-free-*")):
    with open(f, "rb") as fh:
        rows += max(0, fh.read().count(b"\n") - 1)
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        size += os.path.getsize(os.path.join(root, f))
print(rows, size)
EOF
		;;
	*) echo "$n 0" ;;
	esac
}

{
	for t in $TOOLS; do
		echo "$t N $(measure "$t" "$t.N" "$N") $(tail -n 1 "$OUT/$t.N/ru")"
		for ((r = 1; r <= REPS; r++)); do
			echo "$t 1 $(measure "$t" "$t.1.$r" 1) $(tail -n 1 "$OUT/$t.1.$r/ru")"
		done
	done
} >"$OUT/raw.txt"

python3 - "$OUT/raw.txt" "$K" <<'EOF' | tee "$OUT/table.txt"
import sys
from statistics import mean
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    tool, kind, samples, size = f[0], f[1], int(f[2]), int(f[3])
    kv = dict(x.split("=", 1) for x in f[4:])
    runs.setdefault(tool, {"N": None, "1": []})
    rec = dict(samples=samples, size=size, **{k: int(float(v)) for k, v in kv.items()})
    if kind == "N":
        runs[tool]["N"] = rec
    else:
        runs[tool]["1"].append(rec)

res = {}
for tool, r in runs.items():
    n, ones = r["N"], r["1"]
    s1 = mean(o["samples"] for o in ones)
    c1 = mean(o["cpu_us"] for o in ones)
    b1 = mean(o["size"] for o in ones)
    ds = n["samples"] - s1
    res[tool] = dict(
        samples=n["samples"], cpuN=n["cpu_us"], cpu1=c1, s1=s1,
        us=(n["cpu_us"] - c1) / ds if ds > 0 else float("nan"),
        bytes=(n["size"] - b1) / ds if ds > 0 and n["size"] else None,
        rssanon=n["rssanon_kib"], hwm=n["vmhwm_kib"], maxrss=n["maxrss_kib"],
        rssfile=n["rssfile_kib"],
        status=n["status"], cpu1_all=[o["cpu_us"] for o in ones])

order = [t for t in ["resmon", "resmond", "sadc", "collectd", "naive", "trivial"] if t in res]
base = res["resmon"]
triv = res["trivial"]["hwm"]
print("\n%d interfaces; CPU per sample = (CPU_N - mean CPU_1) / (samples_N - mean samples_1)" % int(sys.argv[2]))
hdr = ("program", "samples", "CPU_N us", "CPU_1 us", "us/sample", "x resmon",
       "RssAnon KiB", "RssFile KiB", "VmHWM KiB", "HWM-trivial", "bytes/sample",
       "x resmon")
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join("---" for _ in hdr) + "|")
for t in order:
    r = res[t]
    ratio = r["us"] / base["us"] if base["us"] > 0 else float("nan")
    b = "%.1f" % r["bytes"] if r["bytes"] is not None else "-"
    bratio = ("%.2f" % (r["bytes"] / base["bytes"])) if r["bytes"] is not None and t != "resmon" else "-"
    print("| %s | %d | %d | %.0f | %.1f | %s | %d | %d | %d | %+d | %s | %s |" % (
        t, r["samples"], r["cpuN"], r["cpu1"], r["us"],
        "%.2f" % ratio if t != "resmon" else "1", r["rssanon"], r["rssfile"], r["hwm"],
        r["hwm"] - triv, b, bratio))
print()
for t in order:
    print("%s: exit status of long run %d; 1-sample runs CPU us %s, mean samples %.2f" % (
        t, res[t]["status"], res[t]["cpu1_all"], res[t]["s1"]))
print()
def verdict(ok):
    return "PASS" if ok else "FAIL"
for t in [t for t in ("resmon", "resmond") if t in res]:
  r = res[t]
  print("%s:" % t)
  print("target CPU <= 200 us/sample (0.2 ms):   %.1f us  %s" % (r["us"], verdict(r["us"] <= 200)))
  print("target RssAnon <= 256 KiB:              %d KiB  %s" % (r["rssanon"], verdict(0 <= r["rssanon"] <= 256)))
  print("target VmHWM <= trivial + 256 KiB:      %d KiB = trivial %d %+d  %s" % (
    r["hwm"], triv, r["hwm"] - triv, verdict(r["hwm"] - triv <= 256)))
  print("target <= 160 bytes/sample:             %.1f B  %s" % (r["bytes"], verdict(r["bytes"] <= 160)))
EOF
say "raw figures: $OUT/raw.txt"
