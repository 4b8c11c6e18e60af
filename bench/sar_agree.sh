#!/bin/bash
# sar_agree.sh - do resmon's rows agree with sar's, second by second?
# SPDX-License-Identifier: MIT
#
# usage: bench/sar_agree.sh              (as root; ~2.5 min)
#   DUR=130     seconds both recorders run (>= 100)
#   RESMON=...  a resmon binary to use instead of building build-bench/
#   BENCH_OUT=  where results go (default: a new /tmp/resmon-bench.*)
#
# `resmon record -i 1` and sadc run at the same time in a namespace
# holding lo and a veth end vb0 (10.77.0.1/30; its peer vb0p, 10.77.0.2,
# in a second namespace). Load: from +5 s, 0, 1 and 2 busy loops for
# 30 s each (`timeout 30 sh -c 'while :; do :; done'`), then none; from
# +3 s to +DUR-7 s a TCP stream from vb0 to vb0p, shaped by
# `tc qdisc ... tbf rate 50mbit burst 32kbit latency 400ms` so it is
# steady. sar's records (`sadf -d -U FILE -- -u -r -n DEV`) are joined
# with resmon's rows on epoch seconds; shifts of -1 and +1 s are tried
# too, to show which end of its interval sar stamps.
#
# resmon reads at each whole second. sadc cannot be told when to read:
# it starts reading when started and re-arms alarm(1) after each wake-up,
# so its reads drift later (and it sometimes merges two seconds into one
# record). So there are two sar series:
#   - one `sadc 1 DUR+1` for the whole run, as an operator runs it;
#   - a fresh `sadc 1 11` every 10 s, started early by its measured
#     start-up time so that it reads ~3 ms after resmon (and a second
#     such series ~8 ms after: the control, two sadcs 5 ms apart).
# Every reader runs under strace stopping only at its reads of /proc/stat
# (--seccomp-bpf), so the stretch of time each row and each record covers
# is known; the tables give every joined second, and the seconds whose
# two intervals match within 10 ms at both ends (1 % of the interval,
# the rate tolerance), the only ones where a 1 % comparison means much.
#   CPU: resmon cpu_percent vs 100 - %idle - %iowait    within 1.5 points
#   memory: mem_free_kib vs kbmemfree, mem_available_kib vs kbavail
#                                                      within 0.5 %
#   rates (vb0, steady-traffic seconds): bits/s vs kB/s * 1024 * 8
#                                          within 1 % + 8 kbit/s
set -u
. "$(dirname "$0")/lib.sh"

DUR=${DUR:-130}
[[ "$DUR" =~ ^[0-9]+$ ]] && [ "$DUR" -ge 100 ] && [ "$DUR" -le 600 ] || die "DUR must be 100-600"
SADC=/usr/lib/sysstat/sadc
[ -x "$SADC" ] || die "needs sysstat (apt-get install -y sysstat)"
command -v tc >/dev/null || die "needs tc (iproute2)"
command -v strace >/dev/null || die "needs strace"
bench_out
build_resmon
OUT=$BENCH_OUT/sar_agree
rm -rf "$OUT"
mkdir -p "$OUT"
NS=resmonbench-sar
ns_make "$NS" 2
ip -n "$NS" addr add 10.77.0.1/30 dev vb0 || die "address"
ip -n "$NS-peer" addr add 10.77.0.2/30 dev vb0p || die "address"
ip netns exec "$NS" tc qdisc add dev vb0 root tbf rate 50mbit burst 32kbit latency 400ms ||
	die "tc qdisc tbf failed"
{
	machine_info
	echo "command: DUR=$DUR bench/sar_agree.sh"
	echo "sysstat: $(dpkg-query -W -f '${Version}' sysstat)"
} | tee "$OUT/info.txt"

# A TCP sink in the peer namespace and a sender in ours, both bounded in time.
bg_run ip netns exec "$NS-peer" timeout $((DUR + 10)) python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 5201)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30)
end = time.time() + '"$DUR"'
while time.time() < end:
    if not c.recv(1 << 16):
        break'
sleep 0.5

# Each reader runs under strace, which stops only at its reads of
# /proc/stat (--seccomp-bpf), to learn when each interval really began
# and ended.
AT_TIME='import os, sys, time
time.sleep(max(0, float(sys.argv[1]) - time.time()))
os.execvp(sys.argv[2], sys.argv[2:])'
TRACE=(strace -f -ttt --seccomp-bpf -P /proc/stat)
# sadc's start-up time: from the launch to its first read of /proc/stat
# (median of 5), launched the same way as below.
for i in 1 2 3 4 5; do
	at=$(python3 -c 'import time; print("%.6f" % (time.time() + 0.3))')
	ip netns exec "$NS" python3 -c "$AT_TIME" "$at" "${TRACE[@]}" -e trace=openat \
		-o "$OUT/cal$i.st" "$SADC" 1 1 "$OUT/cal$i.bin"
	awk -v at="$at" '/openat/ { printf "%.3f\n", ($2 - at) * 1000; exit }' "$OUT/cal$i.st"
done | sort -n >"$OUT/cal_ms"
CAL_MS=$(sed -n 3p "$OUT/cal_ms")
say "sadc start-up to first read: $(tr '\n' ' ' <"$OUT/cal_ms")ms; median $CAL_MS ms"
T0=$(python3 -c 'import time; print(int(time.time()) + 4)')
bg_run ip netns exec "$NS" python3 -c "$AT_TIME" "$T0.005" "${TRACE[@]}" \
	-e trace=pread64 -o "$OUT/resmon.st" \
	"$RESMON" record -d "$OUT/data" -i 1 --for "$DUR"
RESMON_PID=$!
# sadc as one runs it: one process for the whole run
bg_run ip netns exec "$NS" python3 -c "$AT_TIME" "$T0.005" "${TRACE[@]}" \
	-e trace=openat -o "$OUT/sadc.st" "$SADC" 1 $((DUR + 1)) "$OUT/sa.bin"
SADC_PID=$!
# sadc re-arms alarm(1) after each wake-up, so its reads drift later by
# the wake-up latency every second (~0.3 ms, more under load), and now
# and then it writes no record for a second (the next covers two). So a
# fresh sadc is started every CHUNK s (CHUNK+1 records, so chunks meet),
# early by its measured start-up time (CAL_MS), so that it reads ~3 ms
# after resmon; a second series reads ~8 ms after: the control, two
# sadcs 5 ms apart.
CHUNK=10
NCHUNK=$(((DUR + CHUNK - 1) / CHUNK))
CHUNK_PIDS=()
for ((c = 0; c < NCHUNK && c < 200; c++)); do
	n=$((DUR - c * CHUNK < CHUNK ? DUR - c * CHUNK : CHUNK))
	for s in a:3 b:8; do
		at=$(awk -v t="$((T0 + c * CHUNK))" -v ms="${s#*:}" -v cal="$CAL_MS" \
			'BEGIN { printf "%.6f", t + (ms - cal) / 1000 }')
		bg_run ip netns exec "$NS" python3 -c "$AT_TIME" "$at" \
			"${TRACE[@]}" -e trace=openat -o "$OUT/chunk${s%%:*}$c.st" \
			"$SADC" 1 $((n + 1)) "$OUT/chunk${s%%:*}$c.bin"
		CHUNK_PIDS+=("$!")
	done
done
echo "$T0" >"$OUT/t0"
say "recording from $(date -d @"$T0" +%T) for $DUR s"
python3 -c "import time; time.sleep(max(0, $T0 - time.time()))"

# traffic: +3 s to DUR-7 s
( sleep 3; exec ip netns exec "$NS" timeout $((DUR - 10)) python3 -c '
import socket, time
c = socket.create_connection(("10.77.0.2", 5201), timeout=30)
buf = b"\0" * 65536
end = time.time() + '"$((DUR - 10))"'
while time.time() < end:
    c.sendall(buf)' ) >"$OUT/sender.log" 2>&1 &
BENCH_PIDS+=("$!")
# CPU steps: +5 s 0 loops, +35 s 1 loop, +65 s 2 loops, +95 s 0 again
sleep 35
echo "1loop $(date +%s.%N)" >>"$OUT/steps"
bg_run timeout 30 sh -c 'while :; do :; done'
sleep 30
echo "2loops $(date +%s.%N)" >>"$OUT/steps"
bg_run timeout 30 sh -c 'while :; do :; done'
bg_run timeout 30 sh -c 'while :; do :; done'
sleep 30
echo "0loops $(date +%s.%N)" >>"$OUT/steps"
deadline=$((SECONDS + DUR))
for p in "$RESMON_PID" "$SADC_PID" "${CHUNK_PIDS[@]}"; do
	while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
done
sleep 2
sadf -d -U "$OUT/sa.bin" -- -u -r -n DEV >"$OUT/sa.txt" || die "sadf failed"
for ((c = 0; c < NCHUNK; c++)); do
	for s in a b; do
		sadf -d -U "$OUT/chunk$s$c.bin" -- -u -r -n DEV >"$OUT/chunk$s$c.txt" ||
			die "sadf chunk$s$c failed"
	done
done

python3 "$BENCH_SRC/sar_compare.py" "$OUT" "$DUR" "$NCHUNK" | tee "$OUT/table.txt"
