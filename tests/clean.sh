#!/bin/bash
# clean.sh - resmon clean: what it refuses, what it prints, what it removes
# SPDX-License-Identifier: MIT
#
# The command line of SPEC §6 and its exit statuses: bad usage exits 2
# with one line naming the problem, "/" is never cleaned, a folder
# outside cache_dir only with --force; --dry-run and -v print each path
# as tmpwatch --test does, then a summary. The walk's rules themselves
# are tested in test_treeclean.
set -u
. "$top_srcdir/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-clean.XXXXXX") || bail "mktemp"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
cache=$tmp/cache
printf 'cache_dir = %s\n' "$cache" >"$tmp/resmon.conf"

# tree: a cache folder with old and new files, an old folder to empty,
# an old symlink to a file outside, an excluded name.
tree() {
	rm -rf "$cache" "$tmp/outside"
	mkdir -p "$cache/plots/old-day" "$cache/csv" "$tmp/outside"
	printf '1234567890' >"$cache/plots/a.png"
	printf '12345' >"$cache/plots/old-day/b.png"
	printf 'x' >"$cache/csv/new.csv"
	printf 'keep' >"$cache/plots/c.keep"
	printf 'precious' >"$tmp/outside/target"
	ln -s "$tmp/outside/target" "$cache/link"
	touch -h -d '3 days ago' "$cache/plots/a.png" "$cache/plots/old-day/b.png" \
	    "$cache/plots/c.keep" "$cache/link" "$tmp/outside/target" \
	    "$cache/plots/old-day" "$cache/plots"
}

# run ARGS...: resmon clean ARGS with --config, out/err/rc in $tmp.
run() {
	"$RESMON" clean "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# usage_error WHAT PATTERN ARGS...: exit 2 and one stderr line matching.
usage_error() {
	local what=$1 pattern=$2
	shift 2
	run "$@"
	check "$what exits 2 with one line (exit $rc: $(head -c 200 "$tmp/err"))" \
	    sh -c "test $rc -eq 2 && test \$(wc -l <'$tmp/err') -eq 1 &&
		grep -qF -- '$pattern' '$tmp/err' && test ! -s '$tmp/out'"
}

plan 34

tree
usage_error "no folder" "resmon: clean: no folder named" --older-than 1h
usage_error "no --older-than" "clean: --older-than AGE is missing" "$cache"
usage_error "AGE 0h" 'bad age "0h": must be more than 0' \
    "$cache" --older-than 0h
usage_error "AGE 7 without unit" 'bad age "7": missing unit (s, m, h or d)' \
    "$cache" --older-than 7
usage_error "AGE 7y" 'bad age "7y": unknown unit "y"' "$cache" --older-than 7y
usage_error "AGE -1h" 'bad age "-1h": negative' "$cache" --older-than -1h
usage_error "AGE 99999999d" 'bad age "99999999d": longer than 36500d' \
    "$cache" --older-than 99999999d
run "$cache" --older-than 1h --frobnicate
check "an unknown option exits 2 with the usage (exit $rc)" \
    sh -c "test $rc -eq 2 && grep -q '^usage: resmon clean DIR' '$tmp/err'"

usage_error "/ even with --force" "resmon: clean: /: is the root folder, never cleaned" \
    / --older-than 1h --force
usage_error "/.. spelt otherwise" "clean: /..: is the root folder" \
    /.. --older-than 1h --force --config "$tmp/resmon.conf"
usage_error "a folder outside cache_dir" \
    "clean: $tmp/outside: outside the cache folder $cache (--force cleans it anyway)" \
    "$tmp/outside" --older-than 1h --config "$tmp/resmon.conf"
check "and nothing was removed there" test -f "$tmp/outside/target"
usage_error "the parent of cache_dir" "clean: $tmp: outside the cache folder" \
    "$tmp" --older-than 1h --config "$tmp/resmon.conf"
usage_error "one bad folder among good ones" "clean: $tmp/outside: outside" \
    "$cache" "$tmp/outside" --older-than 1s --config "$tmp/resmon.conf"
check "refuses before removing anything" test -f "$cache/plots/a.png"
run "$tmp/outside" --older-than 1h
check "without --config the default cache folder rules (exit $rc)" \
    sh -c "test $rc -eq 2 && grep -q 'outside the cache folder' '$tmp/err'"
ln -s "$cache" "$tmp/cache-link"
usage_error "a symlink as the folder" \
    "clean: $tmp/cache-link: is a symbolic link" \
    "$tmp/cache-link" --older-than 1h --force
run "$tmp/gone" --older-than 1h --force
check "a missing folder exits 1 naming it (exit $rc)" \
    sh -c "test $rc -eq 1 &&
	grep -qF 'resmon: clean: $tmp/gone: No such file or directory' '$tmp/err'"
printf 'cache_dir = %s\nfrobnicate = 1\n' "$cache" >"$tmp/bad.conf"
usage_error "a bad config file" "$tmp/bad.conf:2: unknown key" \
    "$cache" --older-than 1h --config "$tmp/bad.conf"

run "$cache" --older-than 1d --dry-run --exclude '*.keep' \
    --config "$tmp/resmon.conf"
cat >"$tmp/want" <<EOF
removing file $cache/link
removing file $cache/plots/a.png
removing file $cache/plots/old-day/b.png
removing directory $cache/plots/old-day
would remove 3 files (15 bytes) and 1 directory
EOF
check "--dry-run prints each path and the summary (exit $rc)" \
    sh -c "test $rc -eq 0 && cmp -s '$tmp/want' '$tmp/out' && test ! -s '$tmp/err'"
check "--dry-run removes nothing" \
    sh -c "test -f '$cache/plots/a.png' && test -L '$cache/link' &&
	test -d '$cache/plots/old-day'"

sed 's/^would remove/removed/' "$tmp/want" >"$tmp/want-v"
run "$cache/" --older-than 1d -v --exclude '*.keep' --config "$tmp/resmon.conf"
check "-v prints the same paths, then what was removed (exit $rc)" \
    sh -c "test $rc -eq 0 && cmp -s '$tmp/want-v' '$tmp/out'"
check "old files and the emptied folder are gone, new and excluded stay" \
    sh -c "test ! -e '$cache/plots/a.png' && test ! -e '$cache/plots/old-day' &&
	test -f '$cache/csv/new.csv' && test -f '$cache/plots/c.keep' &&
	test -d '$cache/plots' && test -d '$cache'"
check "the old symlink went, its target outside stayed" \
    sh -c "test ! -L '$cache/link' && test -f '$tmp/outside/target'"

tree
run "$cache" --older-than 1d --config "$tmp/resmon.conf"
check "without -v it is silent (exit $rc)" \
    sh -c "test $rc -eq 0 && test ! -s '$tmp/out' && test ! -s '$tmp/err' &&
	test ! -e '$cache/plots/a.png'"
run "$cache" --older-than 1d -v --config "$tmp/resmon.conf"
check "a second run finds nothing" \
    sh -c "test $rc -eq 0 &&
	test \"\$(cat '$tmp/out')\" = 'removed 0 files (0 bytes) and 0 directories'"

tree
run "$tmp/outside" --older-than 1d -v --force
check "--force cleans a folder outside cache_dir (exit $rc)" \
    sh -c "test $rc -eq 0 && test ! -e '$tmp/outside/target' &&
	grep -qx 'removing file $tmp/outside/target' '$tmp/out'"

tree
touch -m "$cache/plots/a.png"
run "$cache/plots" --older-than 1d --atime --dry-run --config "$tmp/resmon.conf"
check "--atime judges by access time: a file written now but read long ago" \
    grep -qx "removing file $cache/plots/a.png" "$tmp/out"
run "$cache/plots" --older-than 1d --dry-run --config "$tmp/resmon.conf"
check "and without --atime it stays" \
    sh -c "! grep -q 'a.png' '$tmp/out'"

# The quick start's cache_dir is relative: ./cache from where it runs.
printf 'cache_dir = ./cache\n' >"$tmp/rel.conf"
(cd "$tmp" && "$RESMON" clean cache/plots --older-than 1d \
    --config rel.conf) >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a relative cache_dir is taken from the working folder (exit $rc)" \
    sh -c "test $rc -eq 0 && test ! -e '$cache/plots/c.keep'"

tree
name=$'bad\033[31mname'
printf 'x' >"$cache/$name"
touch -d '3 days ago' "$cache/$name"
run "$cache" --older-than 1d --dry-run --config "$tmp/resmon.conf"
check "control bytes in names are printed as ?" \
    grep -qxF "removing file $cache/bad?[31mname" "$tmp/out"

# A removal that fails: a folder the user cannot write.
tree
chmod 0755 "$tmp"
if [ "$(id -u)" -eq 0 ]; then
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	as_user() { "$@"; }
	chmod a-w "$cache/plots/old-day"
fi
as_user "$RESMON" clean "$cache" --older-than 1d --force >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a failed removal exits 1 and names the file (exit $rc: $(head -1 "$tmp/err"))" \
    sh -c "test $rc -eq 1 &&
	grep -q '^resmon: $cache/.*: unlink: Permission denied\$' '$tmp/err'"
chmod -R u+w "$cache"

"$RESMON" --help >"$tmp/out"
check "resmon --help lists clean" \
    grep -q 'resmon clean  DIR\.\.\. --older-than AGE' "$tmp/out"
"$RESMON" clean --help >"$tmp/out"
rc=$?
check "clean --help exits 0 with the usage" \
    sh -c "test $rc -eq 0 && grep -q '^usage: resmon clean DIR' '$tmp/out'"

exit $((tap_failed > 0))
