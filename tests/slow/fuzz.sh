#!/bin/bash
# fuzz.sh - every libFuzzer target of fuzz/ for 60 s with ASan and UBSan, two
# at a time on the two cores (8 targets: ~4 min, plus ~15 s to build): no
# crash, and the executions and coverage each reached
# SPDX-License-Identifier: MIT
. "$top_srcdir/tests/tap.sh"

# FUZZ_SECONDS shortens or lengthens the run; fuzz/run.sh does the work.
secs=${FUZZ_SECONDS:-60}
read -ra targets < <("$top_srcdir/fuzz/run.sh" --list)
[ "${#targets[@]}" -gt 0 ] || bail "fuzz/run.sh --list"
plan "${#targets[@]}"
command -v clang >/dev/null || bail "clang not found (apt-get install clang)"

build=$(mktemp -d "${TMPDIR:-/tmp}/resmon-fuzz.XXXXXX") || bail "mktemp"
FUZZ_BUILD=$build FUZZ_JOBS=2 FUZZ_CONFIG_H=$top_builddir \
	"$top_srcdir/fuzz/run.sh" "$secs" >"$build/summary" 2>"$build/run.err"
rc=$?
sed 's/^/# /' "$build/run.err"

for t in "${targets[@]}"; do
	line=$(grep "^$t: " "$build/summary" | head -n 1)
	case $line in
	"$t: ok: "*) ok "$t: ${line#"$t: ok: "}" ;;
	"$t: CRASH: "*)
		not_ok "$t: ${line#"$t: "}"
		grep "^$t:   " "$build/summary" | sed 's/^/# /'
		;;
	*) not_ok "$t: no result (fuzz/run.sh exited $rc)" ;;
	esac
done

# Kept when something failed: the crashing inputs and the logs.
if [ "$tap_failed" -eq 0 ] && [ "$rc" -eq 0 ]; then
	rm -rf "$build"
else
	echo "# build, logs and crashes kept in $build"
fi
exit $((tap_failed > 0))
