#!/bin/bash
# days.sh - how long `resmon days` takes over a year of 1-second day files
# SPDX-License-Identifier: MIT
#
# Generates 365 days (2025-11-28 .. 2026-11-27, Europe/Samara, no DST)
# with tests/daygen at full 1-second resolution and 2 interfaces: 86,400
# rows and about 7.6 MB a day, 2.8 GB in all (the default 4 interfaces
# would be 3.6 GB). Then times `resmon days -d DIR >/dev/null`, median of
# RUNS runs each:
#
#   cold       no summary cache (removed before each run), files in the
#              page cache: the CPU cost of summarising every file
#   disk-cold  the same, and the 365 files dropped from the page cache
#              first (posix_fadvise DONTNEED: only these files' pages,
#              nothing else on the machine)
#   cached     every file settled and in the cache: stat + cache read
#   today      cached, but the newest file touched before each run, as
#              the recorder does every second: 364 hits + 1 file read
#   json       cached, --json
#
# Environment: BUILD (a configured build tree, default ../build-days),
# RUNS (default 11), BENCH_OUT (scratch folder, kept; default a new one
# in /tmp, removed). The generated days are deleted at the end.
set -eu

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_SRC/.." && pwd)
BUILD=${BUILD:-$TOP/build-days}
RUNS=${RUNS:-11}
RESMON=$BUILD/src/resmon/resmon
DAYGEN=$BUILD/tests/daygen

die() { echo "days.sh: $*" >&2; exit 1; }
[ -x "$RESMON" ] && [ -x "$DAYGEN" ] ||
    die "build first: make -C $BUILD src/resmon/resmon tests/daygen"
[ "$RUNS" -ge 9 ] || die "RUNS must be at least 9"

if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT
	mkdir -p "$out"
	gone=("$out/telemetry" "$out/cache")
else
	out=$(mktemp -d /tmp/resmon-bench-days.XXXXXX)
	gone=("$out")
fi
data=$out/telemetry
export XDG_CACHE_HOME=$out/cache
trap 'rm -rf "${gone[@]}"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$data"
free_kib=$(df -Pk "$out" | awk 'NR == 2 { print $4 }')
[ "$free_kib" -gt $((4 * 1024 * 1024)) ] || die "$out: needs 4 GiB free"

echo "generating 365 days in $data ..." >&2
start=$(date +%s)
python3 -c '
import datetime
d = datetime.date(2025, 11, 28)
for i in range(365):
    print(d + datetime.timedelta(days=i))
' | xargs -P 2 -I{} "$DAYGEN" --date {} --tz Europe/Samara --ifaces 2 \
    -o "$data/{}.csv"
touch -d '1 hour ago' "$data"/*.csv
echo "generated in $(($(date +%s) - start)) s:" \
    "$(ls "$data" | wc -l) files, $(du -sh "$data" | cut -f1)" >&2

# Correctness first: every day has its 86,400 rows, cache or not.
"$RESMON" days -d "$data" --json >"$out/cold.json"
"$RESMON" days -d "$data" --json >"$out/cached.json"
cmp -s "$out/cold.json" "$out/cached.json" || die "cached listing differs"
python3 -c '
import json, sys
days = json.load(open(sys.argv[1]))
assert len(days) == 365, len(days)
assert all(d["rows"] == 86400 and d["interfaces"] == ["eth0", "eth1"]
           for d in days), [d for d in days if d["rows"] != 86400][:1]
' "$out/cold.json"

# time.py NAME RUNS PREPARE -- CMD...: median wall and CPU (user+sys)
# time of CMD over RUNS, the shell command PREPARE run (untimed) first.
cat >"$out/time.py" <<'EOF'
import resource, statistics, subprocess, sys, time
name, runs, prepare = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cmd = sys.argv[5:]
wall, cpu = [], []
def used():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
for _ in range(runs):
    if prepare:
        subprocess.run(prepare, shell=True, check=True)
    c, t = used(), time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall.append((time.perf_counter() - t) * 1000)
    cpu.append((used() - c) * 1000)
print(f"| {name:9} | {statistics.median(wall):9.1f} | {min(wall):8.1f} | "
      f"{max(wall):8.1f} | {statistics.median(cpu):8.1f} |")
EOF
cat >"$out/evict.py" <<'EOF'
import os, sys
for name in os.listdir(sys.argv[1]):
    fd = os.open(os.path.join(sys.argv[1], name), os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
EOF

nocache="rm -rf '$XDG_CACHE_HOME'"
newest=$data/2026-11-27.csv
days=("$RESMON" days -d "$data")
echo "| listing   | median ms | min ms   | max ms   | CPU ms   |"
echo "|-----------|----------:|---------:|---------:|---------:|"
python3 "$out/time.py" cold "$RUNS" "$nocache" -- "${days[@]}"
python3 "$out/time.py" disk-cold "$RUNS" \
    "$nocache; python3 '$out/evict.py' '$data'" -- "${days[@]}"
"${days[@]}" >/dev/null
python3 "$out/time.py" cached "$RUNS" "" -- "${days[@]}"
python3 "$out/time.py" today "$RUNS" "touch '$newest'" -- "${days[@]}"
touch -d '1 hour ago' "$newest"
"${days[@]}" >/dev/null
python3 "$out/time.py" json "$RUNS" "" -- "${days[@]}" --json
"${days[@]}" -v 2>&1 >/dev/null | sed 's/^/# /'
echo "# cache file: $(stat -c %s "$XDG_CACHE_HOME"/resmon/days-*) bytes"
