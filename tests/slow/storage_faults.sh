#!/bin/bash
# storage_faults.sh - power loss as a day file cut at every byte of its
# last two rows (or zeroed from there), then a full disk, a read-only
# folder and a removed folder while a widening rewrite runs: the file
# stays valid, no row written before is lost, the recorder keeps running
# and writes its backlog once the fault clears
# SPDX-License-Identifier: MIT
#
# Both parts run under libfaketime for a fixed date (at x10 and x1: no
# amplified scheduling noise, see time_faketime.sh), in a network
# namespace of their own so that interfaces come only when made here.
#
# Read-only is the folder made immutable (chattr +i: EPERM on creating,
# renaming and removing in it, for root too). The file system itself
# cannot turn read-only under a running recorder here: Linux refuses
# remount,ro (EBUSY) while the day file is open for writing, and an ext4
# error turns it "emergency_ro", which no remount undoes (Linux 6.18).
# resmond_disk.sh covers a read-only file system at start.
set -u
. "$top_srcdir/tests/tap.sh"

plan 36
[ "$(id -u)" -eq 0 ] || bail "needs root for ip netns, mount and chattr"
LIBFT=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
[ -r "$LIBFT" ] || bail "libfaketime is missing (apt-get install faketime)"
for tool in ip python3 chattr; do
	command -v "$tool" >/dev/null || bail "$tool is missing"
done
RESMOND=$top_builddir/src/resmond/resmond
DAYGEN=$top_builddir/tests/daygen
export TZ=UTC

ns=resmon-sf-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/resmon-storage.XXXXXX") || bail "mktemp"
mnt=$work/mnt
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		shm_clean "$pid"
	fi
	chattr -i "$mnt/data" 2>/dev/null
	umount "$mnt" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
ip netns add "$ns" || bail "ip netns add"
ip -n "$ns" link set lo up

# shm_clean PID: libfaketime's shared memory and semaphore for PID, which
# nobody removes when it is loaded before an exec (time_faketime.sh).
shm_clean() { rm -f "/dev/shm/faketime_shm_$1" "/dev/shm/sem.faketime_sem_$1"; }

# in_ns FAKETIME COMMAND...: COMMAND in the namespace under libfaketime,
# in the background; sets pid (ip netns exec and env exec).
in_ns() {
	local spec=$1
	shift
	(
		shm_clean "$BASHPID"
		exec ip netns exec "$ns" env LD_PRELOAD="$LIBFT" FAKETIME_FMT=%s \
		    FAKETIME="$spec" "$@"
	) &
	pid=$!
}

# pair A B: a veth pair in the namespace, both up.
pair() {
	ip -n "$ns" link add "$1" type veth peer name "$2" &&
	    ip -n "$ns" link set dev "$1" up &&
	    ip -n "$ns" link set dev "$2" up ||
	    bail "veth $1/$2"
}

# --- 1. Power loss: cut at every byte of the last two rows ----------------
# Rows from 12:00:01 to 12:00:04, recorded with lo and a veth pair.
noon=$(date -d '2026-11-27 12:00:00' +%s)
pair v1 v2
mkdir "$work/cut"
in_ns "@$noon x10" "$RESMON" record -d "$work/cut" -i 1 --for 4 \
    2>"$work/base.log"
wait "$pid" || bail "recording the base file: $(cat "$work/base.log")"
shm_clean "$pid"
pid=
day=$work/cut/2026-11-27.csv
cp "$day" "$work/base.csv"
[ "$(grep -c '^2026' "$work/base.csv")" -ge 3 ] ||
	bail "base file: $(cat "$work/base.csv")"
size=$(stat -c %s "$work/base.csv")
# Byte offsets just after each '\n'.
ends=($(LC_ALL=C awk '{ n += length($0) + 1; print n }' "$work/base.csv"))
n=${#ends[@]}
from=${ends[n - 3]} # the start of the last two rows

# restart K MODE: day file = base cut at K (MODE cut) or with bytes K..
# zeroed (MODE zero); the recorder runs 2 fake seconds from 12:00:20 (a
# start slower than 50 ms, 0.5 s at x10, moves its first row to :22).
# Counts what went wrong in the bad_* variables.
bad_status=0 bad_check=0 bad_prefix=0 bad_rows=0 bad_log=0 runs=0
restart() {
	local k=$1 end=0 e new log torn
	for e in "${ends[@]}"; do
		[ "$e" -le "$k" ] && end=$e
	done
	head -c "$k" "$work/base.csv" >"$day"
	[ "$2" = zero ] && head -c $((size - k)) /dev/zero >>"$day"
	in_ns "@$((noon + 20)) x10" "$RESMON" record -d "$work/cut" -i 1 \
	    --for 2 2>"$work/restart.log"
	wait "$pid" || bad_status=$((bad_status + 1))
	shm_clean "$pid"
	pid=
	runs=$((runs + 1))
	"$DAYCHECK" "$day" 2>>"$work/daycheck.err" || {
		bad_check=$((bad_check + 1))
		cp "$day" "$work/bad-$2-$k.csv"
	}
	cmp -s -n "$end" "$work/base.csv" "$day" || bad_prefix=$((bad_prefix + 1))
	# What follows the kept rows: 12:00:21 and on, whole rows only.
	new=$(tail -c +$((end + 1)) "$day")
	grep -q '^2026-11-27T12:00:2[12]+00:00,' <<<"${new%%$'\n'*}" &&
	    ! grep -qv '^2026-11-27T12:00:2[1-3]+00:00,' <<<"$new" ||
	    bad_rows=$((bad_rows + 1))
	log=$(cat "$work/restart.log")
	torn=$((k - end))
	[ "$2" = zero ] && torn=$((size - end))
	if [ "$torn" -gt 0 ]; then
		grep -q "cut $torn bytes of a torn last line" <<<"$log" ||
		    bad_log=$((bad_log + 1))
	elif [ -n "$log" ]; then
		bad_log=$((bad_log + 1))
	fi
}

for ((k = from; k <= size; k++)); do
	restart "$k" cut
done
cut_runs=$runs
check "cut at each of $cut_runs offsets ($from-$size): the recorder ran and ended 0 ($bad_status not)" \
	test "$bad_status" -eq 0
check "every file passed the strict validator ($bad_check not)" test "$bad_check" -eq 0
check "every row before the cut kept, byte for byte ($bad_prefix not)" test "$bad_prefix" -eq 0
check "the torn tail gone, new rows from 12:00:21 appended whole ($bad_rows not)" \
	test "$bad_rows" -eq 0
check "each cut logged with its size, and nothing when none ($bad_log not)" \
	test "$bad_log" -eq 0

# The same with the tail zeroed, as a file system without data journaling
# may leave it: the size stays, the last row's bytes are NULs.
bad_status=0 bad_check=0 bad_prefix=0 bad_rows=0 bad_log=0 runs=0
for ((k = ${ends[n - 2]}; k < size; k++)); do
	restart "$k" zero
done
check "zeroed from each of $runs offsets of the last row: ran and ended 0 ($bad_status not)" \
	test "$bad_status" -eq 0
check "every file passed the strict validator ($bad_check not)" test "$bad_check" -eq 0
check "every whole row kept ($bad_prefix not)" test "$bad_prefix" -eq 0
check "the zeroed row cut, new rows appended whole ($bad_rows not)" test "$bad_rows" -eq 0
check "each cut logged with its size ($bad_log not)" test "$bad_log" -eq 0
check "no .bad file was made" test -z "$(ls "$work/cut" | grep '\.bad-')"
[ -s "$work/daycheck.err" ] && head -n 5 "$work/daycheck.err" | sed 's/^/# /'

# --- 2. Faults while a widening rewrite runs -------------------------------
# resmond from 2026-11-27 22:59:59 (x1) on a tmpfs holding the day so far
# (23 h of rows, ~7 MB) and 1 MiB more: rows fit, a rewritten copy does
# not. Only v* interfaces are recorded; a new pair forces a rewrite.
ip -n "$ns" link del v1 || bail "ip link del"
late=$(date -d '2026-11-27 22:59:59' +%s)
"$DAYGEN" --date 2026-11-27 --tz UTC --ifaces 2 -o "$work/full.csv" ||
	bail "daygen"
grep -v '^2026-11-27T23:' "$work/full.csv" >"$work/day.csv"
day_kib=$(($(stat -c %s "$work/day.csv") / 1024))
mkdir "$mnt" && mount -t tmpfs -o "size=$((day_kib + 1024))k" tmpfs "$mnt" ||
	bail "mount tmpfs"
data=$mnt/data day=$data/2026-11-27.csv sock=$work/resmond.sock
mkdir "$data" && cp "$work/day.csv" "$day" || bail "copying the day"
printf 'iface = v*\nsync_interval = 1\n' >"$work/resmond.conf"
in_ns "@$late x1" "$RESMOND" -d "$data" -i 1 --socket "$sock" \
    --config "$work/resmond.conf" 2>"$work/resmond.log"
resmond=$pid

field() {
	"$RESMON" status --socket "$sock" --json 2>/dev/null |
	    python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])" \
	    2>/dev/null
}
# until_status FIELD TEST VALUE SECONDS: poll resmond's status.
until_status() {
	local i v
	for ((i = 0; i < $4 * 10; i++)); do
		v=$(field "$1")
		case $2 in
		ge) [ "${v:-0}" -ge "$3" ] 2>/dev/null && return 0 ;;
		eq) [ "${v:-x}" = "$3" ] && return 0 ;;
		has) grep -q -- "$3" <<<"$v" && return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}
# Every second from 00:00:00 to the last row, nothing twice.
continuous() {
	awk -F, 'NR > 1 { split(substr($1, 12, 8), h, ":"); t = h[1] * 3600 + h[2] * 60 + h[3]
		if (NR > 2 && t != p + 1) { print FILENAME ":" NR ": " $1 " after " p; exit 1 }
		p = t }' "$1"
}
# has_ifaces FILE NAME...: the header of FILE has columns for each NAME.
has_ifaces() {
	local header name
	header=$(head -n 1 "$1")
	shift
	for name; do
		grep -q ",net_rx_bps:$name,net_tx_bps:$name\(,\|\$\)" <<<"$header" ||
		    return 1
	done
}
# kept OLD NEW: every row of OLD is in NEW, only with more empty cells.
kept() {
	local n
	n=$(wc -l <"$1")
	cmp -s <(tail -n +2 "$1" | sed 's/,*$//') \
	    <(sed -n "2,${n}p" "$2" | sed 's/,*$//')
}
until_status rows_written ge 2 10 || bail "resmond records no rows: $(cat "$work/resmond.log")"

# 2a. The disk is full: the copy fails part way, every second.
cp "$day" "$work/before.csv"
pair va vb
until_status last_error has "widening: write: No space left on device" 10
check "full disk: the rewrite fails, status says why" \
	grep -q "widening: write: No space left on device" <<<"$(field last_error)"
cp "$day" "$work/during.csv"
sleep 3
check "rows wait in the backlog ($(field backlog))" test "$(field backlog)" -ge 3
check "the day file is untouched meanwhile" cmp -s "$work/during.csv" "$day"
check "and passes the strict validator" "$DAYCHECK" "$day"
mount -o remount,size=64m "$mnt" || bail "remount size=64m"
until_status backlog eq 0 10
check "space back: the rewrite done, the backlog written ($(field backlog) left)" \
	test "$(field backlog)" -eq 0
check "the header has va and vb" has_ifaces "$day" va vb
check "every row written before kept" kept "$work/before.csv" "$day"

# 2b. The folder is read-only (immutable): no copy can be made.
cp "$day" "$work/before.csv"
chattr +i "$data" || bail "chattr +i"
pair vc vd
until_status last_error has "Operation not permitted" 10
check "read-only folder: the rewrite fails, status says why" \
	grep -q "\.widen: Operation not permitted" <<<"$(field last_error)"
cp "$day" "$work/during.csv"
sleep 3
check "rows wait in the backlog ($(field backlog))" test "$(field backlog)" -ge 3
check "the day file is untouched meanwhile" cmp -s "$work/during.csv" "$day"
chattr -i "$data" || bail "chattr -i"
until_status backlog eq 0 10
check "writable again: the backlog written ($(field backlog) left)" \
	test "$(field backlog)" -eq 0
check "every row written before kept" kept "$work/before.csv" "$day"
check "the header has vc and vd" has_ifaces "$day" vc vd
check "every second from 00:00:00 on, once: nothing lost in two faults" continuous "$day"
check "the day file passes the strict validator" "$DAYCHECK" "$day"

# 2c. The folder is removed while the rewrite for a new pair runs.
widen_tmp=$data/.2026-11-27.csv.widen
pair ve vf
# Polled without a pause: a rewrite of 7 MB lasts some milliseconds.
hit=0 deadline=$((SECONDS + 10))
while [ "$SECONDS" -lt "$deadline" ]; do
	if [ -e "$widen_tmp" ]; then
		hit=1
		break
	fi
done
last_before=$(tail -n 1 "$day" | cut -c1-25)
rm -rf "$data" 2>/dev/null || rm -rf "$data"
check "the folder went while the rewrite ran" test "$hit" -eq 1
until_status backlog ge 3 10
check "folder gone: rows wait ($(field backlog)), resmond runs" test "$(field backlog)" -ge 3
mkdir "$data"
until_status backlog eq 0 10
check "folder back: the backlog written to a new file ($(field backlog) left)" \
	test "$(field backlog)" -eq 0
first_after=$(sed -n 2p "$day" | cut -c1-25)
check "which starts one second after the last row of the old one ($last_before, $first_after)" \
	test "$(date -d "$first_after" +%s)" -eq $(($(date -d "$last_before" +%s) + 1))
check "and has every second since" continuous "$day"
check "the new file passes the strict validator" "$DAYCHECK" "$day"
check "its header has every v* interface of the day" \
	has_ifaces "$day" va vb vc vd ve vf

dropped=$(field rows_dropped)
kill -TERM "$resmond"
wait "$resmond"
st=$?
shm_clean "$resmond"
pid=
check "resmond ran through it all and ends 0 ($st), no row dropped ($dropped)" \
	test "$st" -eq 0 -a "$dropped" -eq 0
check "no rewrite's dot-file left" test ! -e "$widen_tmp"
check "each cause logged once, and once when it cleared" \
	test "$(grep 'writing rows: ' "$work/resmond.log" | grep -vc 'working again')" -eq 3 -a \
	"$(grep -c 'writing rows: working again' "$work/resmond.log")" -eq 3
[ "$tap_failed" -eq 0 ] || sed 's/^/# /' "$work/resmond.log" | tail -n 30
