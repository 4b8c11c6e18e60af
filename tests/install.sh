#!/bin/bash
# install.sh - make install DESTDIR=...: every file where it belongs
# SPDX-License-Identifier: MIT
#
# Installs the build tree into a scratch DESTDIR and checks the programs,
# units, sysusers.d and tmpfiles.d files, nginx site, config, problem
# pages and man pages by the configured directories; that the site has
# no placeholder left and passes nginx -t inside a small wrapper; that
# the config parses and names every key; that a second install keeps an
# edited config; that the man pages lint clean with mandoc and groff;
# and that make uninstall leaves no file behind.
set -u
. "$top_srcdir/tests/tap.sh"

for tool in nginx mandoc groff make; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
	    bail "$tool is needed"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-install.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest
# This runs under make check: the inner make must not take the outer
# one's jobserver or flags.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

# The directories as configured, asked from the build tree's Makefile.
printf 'resmon-print-dirs:\n\t@printf "%%s\\n" %s\n' \
    "$(printf '"%s=$(%s)" ' bindir bindir sbindir sbindir \
	pkglibexecdir pkglibexecdir sysconfdir sysconfdir pkgdatadir \
	pkgdatadir mandir mandir systemdsystemunitdir systemdsystemunitdir \
	sysusersdir sysusersdir tmpfilesdir tmpfilesdir nginxsitedir \
	nginxsitedir)" >"$tmp/dirs.mk"
make -s --no-print-directory -C "$top_builddir" -f Makefile -f "$tmp/dirs.mk" \
    resmon-print-dirs >"$tmp/dirs" 2>"$tmp/dirs.err" ||
    bail "make resmon-print-dirs: $(head -c 300 "$tmp/dirs.err")"
dir() { sed -n "s|^$1=||p" "$tmp/dirs"; }
for v in bindir sbindir pkglibexecdir sysconfdir pkgdatadir mandir \
    systemdsystemunitdir sysusersdir tmpfilesdir nginxsitedir; do
	[ -n "$(dir $v)" ] || bail "no $v from the Makefile"
done

plan 27

make -C "$top_builddir" install DESTDIR="$dest" >"$tmp/install.out" 2>&1
rc=$?
check "make install DESTDIR=... exits 0$(test "$rc" -eq 0 ||
    printf ' (got %s: %s)' "$rc" "$(tail -c 300 "$tmp/install.out")")" \
    test "$rc" -eq 0

# files_check WHAT TEST-FLAG PATH...: every PATH (below dest) passes.
files_check() {
	local what=$1 flag=$2 f missing=""
	shift 2
	for f in "$@"; do
		test "$flag" "$dest$f" || missing="$missing $f"
	done
	check "$what${missing:+ (missing:$missing)}" test -z "$missing"
}

files_check "programs in bindir, sbindir, pkglibexecdir" -x \
    "$(dir bindir)/resmon" "$(dir sbindir)/resmond" \
    "$(dir sbindir)/resmon-fcgi" "$(dir pkglibexecdir)/resmon-plot"
unitdir=$(dir systemdsystemunitdir)
files_check "units in $unitdir" -f "$unitdir/resmond.service" \
    "$unitdir/resmon-fcgi.socket" "$unitdir/resmon-fcgi.service" \
    "$unitdir/resmon-clean.service" "$unitdir/resmon-clean.timer"
files_check "sysusers.d and tmpfiles.d files" -f \
    "$(dir sysusersdir)/resmon.conf" "$(dir tmpfilesdir)/resmon.conf"
site=$(dir nginxsitedir)/resmon
conf=$(dir sysconfdir)/resmon/resmon.conf
problem=$(dir pkgdatadir)/problem
files_check "the nginx site, the config, the problem pages" -f "$site" \
    "$conf" "$problem/400.json" "$problem/413.json" "$problem/414.json" \
    "$problem/503.json" "$problem/504.json"
files_check "openapi.yaml beside the site's Swagger folder" -f \
    "$(dir pkgdatadir)/swagger/openapi.yaml"
mandir=$(dir mandir)
files_check "man pages resmon(1), resmon.conf(5), resmond(8), resmon-fcgi(8)" \
    -f "$mandir/man1/resmon.1" "$mandir/man5/resmon.conf.5" \
    "$mandir/man8/resmond.8" "$mandir/man8/resmon-fcgi.8"
check "units, site, config and pages are 0644" sh -c "
	find '$dest' -type f ! -perm 0644 | grep -vE '/(s?bin|libexec)/' |
	grep -q . && exit 1 || exit 0"

# Placeholders of either kind that sed would have filled.
placeholders() {
	grep -nE '@[A-Za-z_]+@' "$dest$unitdir"/* "$dest$site" "$dest$conf" \
	    "$dest$mandir"/man?/*
}
check "no @...@ left in units, site, config and man pages$(placeholders |
    head -3 | tr '\n' ' ' | sed 's/^./ (&/;s/ $/)/')" \
    sh -c "! grep -qE '@[A-Za-z_]+@' '$dest$site' '$dest$conf' \
	'$dest$unitdir'/* '$dest$mandir'/man?/*"
check "units execute the installed programs" sh -c "
	grep -qxF 'ExecStart=$(dir sbindir)/resmond' '$dest$unitdir/resmond.service' &&
	grep -qxF 'ExecStart=$(dir sbindir)/resmon-fcgi' '$dest$unitdir/resmon-fcgi.service' &&
	grep -q '^ExecStart=$(dir bindir)/resmon clean ' '$dest$unitdir/resmon-clean.service'"
check "site: problem pages from the installed $problem" \
    grep -qF "alias $problem/;" "$dest$site"
check "site: fastcgi_pass to the socket unit" sh -c "
	sock=\$(sed -n 's/^ListenStream=//p' '$dest$unitdir/resmon-fcgi.socket') &&
	grep -qF \"fastcgi_pass unix:\$sock;\" '$dest$site'"
check "site: data and cache folders of the service" sh -c "
	grep -qF 'alias /var/lib/resmon/telemetry/;' '$dest$site' &&
	grep -qF 'alias /var/cache/resmon/;' '$dest$site'"
check "site: listens on 127.0.0.1:5555" grep -qE 'listen 127\.0\.0\.1:5555;' \
    "$dest$site"

# nginx -t: the installed site included from http {} as Debian's
# nginx.conf does, in a prefix of its own.
ng=$tmp/nginx
mkdir -p "$ng/tmp" || bail "mkdir"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$ng/" ||
    bail "copy nginx's fastcgi_params"
cat >"$ng/nginx.conf" <<EOF
pid $ng/nginx.pid;
error_log $ng/error.log;
events { worker_connections 64; }
http {
	include mime.types;
	access_log off;
	client_body_temp_path $ng/tmp/body;
	fastcgi_temp_path $ng/tmp/fastcgi;
	proxy_temp_path $ng/tmp/proxy;
	uwsgi_temp_path $ng/tmp/uwsgi;
	scgi_temp_path $ng/tmp/scgi;
	include $dest$site;
}
EOF
"$NGINX" -t -q -p "$ng/" -c "$ng/nginx.conf" -e "$ng/error.log" \
    >"$tmp/nginx.out" 2>&1
rc=$?
check "nginx -t accepts the installed site (exit $rc: $(head -c 300 "$tmp/nginx.out"))" \
    test "$rc" -eq 0

# The config: every key of SPEC §6 explained, the shipped values, parses.
keys_missing=""
for k in data_dir cache_dir interval iface exclude max_ifaces socket \
    token_file sync_interval backlog keep_days workers; do
	grep -qE "^#?$k = " "$dest$conf" || keys_missing="$keys_missing $k"
done
check "config names every key${keys_missing:+ (missing:$keys_missing)}" \
    test -z "$keys_missing"
check "config: exclude = veth* and keep_days = 31" sh -c "
	grep -qxF 'exclude = veth*' '$dest$conf' &&
	grep -qxF 'keep_days = 31' '$dest$conf'"
check "config: token_file in the installed sysconfdir" \
    grep -qxF "token_file = $(dir sysconfdir)/resmon/api-token" "$dest$conf"
mkdir -p "$tmp/empty"
"$top_builddir/src/resmon/resmon" clean "$tmp/empty" --older-than 1h \
    --config "$dest$conf" --force --dry-run >"$tmp/parse.out" 2>&1
rc=$?
check "config parses (resmon clean --config: exit $rc $(head -c 200 "$tmp/parse.out"))" \
    test "$rc" -eq 0
RESMON_DATA_DIR=$tmp/data timeout 10 "$top_builddir/src/resmon/resmon" \
    record --config "$dest$conf" --for 1 >"$tmp/record.out" 2>&1
rc=$?
check "resmon record --config takes it (exit $rc $(head -c 200 "$tmp/record.out"))" \
    test "$rc" -eq 0

# A second install keeps an operator's config.
echo '# edited' >>"$dest$conf"
make -C "$top_builddir" install DESTDIR="$dest" >"$tmp/install2.out" 2>&1
rc=$?
check "make install again: exit $rc, the edited config kept" sh -c "
	test $rc -eq 0 && tail -n 1 '$dest$conf' | grep -qx '# edited'"

# man pages: mandoc's lint at warning level and groff's warnings.
for page in man1/resmon.1 man5/resmon.conf.5 man8/resmond.8 \
    man8/resmon-fcgi.8; do
	f=$dest$mandir/$page
	{
		mandoc -T lint -W warning "$f" 2>&1
		groff -mandoc -ww -z -Tutf8 "$f" 2>&1
	} >"$tmp/lint.out"
	check "${page#*/} renders without warnings$(test -s "$tmp/lint.out" &&
	    printf ' (%s)' "$(head -c 300 "$tmp/lint.out")")" \
	    test ! -s "$tmp/lint.out"
done
# names_commands PAGE: a .Cm line for every subcommand of SPEC §6.
names_commands() {
	local c
	for c in record live plot days status start stop clean; do
		grep -qE "^\.Cm ([a-z]+ [|,] )?$c( |\$)" "$1" || return 1
	done
}
check "resmon.1 names every subcommand" \
    names_commands "$dest$mandir/man1/resmon.1"

make -C "$top_builddir" uninstall DESTDIR="$dest" >"$tmp/uninstall.out" 2>&1
rc=$?
check "make uninstall: exit $rc, no file left$(find "$dest" ! -type d |
    head -3 | tr '\n' ' ' | sed 's/^./ (&/;s/ $/)/')" sh -c "
	test $rc -eq 0 && test -z \"\$(find '$dest' ! -type d)\""

exit $((tap_failed > 0))
