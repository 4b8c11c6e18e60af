#!/bin/bash
# time_faketime.sh - the real recorder under libfaketime: 48 simulated hours
# over two midnights, Berlin's 23- and 25-hour days, Samara, clock steps
# back and forth, a stopped process and a restart with the clock behind;
# files, rows and gaps as SPEC §2 says, and VmHWM flat
# SPDX-License-Identifier: MIT
#
# How libfaketime 0.9.10 (Debian) behaves, measured here, and what follows:
# - "@EPOCH xN" (FAKETIME_FMT=%s) fakes CLOCK_REALTIME and CLOCK_MONOTONIC
#   alike, and scales clock_nanosleep(TIMER_ABSTIME) and ppoll by N. Runs
#   A-C go at x3600 with 600 s rows: a row every 1/6 s of real time.
# - It derives fake CLOCK_REALTIME and CLOCK_MONOTONIC from two reads of
#   the real clocks, so a real delay between the recorder's two reads
#   counts 3600 times: 0.28 ms looks like a 1 s clock step (logged in
#   pairs, -X then +X); a wake-up 83 ms late is a late read. On this
#   shared 2-core machine under load both happen (none in 6 x 45 s when
#   idle; a few per minute while another test ran wrk). Both are the
#   recorder doing what SPEC §2 says with the time it was given, so a
#   gap is accepted when the recorder logged its cause, and the count is
#   reported; any other gap fails. The recorders run SCHED_FIFO to keep
#   such noise rare.
# - A new spec in FAKETIME_TIMESTAMP_FILE is taken within ~2 s with
#   FAKETIME_CACHE_DURATION=1 (FAKETIME_NO_CACHE=1 reads the file between
#   the two clock reads, making steps of noise every ~20 s). The clock
#   reads exactly the new "@EPOCH" at the first call that takes it. Both
#   clocks jump together, so the recorder sees a forward step as a late
#   read and a backward one as times at or before its last row: the rows
#   are what SPEC §2 asks for, but no step is counted.
# - FAKETIME_DONT_FAKE_MONOTONIC=1 with a "+SECONDS" offset steps the wall
#   clock alone, as the host's clock steps: run E. There
#   clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which `resmon record`
#   sleeps with, returns at once (libfaketime takes the deadline for a
#   fake one), while resmond's relative ppoll() is untouched: E runs
#   resmond at real speed and checks the steps in its status.
# - Each process that loads libfaketime without FAKETIME_SHARED makes
#   /dev/shm/faketime_shm_PID and sem.faketime_sem_PID; through exec
#   (unshare -> resmon) nobody removes them, and a later process with the
#   same PID can hang on the stale semaphore. fake_run removes both for
#   its PID before and after.
set -u
. "$top_srcdir/tests/tap.sh"

plan 58
[ "$(id -u)" -eq 0 ] || bail "needs root for network namespaces and SCHED_FIFO"
LIBFT=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
[ -r "$LIBFT" ] || bail "libfaketime is missing (apt-get install faketime)"
for tool in python3 unshare chrt; do
	command -v "$tool" >/dev/null || bail "$tool is missing"
done
RESMOND=$top_builddir/src/resmond/resmond
SPEED=3600 IV=600

work=$(mktemp -d "${TMPDIR:-/tmp}/resmon-faketime.XXXXXX") || bail "mktemp"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for p in "${pids[@]}"; do
		shm_clean "$p"
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# settime NAME SPEC: the fake time spec of run NAME, replaced atomically
# (libfaketime would read a half-written file as "no faking").
settime() {
	printf '%s\n' "$2" >"$work/$1.rc.tmp" && mv "$work/$1.rc.tmp" "$work/$1.rc"
}

# shm_clean PID: libfaketime's shared memory and semaphore for PID.
shm_clean() { rm -f "/dev/shm/faketime_shm_$1" "/dev/shm/sem.faketime_sem_$1"; }

# fake_run NAME ENV... -- COMMAND...: COMMAND in a network namespace of
# its own (only lo: no interface of the host comes and goes) under
# libfaketime with ENV, stderr in NAME.log; sets pid. The subshell's PID
# is the command's: env, chrt and unshare exec.
fake_run() {
	local name=$1
	shift
	(
		shm_clean "$BASHPID"
		exec env LD_PRELOAD="$LIBFT" "$@" 2>"$work/$name.log"
	) &
	pid=$!
	pids+=("$pid")
}

# wait_row FILE TIME SECONDS: until FILE has a row at TIME (a prefix).
wait_row() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q "^$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stuck NAME WHAT: bail out showing run NAME's log and last rows.
stuck() {
	tail -n 5 "$work/$1.log" | sed 's/^/# /'
	tail -q -n 2 "$work/$1"/*.csv 2>/dev/null | sed 's/^/# /'
	bail "run $1: $2"
}

vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rows() { cat "$work/$1"/*.csv 2>/dev/null | grep -c '^[0-9]'; }
last_time() { date -d "$(tail -n 1 "$1" | cut -d, -f1)" +%s; }

# stop_rec PID: SIGTERM, and the exit status.
stop_rec() {
	local st
	kill -TERM "$1"
	wait "$1"
	st=$?
	shm_clean "$1"
	return $st
}

# analyse NAME TZ INTERVAL: facts about run NAME's files as "key value"
# lines in $work/NAME.facts, and one "gap PREV NEXT MISSING" line for
# each place where consecutive rows are not one interval apart.
analyse() {
	python3 - "$work/$1" "$2" "$3" >"$work/$1.facts" <<'PY' ||
import datetime, os, sys, zoneinfo
folder, zone, iv = sys.argv[1], zoneinfo.ZoneInfo(sys.argv[2]), int(sys.argv[3])
names = sorted(n for n in os.listdir(folder) if not n.startswith('.'))
print('files', ' '.join(names))
times, bad_offset, off_grid, wrong_file = [], 0, 0, 0
for name in (n for n in names if n.endswith('.csv')):
    stamps = []
    with open(os.path.join(folder, name)) as f:
        next(f)
        for line in f:
            ts = line.split(',', 1)[0]
            t = datetime.datetime.fromisoformat(ts)
            e = int(t.timestamp())
            # The offset written must be the zone's at that instant.
            if t.utcoffset() != datetime.datetime.fromtimestamp(e, zone).utcoffset():
                bad_offset += 1
            if e % iv:
                off_grid += 1
            if ts[:10] + '.csv' != name:
                wrong_file += 1
            times.append(e)
            stamps.append((e, ts))
    print('rows:' + name, len(stamps))
    if stamps:
        print('span:' + name, stamps[0][1], stamps[-1][1])
        # Boundaries from the first row to the last with no row.
        print('missing:' + name, (stamps[-1][0] - stamps[0][0]) // iv + 1 - len(stamps))
print('first', times[0] if times else 0)
print('last', times[-1] if times else 0)
print('bad_offset', bad_offset)
print('off_grid', off_grid)
print('wrong_file', wrong_file)
print('not_increasing', sum(1 for a, b in zip(times, times[1:]) if b <= a))
gaps = [(a, b) for a, b in zip(times, times[1:]) if b - a != iv]
print('gaps', len(gaps))
for a, b in gaps:
    print('gap', a, b, (b - a) // iv - 1)
PY
	    bail "analysing $1"
}

# fact NAME KEY: the value analyse found.
fact() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$work/$1.facts"; }

# noise NAME INJECTED: sets noise to the late reads and steps the
# recorder logged beyond the INJECTED late reads (a step pair, -X then
# +X, is one event and one gap), and says so as a TAP comment.
noise() {
	local late steps
	late=$(grep -c 'no row for it' "$work/$1.log")
	steps=$(grep -c 'wall clock stepped' "$work/$1.log")
	noise=$((late - $2 + (steps + 1) / 2))
	echo "# $1: harness noise: $((late - $2)) late reads, $steps steps logged"
}

# common NAME TZ: what holds for every run (5 results).
common() {
	check "$1: every file passes the strict validator" \
	    "$DAYCHECK" "$work/$1"/*.csv
	check "$1: every row on a multiple of the interval ($(fact "$1" off_grid) not)" \
	    test "$(fact "$1" off_grid)" = 0
	check "$1: every offset is $2's at that instant ($(fact "$1" bad_offset) not)" \
	    test "$(fact "$1" bad_offset)" = 0
	check "$1: every row in the file of its local date ($(fact "$1" wrong_file) not)" \
	    test "$(fact "$1" wrong_file)" = 0
	check "$1: times strictly increase over all files ($(fact "$1" not_increasing) not)" \
	    test "$(fact "$1" not_increasing)" = 0
}

# day NAME DATE FIRST LAST BOUNDARIES NOISE: DATE's file runs from FIRST
# to LAST, every boundary a row except in gaps the recorder logged (3).
day() {
	local rows missing
	rows=$(fact "$1" "rows:$2.csv")
	missing=$(fact "$1" "missing:$2.csv")
	check "$1: $2 runs from $3 to $4" \
	    test "$(fact "$1" "span:$2.csv")" = "$2T$3 $2T$4"
	check "$1: $2 has $5 boundaries: $rows rows + $missing in logged gaps" \
	    test "$((rows + missing))" -eq "$5"
	check "$1: $2 misses rows only where the recorder logged why" \
	    test "$missing" -eq 0 -o "$6" -gt 0
}

# A: Samara, 2026-11-26 23:00 to 2026-11-28 23:00 (48 h, two midnights),
# with a step back of 6 h, a step forward of 6 h and a stop of 1 s (an
# hour of fake time). The spec comes from a file, re-read every second.
a0=$(TZ=Europe/Samara date -d '2026-11-26 23:00:00' +%s)
settime a "@$a0 x$SPEED"
fake_run a TZ=Europe/Samara FAKETIME_FMT=%s FAKETIME_CACHE_DURATION=1 \
    FAKETIME_TIMESTAMP_FILE="$work/a.rc" \
    chrt -f 10 unshare --net "$RESMON" record -d "$work/a" -i "$IV"
pid_a=$pid
# B: Berlin over 2026-03-29, 23 h long (02:00 CET is 03:00 CEST).
b0=$(TZ=Europe/Berlin date -d '2026-03-28 23:00:00' +%s)
fake_run b TZ=Europe/Berlin FAKETIME_FMT=%s FAKETIME="@$b0 x$SPEED" \
    chrt -f 10 unshare --net "$RESMON" record -d "$work/b" -i "$IV"
pid_b=$pid
# C: Berlin over 2026-10-25, 25 h long (03:00 CEST is 02:00 CET again).
c0=$(TZ=Europe/Berlin date -d '2026-10-24 23:00:00' +%s)
fake_run c TZ=Europe/Berlin FAKETIME_FMT=%s FAKETIME="@$c0 x$SPEED" \
    chrt -f 10 unshare --net "$RESMON" record -d "$work/c" -i "$IV"
pid_c=$pid

# The first simulated hour is over at the first midnight.
wait_row "$work/a/2026-11-27.csv" 2026-11-27T00:00:00+04:00 10 ||
	stuck a "no row at midnight"
[ "$(cat "/proc/$pid_a/comm")" = resmon ] || bail "pid $pid_a is not resmon"
hwm_a0=$(vmhwm "$pid_a")
wait_row "$work/b/2026-03-29.csv" 2026-03-29T00:00:00+01:00 10 ||
	stuck b "no row at midnight"
hwm_b0=$(vmhwm "$pid_b")
wait_row "$work/c/2026-10-25.csv" 2026-10-25T00:00:00+02:00 10 ||
	stuck c "no row at midnight"
hwm_c0=$(vmhwm "$pid_c")

# A, step back: 6 h before the last row seen (plus a minute, off the
# grid). Taken within 2 s (2 h, so the last row is at most 2 h later):
# from 2.5 s to 4.5 s the clock is still behind the last row, and not
# one row may appear.
wait_row "$work/a/2026-11-27.csv" 2026-11-27T10:00:00 60 || stuck a 10:00
back_from=$(last_time "$work/a/2026-11-27.csv")
settime a "@$((back_from - 6 * 3600 + 60)) x$SPEED"
sleep 2.5
rows_step=$(rows a)
sleep 2
rows_later=$(rows a)

# B and C end a simulated hour after their second midnight.
wait_row "$work/b/2026-03-30.csv" 2026-03-30T00:00:00+02:00 60 ||
	stuck b "no row at the second midnight"
hwm_b1=$(vmhwm "$pid_b")
stop_rec "$pid_b"
st_b=$?
wait_row "$work/c/2026-10-26.csv" 2026-10-26T00:00:00+01:00 60 ||
	stuck c "no row at the second midnight"
hwm_c1=$(vmhwm "$pid_c")
stop_rec "$pid_c"
st_c=$?

# A, step forward: 6 h and 2 min past the last row seen, at least 4 h
# ahead when taken. That read is late by far: no row, a new baseline, the
# next row on the next boundary.
wait_row "$work/a/2026-11-28.csv" 2026-11-28T04:00:00 60 || stuck a 04:00
fwd_from=$(last_time "$work/a/2026-11-28.csv")
settime a "@$((fwd_from + 6 * 3600 + 120)) x$SPEED"
fwd_next=$((fwd_from + 6 * 3600 + IV))

# A, SIGSTOP for 1 s: an hour of fake time passes, a gap of about 6 rows.
wait_row "$work/a/2026-11-28.csv" 2026-11-28T14:00:00 60 || stuck a 14:00
stop_from=$(last_time "$work/a/2026-11-28.csv")
kill -STOP "$pid_a"
sleep 1
kill -CONT "$pid_a"

wait_row "$work/a/2026-11-28.csv" 2026-11-28T23:00:00+04:00 60 ||
	stuck a "no row at 2026-11-28T23:00"
hwm_a1=$(vmhwm "$pid_a")
stop_rec "$pid_a"
st_a=$?

analyse a Europe/Samara "$IV"
analyse b Europe/Berlin "$IV"
analyse c Europe/Berlin "$IV"

# --- A --------------------------------------------------------------------
noise a 2
noise_a=$noise
check "a: resmon record ends 0 on SIGTERM after 48 simulated hours" test "$st_a" -eq 0
check "a: one file per local date, nothing else ($(fact a files))" \
	test "$(fact a files)" = "2026-11-26.csv 2026-11-27.csv 2026-11-28.csv"
common a Europe/Samara
check "a: first row at the first boundary at least half an interval after start" \
	test "$(fact a first)" -eq $((a0 + IV))
check "a: 2026-11-26 has its last hour: 23:10 to 23:50 ($(fact a rows:2026-11-26.csv) rows)" \
	test "$(fact a rows:2026-11-26.csv)" -eq 5
check "a: no row while the clock was behind the last row ($rows_step, then $rows_later)" \
	test "$rows_step" -eq "$rows_later"
# The step back lost no boundary and repeated none.
day a 2026-11-27 00:00:00+04:00 23:50:00+04:00 144 "$noise_a"
fwd_gap=($(awk -v n="$fwd_next" '$1 == "gap" && $3 == n' "$work/a.facts"))
check "a: after the step forward the next row is the next boundary ($(date -d "@$fwd_next" +%T))" \
	test "${#fwd_gap[@]}" -eq 4
check "a: and the gap starts at most 2 h after the last row seen before the step" \
	test "${fwd_gap[1]:-0}" -ge "$fwd_from" -a "${fwd_gap[1]:-0}" -le $((fwd_from + 2 * 3600 + IV))
stop_gap=$(awk -v s="$stop_from" '$1 == "gap" && $2 >= s && $2 <= s + 3600 && $4 > m { m = $4 }
	END { print m + 0 }' "$work/a.facts")
check "a: the stop of an hour left a gap of 5-9 rows ($stop_gap)" \
	test "$stop_gap" -ge 5 -a "$stop_gap" -le 9
check "a: no gap but those two and ones the recorder logged ($(fact a gaps) gaps, $noise_a logged)" \
	test "$(fact a gaps)" -ge 2 -a "$(fact a gaps)" -le $((2 + noise_a))
check "a: last row at 2026-11-28T23:00 or one later" \
	test "$(fact a last)" -ge $((a0 + 48 * 3600)) -a "$(fact a last)" -le $((a0 + 48 * 3600 + IV))
check "a: VmHWM grew ${hwm_a0} -> ${hwm_a1} KiB from the first simulated hour (<= 64)" \
	test $((hwm_a1 - hwm_a0)) -le 64

# --- B: spring forward ----------------------------------------------------
noise b 0
noise_b=$noise
check "b: resmon record ends 0 on SIGTERM" test "$st_b" -eq 0
check "b: one file per local date ($(fact b files))" \
	test "$(fact b files)" = "2026-03-28.csv 2026-03-29.csv 2026-03-30.csv"
common b Europe/Berlin
day b 2026-03-29 00:00:00+01:00 23:50:00+02:00 138 "$noise_b"
check "b: 01:50+01:00 is followed by 03:00+02:00, no 02:xx" \
	test "$(grep -A1 '^2026-03-29T01:50:00+01:00,' "$work/b/2026-03-29.csv" |
	    cut -c1-25 | tail -n 1)" = 2026-03-29T03:00:00+02:00
check "b: no gap but ones the recorder logged ($(fact b gaps) gaps, $noise_b logged)" \
	test "$(fact b gaps)" -le "$noise_b"
check "b: VmHWM grew ${hwm_b0} -> ${hwm_b1} KiB (<= 64)" \
	test $((hwm_b1 - hwm_b0)) -le 64

# --- C: fall back ---------------------------------------------------------
noise c 0
noise_c=$noise
check "c: resmon record ends 0 on SIGTERM" test "$st_c" -eq 0
check "c: one file per local date ($(fact c files))" \
	test "$(fact c files)" = "2026-10-24.csv 2026-10-25.csv 2026-10-26.csv"
common c Europe/Berlin
day c 2026-10-25 00:00:00+02:00 23:50:00+01:00 150 "$noise_c"
check "c: the repeated hour: 02:50+02:00, then 02:00+01:00" \
	test "$(grep -A1 '^2026-10-25T02:50:00+02:00,' "$work/c/2026-10-25.csv" |
	    cut -c1-25 | tail -n 1)" = 2026-10-25T02:00:00+01:00
check "c: no gap but ones the recorder logged ($(fact c gaps) gaps, $noise_c logged)" \
	test "$(fact c gaps)" -le "$noise_c"
check "c: VmHWM grew ${hwm_c0} -> ${hwm_c1} KiB (<= 64)" \
	test $((hwm_c1 - hwm_c0)) -le 64

# --- D: a restart with the clock set back over midnight -------------------
# Recorded 23:59:55 to 00:00:15, then started again at 23:59:50 (x10) for
# 30 s: the next day's file already holds 00:00:00-00:00:15, so its first
# row is refused, and no row comes until the clock passes 00:00:15.
d0=$(TZ=UTC date -d '2026-11-27 23:59:55' +%s)
for run in "$d0 20" "$((d0 - 5)) 30"; do
	set -- $run
	fake_run d TZ=UTC FAKETIME_FMT=%s FAKETIME="@$1 x10" \
	    unshare --net "$RESMON" record -d "$work/d" -i 1 --for "$2"
	wait "$pid"
	st_d=$?
	shm_clean "$pid"
done
analyse d UTC 1
check "d: resmon record ends 0 after the restart" test "$st_d" -eq 0
check "d: both files pass the strict validator" "$DAYCHECK" "$work/d"/*.csv
check "d: one row refused, none till the clock passed 00:00:15 ($(grep -c 'row dropped' "$work/d.log"))" \
	test "$(grep -c 'row dropped' "$work/d.log")" -eq 1
check "d: then every second to 00:00:20, none twice ($(fact d gaps) gaps)" \
	test "$(fact d span:2026-11-28.csv)" = \
	"2026-11-28T00:00:00+00:00 2026-11-28T00:00:20+00:00" -a \
	"$(fact d gaps)" -eq 0 -a "$(fact d not_increasing)" -eq 0

# --- E: resmond at real speed, the wall clock alone stepping --------------
# Steps of -5 s and +3600 s, then SIGSTOP for 3 s. At x1 the spec file is
# read at every call (the steps are taken at once) and noise is not seen.
settime e "+0"
printf 'interval = 1\n' >"$work/e.conf"
fake_run e TZ=Europe/Samara FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_TIMESTAMP_FILE="$work/e.rc" \
    unshare --net "$RESMOND" -d "$work/e" --socket "$work/e.sock" \
    --config "$work/e.conf"
pid_e=$pid
status_e() {
	"$RESMON" status --socket "$work/e.sock" --json |
	    python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
sleep 3.3
[ "$(rows e)" -ge 2 ] || stuck e "no rows"
settime e "-5"
sleep 0.5
rows_step=$(rows e)
sleep 3
rows_later=$(rows e)
sleep 3
settime e "+3595"
sleep 3
kill -STOP "$pid_e"
sleep 3
kill -CONT "$pid_e"
sleep 2.2
steps_e=$(status_e clock_steps)
late_e=$(status_e late_reads)
dropped_e=$(status_e rows_dropped)
stop_rec "$pid_e"
st_e=$?
analyse e Europe/Samara 1

check "e: resmond ends 0 on SIGTERM" test "$st_e" -eq 0
check "e: every file passes the strict validator" "$DAYCHECK" "$work/e"/*.csv
check "e: times strictly increase ($(fact e not_increasing) not)" \
	test "$(fact e not_increasing)" = 0
check "e: no row while the wall clock was behind the last row ($rows_step, then $rows_later)" \
	test "$rows_step" -eq "$rows_later"
gap1=($(grep '^gap ' "$work/e.facts" | sed -n 1p))
gap2=($(grep '^gap ' "$work/e.facts" | sed -n 2p))
check "e: two gaps, none for the step back ($(fact e gaps))" test "$(fact e gaps)" -eq 2
check "e: the step forward left a gap of an hour and a row (${gap1[3]:-none} rows)" \
	test "${gap1[3]:-0}" -ge 3600 -a "${gap1[3]:-0}" -le 3602
check "e: the stop of 3 s left a gap of 3-5 rows (${gap2[3]:-none})" \
	test "${gap2[3]:-0}" -ge 3 -a "${gap2[3]:-0}" -le 5
check "e: status counts 2 clock steps ($steps_e) and 1 late read ($late_e), no drop ($dropped_e)" \
	test "$steps_e" -eq 2 -a "$late_e" -eq 1 -a "$dropped_e" -eq 0
check "e: each step logged once, with its size" \
	test "$(grep -c 'wall clock stepped by -5\.00' "$work/e.log")" -eq 1 -a \
	"$(grep -c 'wall clock stepped by +3600\.00' "$work/e.log")" -eq 1 -a \
	"$(grep -c 'wall clock stepped' "$work/e.log")" -eq 2

if [ "$tap_failed" -gt 0 ]; then
	for f in "$work"/*.facts "$work"/*.log; do
		grep -v -e '^rows:' -e '^span:' -e '^missing:' "$f" |
		    sed "s|^|# ${f##*/}: |" | head -n 40
	done
fi
