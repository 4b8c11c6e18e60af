#!/bin/bash
# kill9.sh - kill -9 the recorder at random moments, 200 times, and in the
# middle of widening rewrites: every file must pass the strict validator
# and keep every row it had
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

runs=${KILL9_RUNS:-200}
plan 5
[ "$(id -u)" -eq 0 ] || bail "needs root for ip netns (CI runs as root)"

ns=resmon-k9-$$
work=$(mktemp -d)
trap 'kill $rec 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$work"' EXIT
ip netns add "$ns" || bail "ip netns add"
ip -n "$ns" link set lo up

# Today's file already holds the day so far, so a rewrite takes long enough to be hit.
day=$(date +%F)
mkdir -p "$work/data"
"$top_builddir/tests/daygen" --date "$day" --ifaces 2 -o "$work/full.csv" ||
	bail "daygen"
now=$(date +%FT%T)
awk -F, -v now="$now" 'NR == 1 || substr($1, 1, 19) < now' "$work/full.csv" \
	>"$work/data/$day.csv"
widen_tmp="$work/data/.$day.csv.widen"

bad=0 lost=0 widen_hits=0 prev_rows=0
for i in $(seq "$runs"); do
	# Every 10th run a new interface appears: this run widens the file.
	widen=0
	if [ $((i % 10)) -eq 0 ]; then
		widen=1
		ip -n "$ns" link add "k$i" type veth peer name "k${i}p" &&
			ip -n "$ns" link set "k$i" up && ip -n "$ns" link set "k${i}p" up
	fi
	ip netns exec "$ns" "$RESMON" record -d "$work/data" -i 1 \
		2>>"$work/record.err" &
	rec=$!
	if [ "$widen" -eq 1 ]; then
		# Killed while the rewrite runs: poll for its dot-file, up to 5 s.
		for _ in $(seq 2500); do
			[ -e "$widen_tmp" ] && break
			sleep 0.002
		done
		[ -e "$widen_tmp" ] && widen_hits=$((widen_hits + 1))
	else
		# 0.05 - 2.5 s: before the first row, between rows, during a write.
		sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.05 + (r % 2450) / 1000 }')"
	fi
	kill -9 "$rec" 2>/dev/null
	wait "$rec" 2>/dev/null
	for f in "$work"/data/*.csv; do
		if ! "$DAYCHECK" "$f" 2>>"$work/daycheck.err"; then
			bad=$((bad + 1))
			cp "$f" "$work/bad-$i.csv"
		fi
	done
	rows=$(cat "$work"/data/*.csv | grep -c '^[0-9]')
	[ "$rows" -ge "$prev_rows" ] || lost=$((lost + 1))
	prev_rows=$rows
done
check "$runs kills: no file the strict validator rejects ($bad bad)" test "$bad" -eq 0
check "no run lost rows an earlier run had written ($lost)" test "$lost" -eq 0
check "kills landed mid-rewrite ($widen_hits of $((runs / 10)))" \
	test "$widen_hits" -ge $((runs / 20))
check "the widened header has every interface that carried traffic" \
	test "$(head -n 1 "$work/data/$day.csv" | grep -o 'net_rx_bps:k' | wc -l)" -ge 1
check "no .bad file was needed" test -z "$(ls "$work"/data/*.bad-* 2>/dev/null)"
[ "$bad" -eq 0 ] || head -n 20 "$work/daycheck.err"
