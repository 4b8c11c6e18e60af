# tap.sh - TAP output for shell tests: source it, then call ok/not_ok/check
# SPDX-License-Identifier: MIT

tap_n=0
tap_failed=0

# plan N: the number of results this script will report.
plan() { echo "1..$1"; }

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: one result from a command's exit status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# bail REASON: stop the whole script as failed (a missing tool is a failure, not a skip).
bail() { echo "Bail out! $*"; exit 1; }

# The programs under test, from the build tree automake names.
: "${top_builddir:?run under make check}"
: "${top_srcdir:?run under make check}"
RESMON=$top_builddir/src/resmon/resmon
DAYCHECK=$top_builddir/tests/daycheck
