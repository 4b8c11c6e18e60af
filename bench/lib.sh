# lib.sh - shared by the bench/*.sh scripts (sourced, not run)
# SPDX-License-Identifier: MIT
#
# Needs root (network namespaces), gcc, make, python3, iproute2.
# Environment:
#   RESMON      use this resmon binary instead of building build-bench/
#   RESMOND     likewise for resmond
#   BENCH_OUT   folder for results and scratch files (default: a new
#               /tmp/resmon-bench.XXXXXX); kept after the run

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_SRC/.." && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { say "$(basename "$0"): $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (ip netns)"

# --- cleanup: every script registers what it made ------------------------
BENCH_PIDS=()
BENCH_NETNS=()
bench_cleanup() {
	local p n
	for p in "${BENCH_PIDS[@]}"; do
		# each was started with setsid: end its whole process group
		kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in "${BENCH_PIDS[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null
	done
	for n in "${BENCH_NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	return 0
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM

# Runs a command in the background in its own process group; its pid
# goes to BENCH_PIDS (cleanup ends the group) and to $!.
bg_run() {
	setsid "$@" &
	BENCH_PIDS+=("$!")
}

# --- output folder -------------------------------------------------------
bench_out() {
	if [ -z "${BENCH_OUT:-}" ]; then
		BENCH_OUT=$(mktemp -d /tmp/resmon-bench.XXXXXX)
	fi
	mkdir -p "$BENCH_OUT/bin"
	say "results and scratch files: $BENCH_OUT"
}

# --- builds --------------------------------------------------------------
# The recorder as the brief builds it (-O2), unless RESMON names one.
build_resmon() {
	if [ -n "${RESMON:-}" ]; then
		[ -x "$RESMON" ] || die "RESMON=$RESMON is not executable"
		return
	fi
	(
		cd "$TOP" || exit 1
		if [ ! -f build-bench/Makefile ]; then
			autoreconf -i >/dev/null 2>&1 &&
				mkdir -p build-bench && cd build-bench &&
				../configure -q CFLAGS=-O2 || exit 1
			cd "$TOP" || exit 1
		fi
		cd build-bench && make -s -j2 src/resmon/resmon src/resmond/resmond >/dev/null
	) || die "building resmon failed (a teammate's file mid-edit? retry, or set RESMON=)"
	RESMON=$TOP/build-bench/src/resmon/resmon
	RESMOND=${RESMOND:-$TOP/build-bench/src/resmond/resmond}
}

# The bench's own C programs, into $BENCH_OUT/bin.
build_bench_tools() {
	local p
	for p in rusage_run trivial_loop naive_loop; do
		gcc -O2 -Wall -Wextra -o "$BENCH_OUT/bin/$p" "$BENCH_SRC/$p.c" ||
			die "building $p failed"
	done
	RUSAGE_RUN=$BENCH_OUT/bin/rusage_run
}

# --- network namespaces --------------------------------------------------
# ns_make NAME K: a namespace NAME holding exactly K interfaces: lo (up)
# and K-1 veth ends vb0..vbK-2 (up), whose peers vb0p.. live in NAME-peer
# so that they are not counted. Dummy interfaces do not work here; veth does.
ns_make() {
	local ns=$1 k=$2 i batch
	ip netns del "$ns" 2>/dev/null
	ip netns del "$ns-peer" 2>/dev/null
	ip netns add "$ns" || die "ip netns add $ns failed"
	BENCH_NETNS+=("$ns")
	ip netns add "$ns-peer" || die "ip netns add $ns-peer failed"
	BENCH_NETNS+=("$ns-peer")
	ip -n "$ns" link set lo up
	batch=$(mktemp)
	for ((i = 0; i < k - 1 && i < 4096; i++)); do
		echo "link add vb$i type veth peer name vb${i}p netns $ns-peer"
		echo "link set vb$i up"
	done >"$batch"
	[ -s "$batch" ] && { ip -n "$ns" -batch "$batch" || die "veth set-up failed"; }
	rm -f "$batch"
	for ((i = 0; i < k - 1 && i < 4096; i++)); do
		echo "link set vb${i}p up"
	done >"$batch"
	[ -s "$batch" ] && ip -n "$ns-peer" -batch "$batch"
	rm -f "$batch"
	local got
	got=$(ip netns exec "$ns" tail -n +3 /proc/net/dev | wc -l)
	[ "$got" = "$k" ] || die "namespace $ns has $got interfaces, wanted $k"
}

# --- small helpers -------------------------------------------------------
# kv FILE KEY: the value of KEY=... in the last line of a rusage_run file.
kv() {
	tail -n 1 "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

machine_info() {
	echo "machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) CPUs," \
		"$(free -g | awk '/^Mem:/{print $2}') GiB"
	echo "kernel:  $(uname -sr)"
	echo "debian:  $(cat /etc/debian_version 2>/dev/null)"
	echo "date:    $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
	echo "resmon:  $RESMON ($("$RESMON" --version 2>/dev/null)," \
		"tree at $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null))"
}
