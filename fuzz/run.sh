#!/bin/bash
# run.sh - build the libFuzzer targets with ASan and UBSan and run each for a
# while; a crash fails the run and its input is kept
# SPDX-License-Identifier: MIT
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]
#
# Runs each TARGET (default: all, see `fuzz/run.sh --list`) for SECONDS
# (default 60) with -max_total_time, -rss_limit_mb=1024 and -timeout=5,
# FUZZ_JOBS of them at once (default 2, the machine's cores), and prints a
# line per target:
#   fuzz_query: ok: 2841234 execs, cov 312, ft 1290, corpus 410, 60 s
#   fuzz_conf: CRASH: input saved as DIR/crashes/fuzz_conf-crash-0a1b..., log DIR/log/fuzz_conf.log
# cov and ft are libFuzzer's final counts of covered edges and features.
# Exits 0 when no target crashed, 1 when one did (or leaked, timed out or
# ran out of memory), 2 when the build failed or the usage was wrong.
#
# Everything is built in FUZZ_BUILD (default: a new folder under $TMPDIR),
# never in the source tree: the library sources the targets need and the
# targets, with clang -g -O1 -fsanitize=fuzzer,address,undefined. config.h
# is taken from FUZZ_CONFIG_H (a folder), $top_builddir, an in-tree
# ./configure, or else a ./configure run in FUZZ_BUILD/config (needs
# ./autogen.sh first). Inputs libFuzzer finds go to FUZZ_BUILD/corpus,
# never into fuzz/corpus (the seeds): merge good ones back by hand with
#   FUZZ_BUILD/bin/fuzz_x -merge=1 fuzz/corpus/fuzz_x FUZZ_BUILD/corpus/fuzz_x
# A crash is reproduced with `FUZZ_BUILD/bin/fuzz_x FILE`.
# shellcheck disable=SC2317 # functions run through run_limited
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 2
all_targets=(fuzz_datearg fuzz_agearg fuzz_timearg fuzz_query fuzz_ctlproto
	fuzz_conf fuzz_dayreader fuzz_daytail)
# The library modules the targets reach; the archive gives each target
# only what it links. plot.c and apijson.c (libgd, json-c) are not here.
lib_modules=(agearg conf ctlproto datearg dayreader dayrecord daytail errmsg
	parse query timearg timestamp xalloc)

die() {
	echo "fuzz/run.sh: $*" >&2
	exit 2
}

if [ "${1:-}" = --list ]; then
	echo "${all_targets[*]}"
	exit 0
fi
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	sed -n '6,26p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
secs=${1:-60}
case $secs in
'' | *[!0-9]*) die "bad SECONDS \"$secs\" (a whole number)" ;;
esac
[ "$secs" -ge 1 ] || die "bad SECONDS \"$secs\" (at least 1)"
[ $# -gt 0 ] && shift
targets=("$@")
[ $# -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
	case " ${all_targets[*]} " in
	*" $t "*) ;;
	*) die "unknown target \"$t\" (one of: ${all_targets[*]})" ;;
	esac
done
jobs=${FUZZ_JOBS:-2}
case $jobs in
'' | *[!0-9]* | 0) die "bad FUZZ_JOBS \"$jobs\"" ;;
esac

cc=${CC:-clang}
command -v "$cc" >/dev/null || die "$cc not found (apt-get install clang)"
build=${FUZZ_BUILD:-}
if [ -z "$build" ]; then
	build=$(mktemp -d "${TMPDIR:-/tmp}/resmon-fuzz.XXXXXX") ||
		die "mktemp failed"
fi
mkdir -p "$build/obj" "$build/bin" "$build/log" "$build/crashes" \
	"$build/corpus" || die "cannot make $build"
build=$(cd "$build" && pwd)

# config.h: the one configure wrote for this tree, or a fresh one.
confdir=
for d in "${FUZZ_CONFIG_H:-}" "${top_builddir:-}" "$srcdir"; do
	if [ -n "$d" ] && [ -f "$d/config.h" ]; then
		confdir=$d
		break
	fi
done
if [ -z "$confdir" ]; then
	[ -x "$srcdir/configure" ] || die "no config.h and no $srcdir/configure: run ./autogen.sh"
	mkdir -p "$build/config" || die "cannot make $build/config"
	echo "fuzz/run.sh: configuring in $build/config" >&2
	(cd "$build/config" && "$srcdir/configure" -q CC="$cc") \
		>"$build/log/configure.log" 2>&1 ||
		die "configure failed, see $build/log/configure.log"
	confdir=$build/config
fi
confdir=$(cd "$confdir" && pwd)

# -fno-sanitize-recover: a UBSan finding aborts, so libFuzzer keeps the input.
# shellcheck disable=SC2054 # commas inside one flag
cflags=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
	-fno-omit-frame-pointer -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2
	-Wmissing-prototypes -Wstrict-prototypes)
cppflags=(-I"$confdir" -I"$srcdir/src/lib" -I"$srcdir/fuzz")
# shellcheck disable=SC2012 # our own file names: no blanks, no newlines
newest_header=$(ls -t "$srcdir"/src/lib/*.h "$srcdir"/fuzz/*.h \
	"$confdir/config.h" | head -n 1)

# compile SRC OBJ FLAGS...: only when OBJ is older than SRC or a header.
compile() {
	local src=$1 obj=$2
	shift 2
	if [ -f "$obj" ] && [ "$obj" -nt "$src" ] &&
		[ "$obj" -nt "$newest_header" ]; then
		return 0
	fi
	rm -f "$obj.failed"
	"$cc" "${cflags[@]}" "$@" "${cppflags[@]}" -c "$src" -o "$obj" 2>"$obj.log" || {
		cat "$obj.log" >&2
		: >"$obj.failed"
		return 1
	}
	[ -s "$obj.log" ] && cat "$obj.log" >&2
	return 0
}

# run_limited CMD...: runs CMD in the background, at most $jobs at once;
# wait for them all with `wait`.
run_limited() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	"$@" &
}

echo "fuzz/run.sh: building in $build (config.h from $confdir)" >&2
for m in "${lib_modules[@]}"; do
	run_limited compile "$srcdir/src/lib/$m.c" "$build/obj/$m.o" \
		-fsanitize=fuzzer-no-link
done
run_limited compile "$srcdir/fuzz/fuzzutil.c" "$build/obj/fuzzutil.o" \
	-fsanitize=fuzzer-no-link
for t in "${targets[@]}"; do
	run_limited compile "$srcdir/fuzz/$t.c" "$build/obj/$t.o" \
		-fsanitize=fuzzer-no-link
done
wait
ls "$build"/obj/*.failed >/dev/null 2>&1 && die "build failed"
rm -f "$build/obj/libresmon-fuzz.a"
(cd "$build/obj" && ar rc libresmon-fuzz.a "${lib_modules[@]/%/.o}" &&
	ranlib libresmon-fuzz.a) || die "ar failed"
for t in "${targets[@]}"; do
	"$cc" "${cflags[@]}" -fsanitize=fuzzer "$build/obj/$t.o" \
		"$build/obj/fuzzutil.o" "$build/obj/libresmon-fuzz.a" \
		-lcsv -lpthread -lm -o "$build/bin/$t" || die "linking $t failed"
done

# The dictionary a target uses, if any: tokens the parser compares with.
dict_of() {
	case $1 in
	fuzz_dayreader | fuzz_daytail) echo "$srcdir/fuzz/dict/day.dict" ;;
	*) echo "$srcdir/fuzz/dict/${1#fuzz_}.dict" ;;
	esac
}

# fuzz TARGET: one libFuzzer run; its exit status in log/TARGET.rc.
fuzz() {
	local t=$1 dict rc
	local -a args
	dict=$(dict_of "$t")
	args=(-max_total_time="$secs" -rss_limit_mb=1024 -timeout=5
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t-")
	[ -f "$dict" ] && args+=(-dict="$dict")
	mkdir -p "$build/corpus/$t"
	rm -f "$build/crashes/$t-"*
	# New inputs go to the first folder: the build's, not the seeds'.
	UBSAN_OPTIONS=print_stacktrace=1 "$build/bin/$t" "${args[@]}" \
		"$build/corpus/$t" "$srcdir/fuzz/corpus/$t" \
		>"$build/log/$t.log" 2>&1
	rc=$?
	echo "$rc" >"$build/log/$t.rc"
}

# report TARGET: its line, from libFuzzer's last status line and stats.
report() {
	local t=$1 log=$build/log/$1.log rc status execs cov ft corp saved
	rc=$(cat "$build/log/$t.rc" 2>/dev/null || echo 2)
	status=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	[ -n "$execs" ] || execs=$(echo "$status" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$status" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		echo "$t: ok: ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, $secs s"
		return 0
	fi
	saved=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		tail -n 1)
	echo "$t: CRASH: input saved as ${saved:-(none)}, log $log (${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?})"
	# The report itself: what libFuzzer and the sanitizers said.
	grep -E 'ERROR: |runtime error|invariant does not hold|SUMMARY: ' \
		"$log" | head -n 5 | sed "s/^/$t:   /"
	return 1
}

echo "fuzz/run.sh: $secs s per target, $jobs at once: ${targets[*]}" >&2
for t in "${targets[@]}"; do
	run_limited fuzz "$t"
done
wait
failed=0
for t in "${targets[@]}"; do
	report "$t" || failed=1
done
echo "fuzz/run.sh: build, logs and crashes in $build" >&2
exit $failed
