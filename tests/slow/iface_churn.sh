#!/bin/bash
# iface_churn.sh - 200 veth pairs created and destroyed in bursts while
# resmon record runs in a namespace, an interface re-created under
# traffic: a valid file, no spike, max_ifaces kept; rewrites timed
# SPDX-License-Identifier: MIT
#
# Namespace A holds the recorder (max_ifaces 64 from a config file) and
# eth0, one end of a veth pair whose other end is in namespace B. A
# sender in B pushes UDP to A at a fixed pace (never faster, never a
# catch-up burst), so no interval can carry more than PACE bytes a
# second plus headers: any cell above that is a spike. eth0 is deleted
# and re-created in one `ip -batch` (a few ms) under that traffic four
# times, so the recorder sees its counters go back, not go away.
# Meanwhile ten bursts of 20 veth pairs (both ends in A, up: 40 new
# names each time) come and go: 400 names against a limit of 64.
#
# Today's file is seeded with half a day of 1 s rows (daygen, eth0; the
# zone is picked so that it is about noon now), so that each widening
# rewrites a file of realistic size. The rewrites are timed from
# inotify: the creation of the temporary .DATE.csv.widen file (the
# rewrite starts) to its rename over DATE.csv (the new file in place).
set -u
. "$top_srcdir/tests/tap.sh"

[ "$(id -u)" -eq 0 ] || bail "needs root for ip netns (CI runs as root)"
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
for tool in ip $PY; do
	command -v $tool >/dev/null || bail "$tool is needed"
done

MAX_IFACES=64
BURSTS=10 PAIRS=20   # 200 pairs, 400 interface names
RESETS=4             # eth0 re-created under traffic
PACE=1250000         # bytes a second the sender pushes (10 Mbit/s)
RUN_S=50             # resmon record --for

nsa=resmon-ca-$$ nsb=resmon-cb-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-churn.XXXXXX") || bail "mktemp"
data=$tmp/data
pids=
cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$data"

# About noon here and now: a whole-hour zone (Etc/GMT-N is UTC+N).
off=$((12 - 10#$(date -u +%H)))
if [ $off -gt 0 ]; then
	export TZ=Etc/GMT-$off
elif [ $off -lt 0 ]; then
	export TZ=Etc/GMT+$((-off))
else
	export TZ=UTC
fi
export LC_ALL=C
today=$(date +%F)
file=$data/$today.csv

ina() { ip netns exec "$nsa" "$@"; }
inb() { ip netns exec "$nsb" "$@"; }

ip netns add "$nsa" && ip netns add "$nsb" || bail "ip netns add"
ip -n "$nsa" link set lo up || bail "lo up"
# eth0_batch: the ip -batch lines (for A, then for B) that make eth0 in
# A at 10.79.0.1 and its peer in B at 10.79.0.2, both up.
eth0_a() {
	printf 'link add eth0 type veth peer name peer0 netns %s\n' "$nsb"
	printf 'addr add 10.79.0.1/24 dev eth0\nlink set eth0 up\n'
}
eth0_b() { printf 'addr add 10.79.0.2/24 dev peer0\nlink set peer0 up\n'; }
eth0_a | ip -n "$nsa" -batch - && eth0_b | ip -n "$nsb" -batch - ||
	bail "veth eth0/peer0"

# Half a day of rows before now, eth0 only.
"$top_builddir/tests/daygen" --date "$today" --tz "$TZ" --ifaces 1 \
    --interval 1 -o "$tmp/full.csv" || bail "daygen"
limit=$(date -d '-3 sec' +%FT%T)
awk -F, -v lim="$limit" 'NR == 1 || substr($1, 1, 19) < lim' \
    "$tmp/full.csv" >"$file" || bail "seeding $file"
rm -f "$tmp/full.csv"
seed_rows=$(($(wc -l <"$file") - 1))
seed_last=$(tail -n 1 "$file" | cut -d, -f1)
echo "# TZ=$TZ; seeded $seed_rows rows ($(wc -c <"$file") bytes) up to $seed_last"

# The rewrites, seen by inotify: "WALL EVENT NAME SIZE" a line.
$PY - "$data" $((RUN_S + 20)) >"$tmp/inotify" <<'PY' &
import ctypes, os, select, struct, sys, time
IN_CREATE, IN_MOVED_TO = 0x100, 0x80
libc = ctypes.CDLL("libc.so.6", use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
if fd < 0 or libc.inotify_add_watch(fd, sys.argv[1].encode(),
                                    IN_CREATE | IN_MOVED_TO) < 0:
    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    if not select.select([fd], [], [], 0.5)[0]:
        continue
    now, buf, i = time.time(), os.read(fd, 65536), 0
    while i < len(buf):
        _, mask, _, n = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode()
        i += 16 + n
        try:
            size = os.stat(os.path.join(sys.argv[1], name)).st_size
        except OSError:
            size = -1
        ev = "create" if mask & IN_CREATE else "moved_to"
        print(f"{now:.6f} {ev} {name} {size}", flush=True)
PY
pids="$pids $!"
for ((i = 0; i < 50; i++)); do
	grep -q '^ready' "$tmp/inotify" && break
	sleep 0.1
done
grep -q '^ready' "$tmp/inotify" || bail "inotify watcher: $(cat "$tmp/inotify")"

# A sink in A, and the paced sender in B, both bounded in time.
ina $PY -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999)); s.settimeout(0.5)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    try: s.recv(65536)
    except OSError: pass
' $((RUN_S + 10)) &
pids="$pids $!"
# sender DURATION: PACE bytes a second in 1400-byte datagrams, 10 ms
# apart; late by more than 50 ms it starts over instead of catching up.
# Prints the bytes the kernel took, the refused sends, the max in any
# wall-clock second.
cat >"$tmp/send.py" <<'PY'
import socket, sys, time
dst, pace, dur = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
msg, per_tick = b"x" * 1400, max(1, pace // 100 // 1400)
sent = refused = 0
per_s = {}
start = nxt = time.monotonic()
while nxt - start < dur:
    for _ in range(per_tick):
        try:
            sent += s.sendto(msg, (dst, 9999))
            k = int(time.time())
            per_s[k] = per_s.get(k, 0) + len(msg)
        except OSError:
            refused += 1
    nxt += 0.01
    now = time.monotonic()
    if now > nxt + 0.05:
        nxt = now
    elif nxt > now:
        time.sleep(nxt - now)
print(sent, refused, max(per_s.values(), default=0))
PY

cat >"$tmp/resmon.conf" <<CONF
interval = 1
max_ifaces = $MAX_IFACES
CONF
ina "$RESMON" record --config "$tmp/resmon.conf" -d "$data" --for $RUN_S \
    2>"$tmp/record.err" &
rec=$!
pids="$pids $rec"
t_start=$(date +%s)
sleep 1
inb $PY "$tmp/send.py" 10.79.0.1 $PACE $((RUN_S - 8)) >"$tmp/sent" &
sender=$!
pids="$pids $sender"
sleep 2

# The bursts: 20 pairs up for 2 s, then gone; eth0 re-created in every
# other pause, under traffic.
resets=0
for ((b = 0; b < BURSTS; b++)); do
	for ((i = 0; i < PAIRS; i++)); do
		printf 'link add c%d_%d type veth peer name d%d_%d\n' $b $i $b $i
		printf 'link set c%d_%d up\nlink set d%d_%d up\n' $b $i $b $i
	done >"$tmp/add.batch"
	ip -n "$nsa" -batch "$tmp/add.batch" || bail "burst $b: ip -batch add"
	sleep 2
	for ((i = 0; i < PAIRS; i++)); do
		printf 'link del c%d_%d\n' $b $i
	done | ip -n "$nsa" -batch - || bail "burst $b: ip -batch del"
	if [ $((b % 2)) -eq 1 ] && [ $resets -lt $RESETS ]; then
		{ echo 'link del eth0'; eth0_a; } | ip -n "$nsa" -batch - &&
		    eth0_b | ip -n "$nsb" -batch - || bail "re-creating eth0"
		resets=$((resets + 1))
	fi
	sleep 1.5
done
left=$(ip -n "$nsa" -o link | grep -c '[cd][0-9]*_[0-9]*@')
wait "$sender"
read -r sent refused max_s <"$tmp/sent"
wait "$rec"
rc=$?
t_end=$(date +%s)
echo "# sender: $sent bytes taken, $refused sends refused, at most $max_s in a second"
check "resmon record exits 0 after --for $RUN_S ($(tail -n 1 "$tmp/record.err"))" \
    test $rc -eq 0
check "200 pairs came and went ($left left), eth0 re-created $resets times" \
    test "$left" -eq 0 -a $resets -eq $RESETS
check "the day file passes the strict validator" "$DAYCHECK" "$file"

header=$(head -n 1 "$file")
ncols=$(echo "$header" | tr ',' '\n' | grep -c '^net_rx_bps:')
check "max_ifaces $MAX_IFACES kept: $ncols interfaces in the header" \
    test "$ncols" -eq $MAX_IFACES
check "the header has rx and tx for each, eth0 first" $PY -c '
import sys
h = sys.argv[1].split(",")
names = [c.split(":", 1)[1] for c in h[5::2]]
assert h[5:] == [f"net_{d}_bps:{n}" for n in names for d in ("rx", "tx")], h
assert names[0] == "eth0" and len(set(names)) == len(names), names' "$header"
check "the limit logged once" \
    test "$(grep -c "max_ifaces $MAX_IFACES reached" "$tmp/record.err")" -eq 1

# The rows the recorder wrote: after the seeded ones.
tail -n +$((seed_rows + 2)) "$file" >"$tmp/rows"
nrows=$(wc -l <"$tmp/rows")
check "no cell is negative or not an integer" awk -F, '
    { for (i = 6; i <= NF; i++) if ($i != "" && $i !~ /^(0|[1-9][0-9]*)$/) {
	print "# " NR ": cell " i " is \"" $i "\""; exit 1 } }' "$tmp/rows"
# A second carries at most max_s bytes of payload plus 28 bytes of IP and
# UDP and 14 of Ethernet per 1400; the recorder's interval may straddle
# two of the sender's seconds a little: half again is ample, and a reset
# read as a wrap would be 2^64 bytes.
bound=$($PY -c "print(int(8 * $max_s * 1442 / 1400 * 1.5) + 100000)")
maxcell=$(awk -F, '{ for (i = 6; i <= NF; i++) if ($i != "" && $i + 0 > m) m = $i + 0 }
    END { printf "%.0f", m }' "$tmp/rows")
check "no spike: the largest rate $maxcell bit/s <= $bound" \
    test "$maxcell" -le "$bound"
# eth0's columns are 6 and 7: the bytes recorded against those pushed.
read -r got empty <<<"$(awk -F, '{ if ($6 == "") e++; else s += $6 }
    END { printf "%.0f %d", s / 8, e }' "$tmp/rows")"
echo "# eth0: recorded $got bytes received, $sent pushed; $empty empty cells"
check "eth0 received no more than was pushed (+3% headers, +64 KiB)" \
    $PY -c "assert $got <= $sent * 1442 / 1400 + 65536"
check "and most of it (the reset intervals lose some)" \
    $PY -c "assert $got >= $sent * 0.7"
check "eth0 has an empty cell for each reset ($empty >= $RESETS)" \
    test "$empty" -ge $RESETS
secs=$((t_end - t_start))
check "rows kept coming: $nrows rows in ${secs} s" \
    test $nrows -ge $((RUN_S * 9 / 10))

# The rewrites: each create of the .widen file paired with its rename.
log_n=$(grep -c 'widened to' "$tmp/record.err")
$PY - "$tmp/inotify" "$tmp/rows" >"$tmp/rewrites" <<'PY'
import datetime, sys
ev = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
rows = [datetime.datetime.fromisoformat(l.split(",", 1)[0]).timestamp()
        for l in open(sys.argv[2])]
start, done = None, []
for t, what, name, size in ev:
    if what == "create" and name.endswith(".widen"):
        start = float(t)
    elif what == "moved_to" and start is not None and not name.startswith("."):
        done.append((start, float(t), int(size)))
        start = None
# The longest step between rows around each rewrite: sampling must not wait.
for a, b, size in done:
    near = [r for r in rows if a - 3 <= r <= b + 3]
    gap = max((y - x for x, y in zip(near, near[1:])), default=0)
    print(f"{(b - a) * 1000:.1f} {size} {gap:.0f}")
if start is not None:
    print("# a rewrite started and never finished", file=sys.stderr)
PY
n_rw=$(wc -l <"$tmp/rewrites")
while read -r ms size gap; do
	echo "# rewrite: ${ms} ms for a file of $size bytes; longest row step around it ${gap} s"
done <"$tmp/rewrites"
echo "# rewrites: $n_rw, $(awk '{ s += $1; if ($1 > m) m = $1 }
    END { printf "%.1f ms in all, the longest %.1f ms", s, m }' "$tmp/rewrites")"
check "every rewrite timed and logged: $n_rw renames, $log_n \"widened\" lines" \
    test "$n_rw" -ge 1 -a "$n_rw" -eq "$log_n"
check "no temporary file left" test -z "$(ls -A "$data" | grep widen)"
check "sampling did not wait for a rewrite: no row step over 1 s around one" \
    awk '$3 > 1 { exit 1 }' "$tmp/rewrites"

# A second run on the same day with new names: the file already holds
# max_ifaces interfaces, so none may be added.
printf 'link add n%d type veth peer name m%d\nlink set n%d up\nlink set m%d up\n' \
    1 1 1 1 2 2 2 2 | ip -n "$nsa" -batch - || bail "new pairs"
ina "$RESMON" record --config "$tmp/resmon.conf" -d "$data" --for 4 \
    2>"$tmp/record2.err"
rc=$?
ncols2=$(head -n 1 "$file" | tr ',' '\n' | grep -c '^net_rx_bps:')
check "a second run exits 0 and the file stays valid" \
    sh -c "test $rc -eq 0 && '$DAYCHECK' '$file'"
# A known gap (XXX #8: the recorder counts the names of its own run, not
# the file's), reported as TODO: an expected failure, which automake
# counts as XFAIL, and as XPASS (a failure) once it is mended.
what="a second run adds no interface to a full file: $ncols2"
if [ "$ncols2" -le $MAX_IFACES ]; then
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "ok $tap_n - $what # TODO mended: drop the TODO"
else
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $what # TODO max_ifaces counts one run's names"
fi
echo "1..$tap_n"
exit $((tap_failed > 0))
