#!/bin/bash
# plot.sh - `resmon plot` against gnuplot (png, pngcairo) and pandas +
# matplotlib drawing the same four panels from the same day files
# SPDX-License-Identifier: MIT
#
# usage: bench/plot.sh                  (as root, like the other benches)
#   RUNS=9       timed runs per program and dataset (>= 9; median taken)
#   SLOW_S=6     a program whose untimed first run took longer than this
#                many seconds gets SLOW_RUNS timed runs instead (stated
#                in the table's "n" column)
#   SLOW_RUNS=3
#   RESMON=...   a resmon binary instead of building build-bench/; then
#   RESMON_PLOT= names resmon-plot too (default: beside it in build-bench)
#   BENCH_OUT=   where results go (default: a new /tmp/resmon-bench.*)
#
# Data (tests/daygen, zone UTC, so every tool reads the same wall clock):
#   day4   2026-11-27, 86,400 rows, 4 interfaces (~10 MB)
#   day32  2026-11-27, 86,400 rows, 32 interfaces (~22 MB)
#   week   2026-11-21 .. 2026-11-27, 4 interfaces (7 files, ~70 MB)
# Each program draws CPU %, free + available memory, inbound and outbound
# bitrate per interface at 1600x1000 (bench/plot_gnuplot.gp,
# bench/plot_matplotlib.py). Wall time and ru_maxrss (= VmHWM of the
# process at exit; for `resmon plot` that of resmon-plot, which it execs
# or waits for) come from bench/rusage_run.c. One untimed run first (page
# cache, and it keeps that run's PNG in $BENCH_OUT/plot/png for looking
# at). Then resmon-plot alone on day4 and resmon-plot --version (its
# start-up). The day reader's throughput is bench/dayread.c:
# dayreader_read() with a consumer that only counts rows, on the
# 4-interface day, in one pass (the plot reads a big day in two halves
# on two threads).
#
# Until resmon-plot builds, the peers are measured alone and the resmon
# rows say "not built".
set -u
. "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-9}
SLOW_S=${SLOW_S:-6}
SLOW_RUNS=${SLOW_RUNS:-3}
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 9 ] && [ "$RUNS" -le 99 ] || die "RUNS must be 9-99"
[[ "$SLOW_RUNS" =~ ^[0-9]+$ ]] && [ "$SLOW_RUNS" -ge 1 ] && [ "$SLOW_RUNS" -le "$RUNS" ] ||
	die "SLOW_RUNS must be 1-RUNS"
[[ "$SLOW_S" =~ ^[0-9]+$ ]] || die "SLOW_S must be whole seconds"
PY=/usr/bin/python3
command -v gnuplot >/dev/null || die "needs gnuplot (apt-get install -y gnuplot-nox: png and pngcairo)"
"$PY" -c 'import pandas, matplotlib' 2>/dev/null ||
	die "needs $PY with pandas and matplotlib (apt-get install -y python3-pandas python3-matplotlib)"
for t in png pngcairo; do
	gnuplot -e 'set terminal' 2>&1 | grep -qE "^ +$t " || die "gnuplot lacks the $t terminal"
done

bench_out
OUT=$BENCH_OUT/plot
rm -rf "$OUT"
mkdir -p "$OUT/png" "$OUT/ru" "$OUT/data"

# --- builds ----------------------------------------------------------------
(
	cd "$TOP" || exit 1
	if [ ! -f build-bench/Makefile ]; then
		autoreconf -i >/dev/null 2>&1 &&
			mkdir -p build-bench && cd build-bench &&
			../configure -q CFLAGS=-O2 || exit 1
		cd "$TOP" || exit 1
	fi
	cd build-bench && make -s -j2 src/resmon/resmon tests/daygen src/lib/libresmon.a >/dev/null
) || die "building resmon/daygen failed (a teammate's file mid-edit? retry)"
DAYGEN=$TOP/build-bench/tests/daygen
if [ -z "${RESMON:-}" ]; then
	RESMON=$TOP/build-bench/src/resmon/resmon
	RESMON_PLOT=${RESMON_PLOT:-$TOP/build-bench/src/resmon-plot/resmon-plot}
	(cd "$TOP/build-bench" && make -s -j2 src/resmon-plot/resmon-plot >"$OUT/plot-build.log" 2>&1) ||
		say "resmon-plot did not build (see $OUT/plot-build.log): measuring the peers alone"
else
	RESMON_PLOT=${RESMON_PLOT:-$(dirname "$RESMON")/../resmon-plot/resmon-plot}
fi
[ -x "$RESMON" ] || die "RESMON=$RESMON is not executable"
HAVE_PLOT=0
[ -x "$RESMON_PLOT" ] && HAVE_PLOT=1
export RESMON_PLOT
gcc -O2 -Wall -Wextra -o "$BENCH_OUT/bin/rusage_run" "$BENCH_SRC/rusage_run.c" ||
	die "building rusage_run failed"
RUSAGE_RUN=$BENCH_OUT/bin/rusage_run
gcc -O2 -Wall -Wextra -I"$TOP/src/lib" -I"$TOP/build-bench" -o "$BENCH_OUT/bin/dayread" \
	"$BENCH_SRC/dayread.c" "$TOP/build-bench/src/lib/libresmon.a" -lcsv ||
	die "building dayread failed"

# --- data --------------------------------------------------------------------
export TZ=UTC
DAY=2026-11-27
WEEK=(2026-11-21 2026-11-22 2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27)
mkdir -p "$OUT/data/day4" "$OUT/data/day32" "$OUT/data/week"
"$DAYGEN" --date "$DAY" --tz UTC --ifaces 4 -o "$OUT/data/day4/$DAY.csv" &&
	"$DAYGEN" --date "$DAY" --tz UTC --ifaces 32 -o "$OUT/data/day32/$DAY.csv" ||
	die "daygen failed"
for d in "${WEEK[@]}"; do
	"$DAYGEN" --date "$d" --tz UTC --ifaces 4 -o "$OUT/data/week/$d.csv" || die "daygen $d failed"
done

# Written back before timing: a run right after daygen measured resmon
# ~50 % slower than the same runs a minute later.
sync
sleep 5

# files DATASET: the dataset's files in time order; nif DATASET; title.
files() { ls "$OUT/data/$1"/*.csv; }
nif() { case $1 in day32) echo 32 ;; *) echo 4 ;; esac; }
bytes() { cat $(files "$1") | wc -c; }

# cmd TOOL DATASET PNG: sets CMD, the command line that draws it.
cmd() {
	local tool=$1 ds=$2 png=$3 dir=$OUT/data/$2 fl title
	fl=$(files "$ds" | tr '\n' ' ')
	fl=${fl% }
	case $ds in week) title="bench ${WEEK[0]} .. ${WEEK[6]}" ;; *) title="bench $DAY" ;; esac
	case $tool in
	resmon)
		if [ "$ds" = week ]; then
			CMD=("$RESMON" plot --from "${WEEK[0]}" --to "${WEEK[6]}" -d "$dir" -o "$png")
		else
			CMD=("$RESMON" plot "$DAY" -d "$dir" -o "$png")
		fi
		;;
	gnuplot-png | gnuplot-pngcairo)
		CMD=(gnuplot -e "term='${tool#gnuplot-}'; files='$fl'; nif=$(nif "$ds"); out='$png'; title='$title'"
			"$BENCH_SRC/plot_gnuplot.gp")
		;;
	matplotlib)
		# shellcheck disable=SC2046
		CMD=("$PY" "$BENCH_SRC/plot_matplotlib.py" -o "$png" --title "$title" $(files "$ds"))
		;;
	esac
}

TOOLS="resmon gnuplot-png gnuplot-pngcairo matplotlib"
{
	machine_info
	echo "resmon-plot: $([ "$HAVE_PLOT" = 1 ] && echo "$RESMON_PLOT" || echo "not built")"
	echo "gnuplot: $(gnuplot --version); python3: $("$PY" -c 'import sys, pandas, matplotlib; print(sys.version.split()[0], "pandas", pandas.__version__, "matplotlib", matplotlib.__version__)')"
	echo "command: RUNS=$RUNS SLOW_S=$SLOW_S SLOW_RUNS=$SLOW_RUNS bench/plot.sh"
	echo "data: day4 $(bytes day4) B, day32 $(bytes day32) B, week $(bytes week) B (7 files)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/info.txt"

# --- the runs ------------------------------------------------------------------
: >"$OUT/raw.txt"
for ds in day4 day32 week; do
	for tool in $TOOLS; do
		if [ "$tool" = resmon ] && [ "$HAVE_PLOT" = 0 ]; then
			echo "$ds $tool 0 notbuilt" >>"$OUT/raw.txt"
			continue
		fi
		png=$OUT/png/$tool-$ds.png
		ru=$OUT/ru/$tool-$ds
		cmd "$tool" "$ds" "$png"
		"$RUSAGE_RUN" -o "$ru.first" -- "${CMD[@]}" >"$ru.out" 2>&1
		st=$(kv "$ru.first" status)
		if [ "$st" != 0 ] || [ ! -s "$png" ]; then
			say "$tool $ds failed (status $st): $(tail -n 3 "$ru.out")"
			echo "$ds $tool 0 failed" >>"$OUT/raw.txt"
			continue
		fi
		n=$RUNS
		[ "$(kv "$ru.first" wall_ms)" -gt $((SLOW_S * 1000)) ] && n=$SLOW_RUNS
		say "$ds $tool: first run $(kv "$ru.first" wall_ms) ms; $n timed runs"
		for ((r = 1; r <= n; r++)); do
			"$RUSAGE_RUN" -o "$ru" -- "${CMD[@]/"$png"/$OUT/png/scratch.png}" >>"$ru.out" 2>&1
		done
		while read -r line; do
			echo "$ds $tool $n $line" >>"$OUT/raw.txt"
		done <"$ru"
	done
done

# Where resmon plot's time goes: resmon-plot run directly on day4 (no
# exec by resmon), and resmon-plot --version, which maps libgd's
# libraries and exits: the start-up every plot pays.
if [ "$HAVE_PLOT" = 1 ]; then
	for tool in resmon-plot startup; do
		if [ "$tool" = startup ]; then
			ds=startup
			CMD=("$RESMON_PLOT" --version)
		else
			ds=day4
			CMD=("$RESMON_PLOT" "$DAY" -d "$OUT/data/day4" -o "$OUT/png/scratch.png")
		fi
		ru=$OUT/ru/$tool
		"$RUSAGE_RUN" -o "$ru.first" -- "${CMD[@]}" >"$ru.out" 2>&1
		for ((r = 1; r <= RUNS; r++)); do
			"$RUSAGE_RUN" -o "$ru" -- "${CMD[@]}" >>"$ru.out" 2>&1
		done
		while read -r line; do
			echo "$ds $tool $RUNS $line" >>"$OUT/raw.txt"
		done <"$ru"
	done
fi
rm -f "$OUT/png/scratch.png"

say "day reader: dayreader_read() over the 4-interface day"
"$BENCH_OUT/bin/dayread" -n "$RUNS" "$OUT/data/day4/$DAY.csv" >"$OUT/dayread.txt" ||
	die "dayread failed"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/info.txt"

"$PY" - "$OUT/raw.txt" "$OUT/dayread.txt" <<'PYEOF' | tee "$OUT/table.txt"
import sys
from statistics import median
runs = {}
order = []
for line in open(sys.argv[1]):
    f = line.split()
    ds, tool, n = f[0], f[1], int(f[2])
    key = (ds, tool)
    if key not in runs:
        runs[key] = {"n": n, "wall": [], "rss": [], "note": None}
        order.append(key)
    if len(f) == 4:
        runs[key]["note"] = f[3]
        continue
    kv = dict(x.split("=", 1) for x in f[3:])
    if kv["status"] != "0":
        runs[key]["note"] = "status " + kv["status"]
    runs[key]["wall"].append(float(kv["wall_ms"]))
    runs[key]["rss"].append(int(kv["maxrss_kib"]))

def med(key):
    r = runs.get(key)
    if not r or r["note"] or not r["wall"]:
        return None
    return median(r["wall"]), max(r["rss"])

print("\n| dataset | program | n | median ms | min-max ms | maxrss MiB | time x resmon | maxrss x resmon |")
print("|---|---|---|---|---|---|---|---|")
for ds, tool in order:
    r = runs[(ds, tool)]
    m, base = med((ds, tool)), med((ds, "resmon"))
    if m is None:
        print("| %s | %s | - | %s | | | | |" % (ds, tool, r["note"] or "no runs"))
        continue
    rt = "%.1f" % (m[0] / base[0]) if base and tool != "resmon" and base[0] > 0 else "-"
    rr = "%.1f" % (m[1] / base[1]) if base and tool != "resmon" else "-"
    print("| %s | %s | %d | %.0f | %.0f-%.0f | %.1f | %s | %s |" % (
        ds, tool, len(r["wall"]), m[0], min(r["wall"]), max(r["wall"]),
        m[1] / 1024, rt, rr))

dr = dict(x.split("=", 1) for x in open(sys.argv[2]).read().split("\n")[-2].split())
print("\nday reader (dayreader_read, no-op consumer) on day4: %s bytes, %s rows, "
      "median %s ms of %s passes, %s MB/s" % (
          dr["bytes"], dr["rows"], dr["median_ms"], dr["passes"], dr["median_mb_s"]))

def verdict(ok):
    return "n/a (resmon plot not measured)" if ok is None else ("PASS" if ok else "FAIL")
d4, gp, mp = med(("day4", "resmon")), med(("day4", "gnuplot-png")), med(("day4", "matplotlib"))
d32, wk = med(("day32", "resmon")), med(("week", "resmon"))
print()
print("target day4 < 80 ms:              %s" % verdict(None if d4 is None else d4[0] < 80))
print("target day4 VmHWM < 24 MiB:       %s" % verdict(None if d4 is None else d4[1] < 24 * 1024))
print("target >= 20x faster than gnuplot png: %s" % verdict(
    None if d4 is None or gp is None else gp[0] / d4[0] >= 20))
print("target >= 100x faster than matplotlib: %s" % verdict(
    None if d4 is None or mp is None else mp[0] / d4[0] >= 100))
print("target day32 < 400 ms:            %s" % verdict(None if d32 is None else d32[0] < 400))
print("target week < 400 ms:             %s" % verdict(None if wk is None else wk[0] < 400))
print("target reader >= 200 MB/s:        %s" % ("PASS" if float(dr["median_mb_s"]) >= 200 else "FAIL"))
PYEOF
say "pictures: $OUT/png; raw figures: $OUT/raw.txt"
