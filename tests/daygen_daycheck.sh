#!/bin/sh
# daygen_daycheck.sh - generated days pass the strict validator; broken copies do not
# SPDX-License-Identifier: MIT
#
# daycheck is the oracle of the crash tests, so it is shown here both to
# accept what the format allows (a 25-hour DST day, a 23-hour one, gaps,
# an interface appearing at noon) and to reject what a crash or a bug
# would leave behind.
set -u

bin=${top_builddir:-.}/tests
tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-daygen.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# rows FILE: data rows (lines after the header).
rows() {
	echo $(($(wc -l <"$1") - 1))
}

# rejects DESCRIPTION FILE MESSAGE: daycheck exits 1 saying MESSAGE.
rejects() {
	"$bin/daycheck" "$2" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF -- "$3" "$tmp/err"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# exit $rc, stderr: $(cat "$tmp/err")"
		echo "# wanted: $3"
	fi
}

echo 1..17

fall=$tmp/2026-10-25.csv
check "daygen writes Europe/Berlin's 25-hour 2026-10-25" \
    "$bin/daygen" --tz Europe/Berlin --date 2026-10-25 -o "$fall"
check "the fall-back day has 90000 rows (got $(rows "$fall"))" \
    test "$(rows "$fall")" -eq 90000
check "the repeated hour carries its new offset" \
    grep -q '^2026-10-25T02:30:00+01:00,' "$fall"
check "daycheck accepts the fall-back day" "$bin/daycheck" "$fall"

spring=$tmp/2026-03-29.csv
"$bin/daygen" --tz Europe/Berlin --date 2026-03-29 -o "$spring"
check "the spring-forward day has 82800 rows and passes daycheck" \
    sh -c "test $(rows "$spring") -eq 82800 && '$bin/daycheck' '$spring'"

day=$tmp/2026-11-27.csv
check "daygen writes a Europe/Samara day with gaps and a late interface" \
    "$bin/daygen" --tz Europe/Samara --gaps --late-iface -o "$day"
check "daycheck accepts it" "$bin/daycheck" "$day"
check "its gaps leave 86400 - 300 - 90 - 1 rows" \
    test "$(rows "$day")" -eq 86009
check "the late interface is empty before noon, then has rates" \
    sh -c "grep -q '^2026-11-27T11:59:59+04:00,.*,,\$' '$day' &&
	grep -q '^2026-11-27T12:00:01+04:00,.*,[0-9]*,[0-9]*\$' '$day'"
check "the 100% spike is at 12:34:56" \
    grep -q '^2026-11-27T12:34:56+04:00,100.00,' "$day"
check "the default day is about 10 MB" \
    sh -c "size=\$(wc -c <'$day'); test \$size -gt 9000000 &&
	test \$size -lt 11000000"

"$bin/daygen" --tz Europe/Samara --gaps --late-iface -o "$tmp/again.csv"
"$bin/daygen" --tz Europe/Samara --gaps --late-iface --seed 2 \
    -o "$tmp/seed2.csv"
check "the same seed gives the same bytes, another seed others" \
    sh -c "cmp -s '$day' '$tmp/again.csv' &&
	! cmp -s '$day' '$tmp/seed2.csv'"

last=$(wc -l <"$day")
broken=$tmp/torn/2026-11-27.csv
mkdir -p "$tmp/torn"
head -c -10 "$day" >"$broken"
rejects "daycheck rejects a torn last line" "$broken" \
    "$broken:$last: last line lacks \\n"

broken=$tmp/swap/2026-11-27.csv
mkdir -p "$tmp/swap"
awk 'NR == 101 { held = $0; next } NR == 102 { print; print held; next }
	{ print }' "$day" >"$broken"
rejects "daycheck rejects a swapped pair of rows" "$broken" \
    "$broken:102: time 2026-11-27T00:01:39+04:00 is not after"

broken=$tmp/short/2026-11-27.csv
mkdir -p "$tmp/short"
sed '500s/,[^,]*$//' "$day" >"$broken"
rejects "daycheck rejects a short row in the middle" "$broken" \
    "$broken:500: 12 cells, header has 13"

broken=$tmp/zulu/2026-11-27.csv
mkdir -p "$tmp/zulu"
sed '2s/^2026-11-27T00:00:00+04:00/2026-11-26T20:00:00Z/' "$day" >"$broken"
rejects "daycheck rejects a Z offset" "$broken" \
    "$broken:2: bad time \"2026-11-26T20:00:00Z\""

cp "$day" "$tmp/2026-11-28.csv"
rejects "daycheck rejects rows of another day than the file's" \
    "$tmp/2026-11-28.csv" \
    "$tmp/2026-11-28.csv:2: time 2026-11-27T00:00:00+04:00 is not on"
