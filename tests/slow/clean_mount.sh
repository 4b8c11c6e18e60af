#!/bin/bash
# clean_mount.sh - resmon clean never descends into a mounted folder: a
# tmpfs inside the tree, a bind mount of a folder outside it (same file
# system, same st_dev), and a cache folder that is a mount itself
# SPDX-License-Identifier: MIT
set -u
. "$top_srcdir/tests/tap.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root to mount a tmpfs (CI runs as root)"
	exit 0
fi
command -v mountpoint >/dev/null || bail "mountpoint (util-linux) is missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/resmon-clean-mount.XXXXXX") || bail "mktemp"
mounts=()
cleanup() {
	local i ok=1
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" ||
		    ok=0
	done
	# Never remove through a mount that is still there.
	[ $ok -eq 1 ] && rm -rf --one-file-system "$work"
}
trap cleanup EXIT INT TERM

# mnt DIR ARGS...: mount ARGS on DIR, remembered for the cleanup.
mnt() {
	local dir=$1
	shift
	mount "$@" "$dir" || bail "mount $* $dir"
	mounts+=("$dir")
}

# old FILE...: files (or folders, links) three days old.
old() { touch -h -d '3 days ago' "$@"; }

cache=$work/cache
outside=$work/outside
mkdir -p "$cache/tmpfs" "$cache/bind" "$cache/a/b/deep" "$outside"
mnt "$cache/tmpfs" -t tmpfs -o size=1m,mode=0755 tmpfs
mnt "$cache/a/b/deep" -t tmpfs -o size=1m,mode=0755 tmpfs
mnt "$cache/bind" --bind "$outside"
for f in "$cache/old.png" "$cache/tmpfs/on-tmpfs.png" "$outside/precious" \
    "$cache/a/b/old.png" "$cache/a/b/deep/on-tmpfs.png"; do
	echo data >"$f" || bail "write $f"
done
mkdir "$cache/tmpfs/sub"
echo data >"$cache/tmpfs/sub/old.png"
old "$cache/old.png" "$cache/tmpfs/on-tmpfs.png" "$cache/tmpfs/sub/old.png" \
    "$cache/tmpfs/sub" "$outside/precious" "$cache/a/b/old.png" \
    "$cache/a/b/deep/on-tmpfs.png" "$cache/tmpfs" "$cache/bind" \
    "$cache/a/b/deep" "$cache/a/b" "$cache/a"

plan 10
printf 'cache_dir = %s\n' "$cache" >"$work/resmon.conf"
"$RESMON" clean "$cache" --older-than 1d -v --config "$work/resmon.conf" \
    >"$work/out" 2>"$work/err"
rc=$?
check "clean exits 0 (exit $rc: $(head -c 300 "$work/err" | tr "\n" " "))" \
    test $rc -eq 0
check "old files of the tree's own file system went" \
    sh -c "test ! -e '$cache/old.png' && test ! -e '$cache/a/b/old.png'"
check "nothing on the tmpfs inside the tree was touched" \
    sh -c "test -f '$cache/tmpfs/on-tmpfs.png' &&
	test -f '$cache/tmpfs/sub/old.png' &&
	test -f '$cache/a/b/deep/on-tmpfs.png'"
check "the folder outside, bind-mounted inside, was not entered" \
    test -f "$outside/precious"
check "the mount points and the folders holding them stay mounted" \
    sh -c "mountpoint -q '$cache/tmpfs' && mountpoint -q '$cache/bind' &&
	mountpoint -q '$cache/a/b/deep'"
check "-v says why: another file system, a mount point" \
    sh -c "grep -qx 'resmon: $cache/tmpfs: on another file system, not entered' '$work/err' &&
	grep -qx 'resmon: $cache/bind: a mount point, not entered' '$work/err'"
check "-v lists only the tree's own files (got: $(tr '\n' ' ' <"$work/out"))" \
    test "$(cat "$work/out")" = "removing file $cache/a/b/old.png
removing file $cache/old.png
removed 2 files (10 bytes) and 0 directories"

# A cache folder that is a mount itself: its own file system is walked.
root=$work/root
mkdir -p "$root"
mnt "$root" -t tmpfs -o size=1m,mode=0755 tmpfs
mkdir -p "$root/x/y"
echo data >"$root/x/y/old.png"
echo data >"$root/new.png"
old "$root/x/y/old.png" "$root/x/y" "$root/x" "$root"
"$RESMON" clean "$root" --older-than 1d -v --force >"$work/out" 2>"$work/err"
rc=$?
check "a cache folder on its own tmpfs is cleaned (exit $rc)" \
    sh -c "test $rc -eq 0 && test ! -e '$root/x' && test -f '$root/new.png'"
check "its emptied folders went, the root stayed mounted" \
    sh -c "grep -qx 'removing directory $root/x' '$work/out' &&
	mountpoint -q '$root'"

# "/" reached through a bind mount is still "/": refused even with --force.
mkdir -p "$work/slash"
mnt "$work/slash" --bind /
"$RESMON" clean "$work/slash" --older-than 1d --force >"$work/out" \
    2>"$work/err"
rc=$?
check "a bind mount of / is refused as the root folder (exit $rc)" \
    sh -c "test $rc -eq 2 && test ! -s '$work/out' &&
	grep -qx 'resmon: clean: $work/slash: is the root folder, never cleaned' '$work/err'"

exit $((tap_failed > 0))
