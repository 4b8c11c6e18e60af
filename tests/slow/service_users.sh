#!/bin/bash
# service_users.sh - the whole stack as the service's users, not as root
# SPDX-License-Identifier: MIT
#
# CI runs as root, which would hide every permission bug. This makes the
# users of sysusers.d/resmon.conf and the folders of tmpfiles.d in a
# scratch root, bind-mounts its passwd and group over the host's inside
# a private mount namespace (the host is left alone), lays the run-time
# folders out as the units would (RuntimeDirectory 0750 resmon, the
# worker's socket root:www-data 0660 on fd 0 as resmon-fcgi.socket
# hands it), and runs resmond as resmon, resmon-fcgi as resmon-fcgi
# (groups resmon-fcgi and resmon), nginx's workers as www-data, and
# resmon clean as resmon-fcgi. Through nginx: health, a day file, a
# plot drawn into the cache, stop/start with the token; and what must
# be refused is: www-data reading the token or reaching resmond.
set -u
. "$top_srcdir/tests/tap.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root for users and a mount namespace (CI runs as root)"
	exit 0
fi

RESMOND=$top_builddir/src/resmond/resmond
FCGI=$top_builddir/src/resmon-fcgi/resmon-fcgi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- outside: the scratch root, then this script again in a namespace --
if [ "${1:-}" != inside ]; then
	for tool in unshare setpriv curl python3 systemd-sysusers \
	    systemd-tmpfiles; do
		command -v "$tool" >/dev/null || bail "$tool is needed"
	done
	[ -x "$NGINX" ] || bail "nginx is needed"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-users.XXXXXX") || bail "mktemp"
	trap 'rm -rf "$tmp"' EXIT INT TERM
	# The services' users walk down to their folders.
	chmod 0755 "$tmp" || bail "chmod"
	mkdir -p "$tmp/root/etc" || bail "mkdir"
	cp /etc/passwd /etc/group "$tmp/root/etc/" || bail "copy passwd"
	touch "$tmp/root/etc/shadow" "$tmp/root/etc/gshadow"
	systemd-sysusers --root="$tmp/root" \
	    "$top_srcdir/systemd/sysusers.d/resmon.conf" >"$tmp/sysusers.out" 2>&1 ||
	    bail "systemd-sysusers: $(cat "$tmp/sysusers.out")"
	systemd-tmpfiles --root="$tmp/root" --create \
	    "$top_srcdir/systemd/tmpfiles.d/resmon.conf" >"$tmp/tmpfiles.out" 2>&1 ||
	    bail "systemd-tmpfiles: $(cat "$tmp/tmpfiles.out")"
	unshare --mount --propagation private "$BASH" "$0" inside "$tmp"
	exit $?
fi

# --- inside the namespace ------------------------------------------------
tmp=$2
sroot=$tmp/root
mount --bind "$sroot/etc/passwd" /etc/passwd || bail "bind passwd"
mount --bind "$sroot/etc/group" /etc/group || bail "bind group"
pids=()
cleanup() {
	local p
	[ -f "$tmp/nginx/nginx.pid" ] && kill "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

gid() { getent group "$1" | cut -d: -f3; }
# as USER GROUPS CMD...: CMD as USER with exactly these groups.
as() {
	local user=$1 groups=$2
	shift 2
	setpriv --reuid="$user" --regid="$user" --groups="$groups" \
	    --inh-caps=-all -- "$@"
}
# status_of URL [CURL ARGS...]: "CODE TYPE", the body in $tmp/body.
status_of() {
	local url=$1
	shift
	curl -s -o "$tmp/body" -w '%{http_code} %{content_type}' "$@" \
	    "http://127.0.0.1:$port$url"
}

# What the units would make: RuntimeDirectory=resmon 0750, the socket
# unit's DirectoryMode=0755 folder, /etc/resmon from make install.
install -d -m 0750 -o resmon -g resmon "$sroot/run/resmon" &&
    install -d -m 0755 "$sroot/run/resmon-fcgi" "$sroot/etc/resmon" \
	"$sroot/usr/share/resmon/problem" "$tmp/nginx" ||
    bail "run-time folders"
cp "$top_srcdir"/nginx/problem/*.json "$sroot/usr/share/resmon/problem/" &&
    chmod 0644 "$sroot"/usr/share/resmon/problem/*.json || bail "problem pages"
# The installed config, its paths moved into the scratch root.
conf=$sroot/etc/resmon/resmon.conf
sed -e "s|/var/lib/resmon|$sroot/var/lib/resmon|" \
    -e "s|/var/cache/resmon|$sroot/var/cache/resmon|" \
    -e "s|/run/resmon|$sroot/run/resmon|" \
    -e "s|^token_file = .*|token_file = $sroot/etc/resmon/api-token|" \
    "$top_builddir/conf/resmon.conf" >"$conf" || bail "config"
chmod 0644 "$conf"
data=$sroot/var/lib/resmon/telemetry
cache=$sroot/var/cache/resmon
ctlsock=$sroot/run/resmon/resmond.sock
fcgisock=$sroot/run/resmon-fcgi/fcgi.sock
token=$sroot/etc/resmon/api-token
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

plan 20

# ExecStartPre=+resmon-fcgi --init-token: as root.
"$FCGI" --config "$conf" --init-token >"$tmp/token.out" 2>&1
check "--init-token as root makes the token 0640 root:resmon" \
    test "$(stat -c '%a %U %G' "$token" 2>/dev/null)" = "640 root resmon"

# resmond.service: user resmon, umask 0022.
(umask 0022 && exec setpriv --reuid=resmon --regid=resmon --init-groups \
    --inh-caps=-all -- "$RESMOND" --config "$conf") >"$tmp/resmond.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$ctlsock" ] && break; sleep 0.1; done
check "resmond's socket is 0660 resmon:resmon" \
    test "$(stat -c '%a %U %G' "$ctlsock" 2>/dev/null)" = "660 resmon resmon"

# resmon-fcgi.socket + .service: the socket root:www-data 0660 on fd 0,
# the worker as resmon-fcgi in groups resmon-fcgi and resmon.
python3 - "$fcgisock" "$(gid www-data)" setpriv --reuid=resmon-fcgi \
    --regid=resmon-fcgi --groups="$(gid resmon-fcgi),$(gid resmon)" \
    --inh-caps=-all -- "$FCGI" --config "$conf" >"$tmp/fcgi.log" 2>&1 <<'EOF' &
import os, socket, sys
path, gid = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chown(path, 0, gid)
os.chmod(path, 0o660)
s.listen(1024)
os.dup2(s.fileno(), 0)
os.umask(0o022)
os.execvp(sys.argv[3], sys.argv[3:])
EOF
pids+=($!)
for _ in $(seq 50); do [ -S "$fcgisock" ] && break; sleep 0.1; done
check "the worker's socket is 0660 root:www-data" \
    test "$(stat -c '%a %U %G' "$fcgisock" 2>/dev/null)" = "660 root www-data"

# nginx: master root, workers www-data, the site as make install fills it.
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$tmp/nginx/" ||
    bail "nginx's fastcgi_params"
sed -e "s|@LISTEN@|127.0.0.1:$port|" -e "s|@FCGI_SOCKET@|$fcgisock|" \
    -e "s|@DATA_DIR@|$data|" -e "s|@CACHE_DIR@|$cache|" \
    -e "s|@PROBLEM_DIR@|$sroot/usr/share/resmon/problem|" \
    -e "s|@SWAGGER_DIR@|$sroot/usr/share/resmon/swagger|" \
    "$top_srcdir/nginx/resmon-site.conf.in" >"$tmp/nginx/site.conf"
cat >"$tmp/nginx/nginx.conf" <<EOF
user www-data www-data;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
	include mime.types;
	access_log off;
	client_body_temp_path $tmp/nginx/body;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	proxy_temp_path $tmp/nginx/proxy;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	include $tmp/nginx/site.conf;
}
EOF
"$NGINX" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" \
    -e "$tmp/nginx/error.log" >"$tmp/nginx.out" 2>&1 ||
    bail "nginx: $(cat "$tmp/nginx.out")"
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break
	sleep 0.1
done

got=$(status_of /api/v1/health)
check "health answers 200 ($got)" test "${got%% *}" = 200
check "health: the data folder readable, the recorder reachable ($(head -c 300 "$tmp/body"))" \
    sh -c "grep -q '\"data_dir_readable\": *true' '$tmp/body' &&
	grep -q '\"recorder_reachable\": *true' '$tmp/body'"

# The first rows: a baseline, then a row at the next boundary.
today=$(date +%Y-%m-%d)
for _ in $(seq 50); do
	[ -f "$data/$today.csv" ] &&
	    [ "$(wc -l <"$data/$today.csv")" -ge 2 ] && break
	sleep 0.1
done
check "resmond writes the day file 0644 resmon:resmon" \
    test "$(stat -c '%a %U %G' "$data/$today.csv" 2>/dev/null)" = "644 resmon resmon"

got=$(status_of /api/v1/days/today.csv)
check "nginx (www-data) sends the day file ($got)" sh -c "
	test '${got%% *}' = 200 && head -n 1 '$tmp/body' | grep -q '^time,cpu_percent,'"
got=$(status_of /api/v1/days/today/plot.png)
check "the worker draws a plot into the cache, nginx sends it ($got)" \
    test "$got" = "200 image/png"
check "cache files are 0644 resmon-fcgi's ($(stat -c '%n %a %U' "$cache"/* 2>/dev/null | head -2 | tr '\n' ' '))" \
    sh -c "ls '$cache' | grep -q . &&
	test -z \"\$(find '$cache' -type f ! -perm 0644)\" &&
	test -z \"\$(find '$cache' -type f ! -user resmon-fcgi)\""
got=$(status_of /api/v1/current)
check "current answers 200 ($got)" test "${got%% *}" = 200

auth="Authorization: Bearer $(cat "$token")"
got=$(status_of /api/v1/recorder/stop -X POST -H "$auth")
check "stop with the token: 200 (the worker read the token, reached resmond) ($got $(head -c 200 "$tmp/body"))" \
    test "${got%% *}" = 200
as resmon-fcgi "$(gid resmon-fcgi),$(gid resmon)" \
    "$top_builddir/src/resmon/resmon" status --socket "$ctlsock" >/dev/null 2>&1
rc=$?
check "resmon status by a member of group resmon: stopped (exit $rc)" \
    test "$rc" -eq 3
got=$(status_of /api/v1/recorder/start -X POST -H "$auth")
check "start with the token: 200 ($got)" test "${got%% *}" = 200
got=$(status_of /api/v1/recorder/stop -X POST)
check "stop without the token: 401 ($got)" test "${got%% *}" = 401

# What must be refused.
as www-data "$(gid www-data)" cat "$token" >/dev/null 2>&1
check "www-data cannot read the token" test $? -ne 0
as www-data "$(gid www-data)" "$top_builddir/src/resmon/resmon" status \
    --socket "$ctlsock" >/dev/null 2>&1
rc=$?
check "www-data cannot reach resmond's socket (status exit $rc)" test "$rc" -eq 1
as www-data "$(gid www-data)" touch "$data/intruder" 2>/dev/null
check "www-data cannot write the data folder" test ! -e "$data/intruder"
as resmon-fcgi "$(gid resmon-fcgi),$(gid resmon)" touch "$data/intruder" \
    2>/dev/null
check "the worker's user cannot write the data folder" test ! -e "$data/intruder"

# resmon-clean.service: as resmon-fcgi, the config's cache_dir.
touch -d '2 hours ago' "$cache"/*
as resmon-fcgi "$(gid resmon-fcgi)" "$top_builddir/src/resmon/resmon" clean \
    "$cache" --older-than 1h --config "$conf" >"$tmp/clean.out" 2>&1
rc=$?
check "resmon clean as resmon-fcgi empties the cache (exit $rc: $(head -c 200 "$tmp/clean.out"))" \
    sh -c "test $rc -eq 0 && test -z \"\$(ls -A '$cache')\""

# Nothing was refused that should not have been.
check "no permission error in the logs" sh -c "! grep -i 'permission denied' \
	'$tmp/resmond.log' '$tmp/fcgi.log' '$tmp/nginx/error.log'"

exit $((tap_failed > 0))
