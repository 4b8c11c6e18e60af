#!/bin/bash
# netns_veth.sh - bytes pushed through a veth pair in a namespace of our own
# equal the recorded rates; a re-created interface leaves no spike
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

plan 9
[ "$(id -u)" -eq 0 ] || bail "needs root for ip netns (CI runs as root)"
command -v ip >/dev/null || bail "ip (iproute2) is missing"
command -v python3 >/dev/null || bail "python3 is missing"

ns1=resmon-rx-$$
ns2=resmon-tx-$$
work=$(mktemp -d)
cleanup() {
	kill "$rec" "$sink" 2>/dev/null
	ip netns del "$ns1" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

in1() { ip netns exec "$ns1" "$@"; }
in2() { ip netns exec "$ns2" "$@"; }

# pair NAME PEER NET: NAME in ns1 at NET.1, PEER in ns2 at NET.2, both up.
pair() {
	ip link add "$1" netns "$ns1" type veth peer name "$2" netns "$ns2" &&
	in1 ip addr add "$3.1/24" dev "$1" && in2 ip addr add "$3.2/24" dev "$2" &&
	in1 ip link set "$1" up && in2 ip link set "$2" up
}

rx_bytes() { in1 cat "/sys/class/net/$1/statistics/rx_bytes"; }

# push NET BYTES: send BYTES over TCP to NET.1 from ns2, spread over ~2 s.
push() {
	in2 python3 - "$1.1" "$2" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 9000), timeout=10)
left, chunk = int(sys.argv[2]), int(sys.argv[2]) // 20
while left > 0:
    n = min(chunk, left)
    s.sendall(b"\0" * n)
    left -= n
    time.sleep(0.1)
s.close()
PY
}

ip netns add "$ns1" && ip netns add "$ns2" || bail "ip netns add failed"
in1 ip link set lo up
pair va vb 10.77.1 || bail "veth va/vb"
# A sink on every address of ns1, discarding what arrives, bounded in time.
ip netns exec "$ns1" timeout 60 python3 -c '
import socket, threading
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", 9000)); srv.listen(8)
def drain(c):
    while c.recv(1 << 16): pass
while True:
    c, _ = srv.accept(); threading.Thread(target=drain, args=(c,), daemon=True).start()
' >/dev/null 2>&1 &
sink=$!
sleep 0.5

ip netns exec "$ns1" "$RESMON" record -d "$work/data" -i 1 --iface 'v*' \
	--for 17 2>"$work/record.err" &
rec=$!
sleep 2
push 10.77.1 8000000
sleep 1
va_before=$(rx_bytes va)
# The interface goes away and comes back with fresh counters, and a new one appears.
ip -n "$ns1" link del va
sleep 1.5
pair va vb 10.77.1 && pair vx vy 10.77.2 || bail "re-creating veths"
sleep 1.5
push 10.77.1 4000000
push 10.77.2 2000000
sleep 1
wait "$rec"
check "resmon record exits 0 in the namespace" test $? -eq 0
va_after=$(rx_bytes va)
vx_after=$(rx_bytes vx)

file=$(ls "$work"/data/*.csv | head -n 1)
check "the day file passes the strict validator" "$DAYCHECK" "$file"
header=$(head -n 1 "$file")
check "header: va, then vx appended by widening" \
	test "$header" = "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib,net_rx_bps:va,net_tx_bps:va,net_rx_bps:vx,net_tx_bps:vx"
check "the widening was logged" grep -q "widened to 2 interfaces" "$work/record.err"

# sum(rx_bps) x 1 s / 8 against the kernel's counters, within 1%.
within() { # GOT WANT
	awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= w / 100) }'
}
va_sum=$(awk -F, 'NR > 1 { s += $6 } END { printf "%.0f", s / 8 }' "$file")
vx_sum=$(awk -F, 'NR > 1 { s += $8 } END { printf "%.0f", s / 8 }' "$file")
va_want=$((va_before + va_after))
check "va: recorded $va_sum bytes, counters say $va_want (1%)" within "$va_sum" "$va_want"
check "vx: recorded $vx_sum bytes, counters say $vx_after (1%)" within "$vx_sum" "$vx_after"
check "va has empty cells while gone and in its first interval back" \
	awk -F, 'NR > 1 && $6 == "" { n++ } END { exit !(n >= 2) }' "$file"
check "no negative or non-integer rate" \
	awk -F, 'NR > 1 { for (i = 6; i <= NF; i++) if ($i != "" && $i !~ /^[0-9]+$/) exit 1 }' "$file"
rows=$(($(wc -l <"$file") - 1))
check "a row every second: $rows rows in 17 s" test "$rows" -ge 15
