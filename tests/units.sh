#!/bin/bash
# units.sh - the systemd units, sysusers.d and tmpfiles.d files as built
# SPDX-License-Identifier: MIT
#
# PID 1 is no systemd here, so nothing runs: systemd-analyze verify
# (clean: any output fails, it exits 0 on unknown keys) over a root
# holding the units, the programs they execute and a copy of
# /lib/systemd/system; systemd-analyze security --offline under 2.0 per
# service; then per unit the keys it needs to work and those that would
# break it (resmond must see the host's interfaces and /proc/stat, the
# worker must take its socket on fd 0 and log to the journal), that the
# units, the config, the site and the two files agree on users, folders
# and sockets, and systemd-sysusers / systemd-tmpfiles on a scratch root.
set -u
. "$top_srcdir/tests/tap.sh"

for tool in systemd-analyze systemd-sysusers systemd-tmpfiles; do
	command -v "$tool" >/dev/null || bail "$tool is needed (apt-get install systemd)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-units.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
root=$tmp/root
unitdir=$root/lib/systemd/system
SERVICES="resmond.service resmon-fcgi.service resmon-clean.service"
UNITS="$SERVICES resmon-fcgi.socket resmon-clean.timer"

# unit_file NAME: the built unit (generated .service, or the source).
unit_file() {
	if [ -f "$top_builddir/systemd/$1" ]; then
		echo "$top_builddir/systemd/$1"
	else
		echo "$top_srcdir/systemd/$1"
	fi
}

# The root: systemd's own units, ours, and every program an Exec line
# names at its path (ours from the build tree, others from the host).
mkdir -p "$root/lib/systemd" "$tmp/man/man1" "$tmp/man/man5" \
    "$tmp/man/man8" || bail "mkdir"
cp -a /lib/systemd/system "$root/lib/systemd/" || bail "copy /lib/systemd/system"
for u in $UNITS; do
	f=$(unit_file "$u")
	[ -f "$f" ] || bail "$u not built (make first)"
	cp "$f" "$unitdir/$u" || bail "copy $u"
done
for prog in $(sed -n 's/^Exec[A-Za-z]*=[-+@!:]*\([^ ]*\).*/\1/p' \
    $(for u in $SERVICES; do echo "$unitdir/$u"; done) | sort -u); do
	case ${prog##*/} in
	resmond) from=$top_builddir/src/resmond/resmond ;;
	resmon-fcgi) from=$top_builddir/src/resmon-fcgi/resmon-fcgi ;;
	resmon) from=$top_builddir/src/resmon/resmon ;;
	*) from=$prog ;;
	esac
	mkdir -p "$root${prog%/*}" && cp "$from" "$root$prog" ||
	    bail "copy $from to $root$prog"
done
# The Documentation= pages must resolve: verify runs man(1) on them.
for page in "$top_builddir"/man/*.[158]; do
	cp "$page" "$tmp/man/man${page##*.}/" || bail "copy $page"
done
export MANPATH=$tmp/man

plan 55

# verify UNIT...: systemd-analyze verify exits 0 and prints nothing.
verify() {
	(cd "$unitdir" && systemd-analyze verify --root="$root" "$@") \
	    >"$tmp/verify.out" 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/verify.out" ]
}

for u in $UNITS; do
	check "systemd-analyze verify $u: clean$(verify "$u" ||
	    printf ' (%s)' "$(head -c 300 "$tmp/verify.out")")" verify "$u"
done

# The check above sees what it should: a misspelt key is reported.
sed 's/^ProtectHome=/ProtectHomme=/' "$unitdir/resmond.service" \
    >"$unitdir/resmond-typo.service"
verify resmond-typo.service
check "systemd-analyze verify reports a misspelt key" \
    grep -q ProtectHomme "$tmp/verify.out"
rm -f "$unitdir/resmond-typo.service"

for u in $SERVICES; do
	systemd-analyze security --offline=true --threshold=19 \
	    --root="$root" "$u" >"$tmp/sec.out" 2>&1
	rc=$?
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$tmp/sec.out")
	check "$u: exposure $score, under 2.0 (exit $rc)" \
	    test "$rc" -eq 0 -a -n "$score"
done

# val UNIT KEY: the values of KEY in UNIT, one a line.
val() { sed -n "s/^$2=//p" "$unitdir/$1"; }

# has UNIT KEY VALUE: KEY=VALUE is one of UNIT's lines.
has() { val "$1" "$2" | grep -qxF -- "$3"; }

# lacks UNIT KEY VALUE-REGEX: no KEY line whose value matches.
lacks() { ! val "$1" "$2" | grep -qE -- "$3"; }

# word_in UNIT KEY WORD: WORD is one of the blank-separated words of KEY.
word_in() { val "$1" "$2" | tr ' ' '\n' | grep -qxF -- "$3"; }

# unix_ok UNIT: AF_UNIX sockets allowed (no list, or one naming AF_UNIX).
unix_ok() {
	! val "$1" RestrictAddressFamilies | grep -q . ||
	    { word_in "$1" RestrictAddressFamilies AF_UNIX &&
	    ! val "$1" RestrictAddressFamilies | grep -q '^~'; }
}

# keys_check UNIT KEY=VALUE...: one result for all of them.
keys_check() {
	local u=$1 kv missing=""
	shift
	for kv in "$@"; do
		has "$u" "${kv%%=*}" "${kv#*=}" || missing="$missing $kv"
	done
	check "$u has$(printf ' %s' "$@")${missing:+ (missing:$missing)}" \
	    test -z "$missing"
}

d=resmond.service
keys_check $d Type=simple User=resmon Group=resmon StateDirectory=resmon \
    RuntimeDirectory=resmon RuntimeDirectoryMode=0750 UMask=0022
check "$d: no PrivateNetwork (it records the host's interfaces)" \
    lacks $d PrivateNetwork '^(yes|true|on|1)$'
check "$d: no ProcSubset=pid (it reads /proc/stat and /proc/meminfo)" \
    lacks $d ProcSubset '^pid$'
check "$d: no NetworkNamespacePath or JoinsNamespaceOf" \
    sh -c "! grep -qE '^(NetworkNamespacePath|JoinsNamespaceOf)=' '$unitdir/$d'"
check "$d: may make its unix socket (AF_UNIX allowed)" \
    unix_ok $d
check "$d: not DynamicUser (files stay resmon's)" \
    lacks $d DynamicUser '^(yes|true|on|1)$'
check "$d: no InaccessiblePaths or TemporaryFileSystem over /proc, /var/lib" \
    sh -c "! grep -qE '^(InaccessiblePaths|TemporaryFileSystem|ReadOnlyPaths)=.*(/proc|/var/lib)' '$unitdir/$d'"
# exec_is UNIT KEY REGEX: the command line of KEY matches REGEX.
exec_is() { val "$1" "$2" | grep -qE -- "$3"; }
check "$d: runs resmond without -d or --socket (config and defaults decide)" \
    exec_is $d ExecStart '^/.*/resmond$'
check "$d: reloads with SIGHUP" exec_is $d ExecReload 'kill -HUP \$MAINPID$'

w=resmon-fcgi.service
keys_check $w Type=simple StandardInput=socket StandardOutput=journal \
    StandardError=journal User=resmon-fcgi Group=resmon-fcgi \
    CacheDirectory=resmon UMask=0022
check "$w: in group resmon (resmond's socket, the token)" \
    word_in $w SupplementaryGroups resmon
check "$w: makes the token as root before it starts" \
    exec_is $w ExecStartPre '^\+/.*/resmon-fcgi --init-token$'
check "$w: takes its socket (no --listen) and the config's workers" \
    exec_is $w ExecStart '^/.*/resmon-fcgi$'
check "$w: may reach resmond's socket (AF_UNIX allowed)" \
    unix_ok $w
check "$w: needs its socket unit" word_in $w Requires resmon-fcgi.socket
check "$w: no PrivateUsers (its group resmon would be unmapped)" \
    lacks $w PrivateUsers '^(yes|true|on|1)$'

s=resmon-fcgi.socket
keys_check $s ListenStream=/run/resmon-fcgi/fcgi.sock Accept=no \
    SocketGroup=www-data SocketMode=0660

c=resmon-clean.service
keys_check $c Type=oneshot User=resmon-fcgi Group=resmon-fcgi \
    CacheDirectory=resmon
check "$c: resmon clean /var/cache/resmon --older-than 1h" \
    exec_is $c ExecStart '^/.*/resmon clean /var/cache/resmon --older-than 1h$'
check "$c: the cache's owner is the worker's user" \
    test "$(val $c User)" = "$(val $w User)"
keys_check resmon-clean.timer OnCalendar=hourly Persistent=true \
    WantedBy=timers.target
check "resmon-clean.timer starts resmon-clean.service (no Unit= elsewhere)" \
    lacks resmon-clean.timer Unit '.'

# systemctl enable, as the README says, wires them to their targets.
systemctl --root="$root" enable resmond.service resmon-fcgi.socket \
    resmon-clean.timer >"$tmp/enable.out" 2>&1
rc=$?
wants=$root/etc/systemd/system
check "systemctl enable: resmond at boot, the socket, the timer (exit $rc)" \
    test "$rc" -eq 0 -a -L "$wants/multi-user.target.wants/resmond.service" \
    -a -L "$wants/sockets.target.wants/resmon-fcgi.socket" \
    -a -L "$wants/timers.target.wants/resmon-clean.timer"
rm -rf "$wants"
systemctl --root="$root" enable resmon-fcgi.service >"$tmp/enable.out" 2>&1
rc=$?
check "systemctl enable resmon-fcgi.service enables its socket (exit $rc)" \
    test "$rc" -eq 0 -a -L "$wants/sockets.target.wants/resmon-fcgi.socket"

# Sandboxing that every service keeps (the score's main items).
for u in $SERVICES; do
	keys_check "$u" NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
	    PrivateTmp=yes PrivateDevices=yes CapabilityBoundingSet=
done

# The other files agree with the units.
conf=$top_builddir/conf/resmon.conf
site=$top_builddir/conf/sites-available/resmon
[ -f "$conf" ] && [ -f "$site" ] || bail "conf/resmon.conf or the site not built"
cval() { sed -n "s/^$1 = //p" "$conf"; }
check "config: data_dir below /var/lib/\$StateDirectory" \
    test "$(cval data_dir)" = "/var/lib/$(val $d StateDirectory)/telemetry"
check "config: cache_dir is /var/cache/\$CacheDirectory" \
    test "$(cval cache_dir)" = "/var/cache/$(val $w CacheDirectory)"
check "config: socket inside resmond's RuntimeDirectory" \
    test "$(cval socket)" = "/run/$(val $d RuntimeDirectory)/resmond.sock"
check "site: fastcgi_pass to the socket unit's ListenStream" \
    grep -qF "fastcgi_pass unix:$(val $s ListenStream);" "$site"
check "site: day files from the config's data_dir" \
    grep -qF "alias $(cval data_dir)/;" "$site"
check "site: cache files from the config's cache_dir" \
    grep -qF "alias $(cval cache_dir)/;" "$site"

# systemd-sysusers and systemd-tmpfiles on a scratch root with the
# host's users: resmon and resmon-fcgi come, resmon-fcgi in group
# resmon; the folders get the owners and modes SPEC §2, §3 want.
sroot=$tmp/sysroot
mkdir -p "$sroot/etc" || bail "mkdir"
cp /etc/passwd /etc/group /etc/shadow /etc/gshadow "$sroot/etc/" ||
    bail "copy /etc/passwd and friends"
systemd-sysusers --root="$sroot" "$top_srcdir/systemd/sysusers.d/resmon.conf" \
    >"$tmp/sysusers.out" 2>&1
rc=$?
check "systemd-sysusers applies sysusers.d/resmon.conf (exit $rc)" \
    test "$rc" -eq 0
uid() { awk -F: -v n="$1" '$1 == n { print $3 }' "$sroot/etc/passwd"; }
gid() { awk -F: -v n="$1" '$1 == n { print $3 }' "$sroot/etc/group"; }
check "users resmon and resmon-fcgi, groups resmon and resmon-fcgi" \
    test -n "$(uid resmon)" -a -n "$(uid resmon-fcgi)" \
    -a -n "$(gid resmon)" -a -n "$(gid resmon-fcgi)"
check "resmon-fcgi is a member of group resmon" \
    sh -c "awk -F: '\$1 == \"resmon\" { print \$4 }' '$sroot/etc/group' |
	tr , '\n' | grep -qx resmon-fcgi"
check "their shell is nologin" \
    sh -c "grep -E '^resmon(-fcgi)?:' '$sroot/etc/passwd' | grep -qv nologin && exit 1 || exit 0"
systemd-tmpfiles --root="$sroot" --create \
    "$top_srcdir/systemd/tmpfiles.d/resmon.conf" >"$tmp/tmpfiles.out" 2>&1
rc=$?
check "systemd-tmpfiles --create applies tmpfiles.d/resmon.conf (exit $rc)" \
    test "$rc" -eq 0
# owner DIR MODE USER GROUP: stat agrees (numeric, from the scratch root).
owner() {
	test "$(stat -c '%a %u %g' "$sroot$1")" = "$2 $(uid "$3") $(gid "$4")"
}
check "/var/lib/resmon 755 resmon:resmon" \
    owner /var/lib/resmon 755 resmon resmon
check "/var/lib/resmon/telemetry 755 resmon:resmon (nginx, the worker read)" \
    owner /var/lib/resmon/telemetry 755 resmon resmon
check "/var/cache/resmon 755 resmon-fcgi:resmon-fcgi (nginx reads)" \
    owner /var/cache/resmon 755 resmon-fcgi resmon-fcgi
check "tmpfiles owners are the units' users" \
    sh -c "grep -qE '^d +/var/lib/resmon/telemetry +[0-7]+ +$(val $d User) ' \
	'$top_srcdir/systemd/tmpfiles.d/resmon.conf' &&
	grep -qE '^d +/var/cache/resmon +[0-7]+ +$(val $w User) ' \
	'$top_srcdir/systemd/tmpfiles.d/resmon.conf'"
check "tmpfiles' cache mode is the unit's CacheDirectoryMode" \
    sh -c "grep -qE '^d +/var/cache/resmon +$(val $w CacheDirectoryMode) ' \
	'$top_srcdir/systemd/tmpfiles.d/resmon.conf'"
check "tmpfiles' state mode is the unit's StateDirectoryMode" \
    sh -c "grep -qE '^d +/var/lib/resmon +$(val $d StateDirectoryMode) ' \
	'$top_srcdir/systemd/tmpfiles.d/resmon.conf'"
# The lines sysusers would refuse or ignore say so on stderr.
check "systemd-sysusers and systemd-tmpfiles warned of nothing" \
    sh -c "! grep -qiE 'ignor|invalid|unknown|fail' '$tmp/sysusers.out' '$tmp/tmpfiles.out'"

# A second tmpfiles run changes nothing (idempotent lines).
systemd-tmpfiles --root="$sroot" --create \
    "$top_srcdir/systemd/tmpfiles.d/resmon.conf" >"$tmp/tmpfiles2.out" 2>&1
rc=$?
check "systemd-tmpfiles --create again: exit $rc, no output" \
    test "$rc" -eq 0 -a ! -s "$tmp/tmpfiles2.out"

exit $((tap_failed > 0))
