#!/bin/bash
# widen.sh - how long resmon's widening rewrite of a full day file takes,
# and whether any row is missing or late around it
# SPDX-License-Identifier: MIT
#
# usage: bench/widen.sh                  (as root; ~20 s per repetition)
#   REPS=3      repetitions
#   RESMON=...  a resmon binary to use instead of building build-bench/
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# A full day needs today's file to hold ~86,400 rows that are all in the
# past, which only happens just before midnight. So the recorder runs
# with TZ set to a fixed offset (whole minutes) that makes it ~23:58:00
# local time now; bench/gen_day.py writes today's file (4 interfaces: lo
# vb0 vb1 vb2, ~10 MB, one row per second from 00:00:00 up to a second
# ago), then `resmon record -d DIR --for 10` starts in a namespace holding
# those 4 interfaces, and 3 s in, a 5th (veth vb3) appears. The recorder
# widens the file in a thread. Timing comes from
# `strace -f -tt -T --seccomp-bpf -e trace=openat,clone3,fsync,renameat,...`
# (only those calls stop; reads and writes run untraced):
#   rewrite   = openat of the .widen file -> end of its fsync (the thread)
#   in place  = openat of the .widen file -> renameat over the day file
#               (done by the sampling loop at its next tick)
# A poller reads the file's tail every 20 ms and notes when each row
# appears, so a late row shows; at the end every second from the
# recorder's first row to its last must be in the file.
set -u
. "$(dirname "$0")/lib.sh"

REPS=${REPS:-3}
[[ "$REPS" =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] && [ "$REPS" -le 10 ] || die "REPS must be 1-10"
command -v strace >/dev/null || die "needs strace"
bench_out
build_resmon
OUT=$BENCH_OUT/widen
rm -rf "$OUT"
mkdir -p "$OUT"
NS=resmonbench-widen
{
	machine_info
	echo "command: REPS=$REPS bench/widen.sh"
	echo "disk: $(df -h "$OUT" | tail -n 1 | awk '{print $1, $2}'), $(findmnt -no FSTYPE -T "$OUT")"
} | tee "$OUT/info.txt"

# The poller: when each row first shows in the file (bounded: 18 s).
# (python3 -c: a background job's stdin is /dev/null, so no here-doc.)
POLLER='import os, sys, time, datetime as dt
path, out = sys.argv[1], sys.argv[2]
seen = {}
end = time.time() + 18
while time.time() < end:
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(max(0, size - 4096))
            tail = f.read()
    except OSError:
        time.sleep(0.02)
        continue
    now = time.time()
    for line in tail.split(b"\n")[1:-1]:
        cell = line.split(b",", 1)[0]
        if cell in seen or not cell[:4].isdigit():
            continue
        seen[cell] = now
    time.sleep(0.02)
with open(out, "w") as f:
    for cell, t in seen.items():
        f.write("%s %.3f\n" % (cell.decode(), t))
'

for ((rep = 1; rep <= REPS; rep++)); do
	dir=$OUT/rep$rep
	mkdir -p "$dir/data"
	ns_make "$NS" 4
	# An offset that makes it 23:58:00 local time ~2 s from now.
	read -r OFFMIN TZSTR < <(python3 -c '
import time
now = time.time() + 2
want = 23 * 3600 + 58 * 60
off = round((want - now % 86400) / 60)
off = (off + 720) % 1440 - 720
s = "-" if off >= 0 else "+"
print(off, "<%s%02d%02d>%s%02d:%02d" % ("+" if off >= 0 else "-", abs(off) // 60, abs(off) % 60, s, abs(off) // 60, abs(off) % 60))
')
	until=$(($(date +%s) - 1))
	read -r DAY ROWS BYTES < <(python3 "$BENCH_SRC/gen_day.py" --offset-min "$OFFMIN" \
		--until "$until" --ifaces lo,vb0,vb1,vb2 -o "$dir/gen.csv")
	mv "$dir/gen.csv" "$dir/data/$DAY.csv"
	sync -f "$dir/data/$DAY.csv"
	say "rep $rep: TZ=$TZSTR, $DAY.csv with $ROWS rows, $BYTES bytes; local now $(TZ=$TZSTR date +%T)"
	bg_run python3 -c "$POLLER" "$dir/data/$DAY.csv" "$dir/seen.txt"
	(sleep 3 && ip -n "$NS" link add vb3 type veth peer name vb3p netns "$NS-peer" &&
		ip -n "$NS" link set vb3 up && ip -n "$NS-peer" link set vb3p up &&
		date +%s.%N >"$dir/vb3_added") &
	BENCH_PIDS+=("$!")
	start=$(date +%s.%N)
	ip netns exec "$NS" env TZ="$TZSTR" strace -f -tt -T --seccomp-bpf \
		-e trace=openat,clone,clone3,fsync,fdatasync,renameat,renameat2 \
		-o "$dir/strace.txt" "$RESMON" record -d "$dir/data" -i 1 --for 10 \
		>"$dir/stdout" 2>"$dir/stderr"
	echo "$?" >"$dir/status"
	echo "$start" >"$dir/start"
	sleep 1
	wait
	grep -h . "$dir/stderr" | sed "s/^/  rep $rep stderr: /" >&2
	echo "$TZSTR $DAY $ROWS $BYTES" >"$dir/gen"
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS-peer" 2>/dev/null
done

python3 - "$OUT" "$REPS" <<'EOF' | tee "$OUT/table.txt"
import datetime as dt, os, re, sys
out, reps = sys.argv[1], int(sys.argv[2])

def calls(lines):
    """strace -f -tt -T lines -> (start s, duration s, text) per call,
    joining "<unfinished ...>" with its "<... resumed>" line."""
    pending = {}
    for line in lines:
        m = re.match(r"(\d+)\s+(\d+):(\d+):(\d+\.\d+)\s+(.*)", line)
        if not m:
            continue
        pid, rest = m.group(1), m.group(5)
        t = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
        if rest.endswith("<unfinished ...>"):
            pending[pid] = (t, rest[: -len("<unfinished ...>")])
            continue
        if rest.startswith("<..."):
            t, head = pending.pop(pid, (t, ""))
            rest = head.rstrip() + rest.split("resumed>", 1)[-1]
        d = re.search(r"<(\d+\.\d+)>\s*$", rest)
        yield t, (float(d.group(1)) if d else 0.0), rest

rows_out = []
fails = []
for rep in range(1, reps + 1):
    d = os.path.join(out, "rep%d" % rep)
    tzs, day, gen_rows, gen_bytes = open(os.path.join(d, "gen")).read().split()
    lines = open(os.path.join(d, "strace.txt")).read().splitlines()
    t_open = t_fsync_end = t_rename = t_dirsync_end = None
    widen_fd = None
    for t, dur, rest in calls(lines):
        if t_open is None and ".widen" in rest and rest.startswith("openat") and "O_CREAT" in rest:
            t_open = t
            m = re.search(r"=\s*(\d+)\s*<", rest)
            widen_fd = m.group(1) if m else None
        elif t_open is not None and widen_fd and rest.startswith("fsync(%s)" % widen_fd) and t_fsync_end is None:
            t_fsync_end = t + dur
        elif t_open is not None and rest.startswith("renameat") and ".widen" in rest:
            t_rename = t
        elif t_rename is not None and rest.startswith("fsync(") and t_dirsync_end is None:
            t_dirsync_end = t + dur
    path = os.path.join(d, "data", day + ".csv")
    data = open(path, "rb").read().decode()
    flines = data.split("\n")
    header = flines[0].split(",")
    body = [l for l in flines[1:] if l]
    ncols = len(header)
    bad_cells = sum(1 for l in body if l.count(",") + 1 != ncols)
    times = [int(dt.datetime.fromisoformat(l.split(",", 1)[0]).timestamp()) for l in body]
    start = float(open(os.path.join(d, "start")).read())
    rec = [t for t in times if t > int(start)]
    gaps = [(a, b) for a, b in zip(rec, rec[1:]) if b != a + 1]
    seen = {}
    for ln in open(os.path.join(d, "seen.txt")):
        cell, t = ln.split()
        seen[int(dt.datetime.fromisoformat(cell).timestamp())] = float(t)
    late = [(t, seen[t] - t) for t in rec if t in seen]
    maxlate = max(late, key=lambda x: x[1]) if late else (None, float("nan"))
    unseen = [t for t in rec if t not in seen]
    stderr = open(os.path.join(d, "stderr")).read()
    widened = re.search(r"widened to (\d+) interfaces", stderr)
    copy_ms = (t_fsync_end - t_open) * 1000 if t_open and t_fsync_end else float("nan")
    place_ms = (t_rename - t_open) * 1000 if t_open and t_rename else float("nan")
    dsync_ms = (t_dirsync_end - t_open) * 1000 if t_open and t_dirsync_end else float("nan")
    rows_out.append((rep, gen_rows, os.path.getsize(path), len(rec), copy_ms, place_ms,
                     dsync_ms, len(gaps), maxlate[1], widened.group(1) if widened else "-",
                     (ncols - 5) // 2, bad_cells))
    if gaps:
        fails.append("rep %d: gaps %s" % (rep, gaps))
    if unseen:
        fails.append("rep %d: poller never saw rows %s" % (rep, unseen[:5]))
    if not widened:
        fails.append("rep %d: no 'widened' message" % rep)
    # the lateness of each row around the widening
    print("rep %d: row lateness (s after its time) %s" % (
        rep, " ".join("%.2f" % l for _, l in late)))
print()
print("| rep | rows before | bytes after | recorder rows | rewrite ms (open .widen -> fsync end) | in place ms (-> rename) | -> dir fsync ms | gaps | max row lateness s | widened to | ifaces in header | bad rows |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows_out:
    print("| %d | %s | %d | %d | %.1f | %.1f | %.1f | %d | %.2f | %s | %d | %d |" % r)
print()
worst = max(r[4] for r in rows_out)
print("target rewrite <= 150 ms: worst %.1f ms  %s" % (worst, "PASS" if worst <= 150 else "FAIL"))
print("no gap in recorder rows: %s" % ("PASS" if not any(r[7] for r in rows_out) else "FAIL"))
for f in fails:
    print("problem:", f)
EOF
