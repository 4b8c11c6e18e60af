#!/bin/bash
# container.sh - build ./Dockerfile with buildah, run the image with podman, ask it
# SPDX-License-Identifier: MIT
#
# No Docker engine runs on these machines, so the image is built and run
# the way ../shared/NOTES.md found to work: a debootstrap'd bookworm
# imported as the base (--build-arg BASE=localhost/bookworm-base),
# `buildah build --isolation chroot` on vfs storage, podman with runc and
# cgroupfs. Storage and configuration are private to this run and
# removed at the end; the debootstrap tarball is kept for the day in
# $RESMON_CI_CACHE (/var/cache/resmon-ci). The image then runs twice:
#
# - the API alone, as README's "Docker" runs it, on a free 127.0.0.1
#   port, with the host's data folder (a generated day, and today's rows
#   from a resmond of the host) mounted read-only at /code/telemetry and
#   that resmond's socket folder at /run/resmon: the HEALTHCHECK, health,
#   days, the CSV, a plot, Swagger UI, the dashboard, no process as root,
#   TZ, the printed token stopping the host's resmond, a clean stop;
# - with the recorder (-e RESMON_RECORDER=1) on a named volume: it
#   records, the printed token stops it, its files are the resmon user's.
#
# Needs root, buildah, podman, runc, slirp4netns, debootstrap, curl and
# python3 (.ci/run installs them) and resmon, resmond and tests/daygen
# built in $RESMON_BUILD_DIR (./build). Not in `make check`: it needs Debian's
# mirror and npm's registry and takes a few minutes. Prints TAP, then
# "N passed, N failed" as its last line; exits 1 if anything failed.
set -u

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${RESMON_BUILD_DIR:-$top_srcdir/build}
export top_srcdir top_builddir
. "$top_srcdir/tests/tap.sh"

CACHE=${RESMON_CI_CACHE:-/var/cache/resmon-ci}
DAYGEN=$top_builddir/tests/daygen
RESMOND=$top_builddir/src/resmond/resmond
RESMON=$top_builddir/src/resmon/resmon
BASE=localhost/bookworm-base
IMAGE=localhost/resmon-ci:test
DAY=2026-11-27
work=
host_resmond= # the host's resmond of the first run

note() { printf '# %s\n' "$@"; }

# show FILE: FILE's last lines as TAP comments, for a failure's reader.
show() { tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/#   /'; }

cleanup() {
	[[ -n $host_resmond ]] && kill -TERM "$host_resmond" 2>/dev/null
	[[ -n $work && -d $work ]] || return 0
	# -a is all of this run's private storage, never the machine's.
	if [[ ${CONTAINERS_STORAGE_CONF:-} == "$work/storage.conf" ]]; then
		podman rm -f -a -t 2 >/dev/null 2>&1
		podman volume rm -a -f >/dev/null 2>&1
		buildah rm -a >/dev/null 2>&1
	fi
	# vfs mounts nothing, but podman's shm for a container: let go of any.
	findmnt -rn -o TARGET | grep "^$work/" | sort -r |
		while IFS= read -r m; do umount -l "$m"; done
	rm -rf -- "$work"
}

# The closing line: every "ok" passed, every "not ok" failed; a run that
# stopped early (bail, a signal) with no failure counts one.
finish() {
	local rc=$? passed=$((tap_n - tap_failed))
	cleanup
	((rc != 0 && tap_failed == 0)) && tap_failed=1
	printf '%d passed, %d failed\n' "$passed" "$tap_failed"
	exit $((tap_failed > 0))
}
trap finish EXIT
trap 'exit 1' INT TERM

((EUID == 0)) || bail "run as root (buildah and podman on vfs storage)"
for tool in buildah podman runc slirp4netns debootstrap curl python3 findmnt; do
	command -v $tool >/dev/null || [[ -x /usr/sbin/$tool ]] ||
		bail "$tool is needed (apt-get install it; .ci/run does)"
done
for prog in "$DAYGEN" "$RESMOND" "$RESMON"; do
	[[ -x $prog ]] || bail "$prog not built (make in $top_builddir)"
done

work=$(mktemp -d /var/tmp/resmon-container.XXXXXX) || bail "mktemp"
mkdir -p "$work/data" "$work/networks" "$work/libpod" || bail "mkdir"

# Private podman and buildah settings (NOTES.md): runc (crun refuses this
# cgroup layout), cgroupfs, events in a file, ulimits within the hard ones.
nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
[[ $nofile == unlimited || $nofile -gt 20000 ]] && nofile=20000
[[ $nproc == unlimited || $nproc -gt 4096 ]] && nproc=4096
cat >"$work/containers.conf" <<EOF || bail "containers.conf"
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/events.log"
tmp_dir = "$work/libpod"
[network]
network_backend = "netavark"
network_config_dir = "$work/networks"
EOF
cat >"$work/storage.conf" <<EOF || bail "storage.conf"
[storage]
driver = "vfs"
runroot = "$work/runroot"
graphroot = "$work/graph"
EOF
export CONTAINERS_CONF=$work/containers.conf
export CONTAINERS_STORAGE_CONF=$work/storage.conf

plan 33

# ---- the base: debootstrap once a day, cached -----------------------------
# Made like debian:bookworm-slim: minbase, no docs, man pages or locales,
# The machine's own trust anchors (update-ca-certificates' folder) go in
# too, as a site's base image carries its own: where HTTPS is inspected
# on the way out, as here, npm in the build needs them.
make_base_tar() {
	local tar=$1 root=$work/rootfs
	debootstrap --variant=minbase bookworm "$root" \
	    >"$work/debootstrap.log" 2>&1 || return 1
	cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<-EOF || return 1
	path-exclude /usr/share/doc/*
	path-include /usr/share/doc/*/copyright
	path-exclude /usr/share/man/*
	path-exclude /usr/share/info/*
	path-exclude /usr/share/locale/*
	EOF
	# As in debian:bookworm-slim too: dpkg syncs no file (on vfs storage
	# that took the build from 140 s to 85 s here), apt fetches no
	# translations.
	echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" &&
		echo 'Acquire::Languages "none";' \
		>"$root/etc/apt/apt.conf.d/docker-no-languages" || return 1
	find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright \
	    -delete || return 1
	rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* \
	    "$root"/usr/share/locale/* "$root"/var/lib/apt/lists/* \
	    "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
	if [[ -d /usr/local/share/ca-certificates ]]; then
		cp -a /usr/local/share/ca-certificates/. \
		    "$root/usr/local/share/ca-certificates/" || return 1
	fi
	tar -C "$root" --numeric-owner -cf "$tar.tmp" . &&
		mv "$tar.tmp" "$tar" || return 1
	rm -rf "$root"
}

t0=$SECONDS
tar=$CACHE/bookworm-minbase-$(date +%Y%m%d).tar
if [[ -s $tar ]]; then
	how="cached $tar"
else
	how="debootstrap'd into $tar"
	mkdir -p "$CACHE" && make_base_tar "$tar"
	# Yesterday's tarballs go: one a day is enough.
	find "$CACHE" -maxdepth 1 -name 'bookworm-minbase-*.tar*' \
	    ! -name "${tar##*/}" -delete 2>/dev/null
fi
if [[ -s $tar ]]; then
	ok "a bookworm base: $how in $((SECONDS - t0)) s"
else
	not_ok "a bookworm base: debootstrap failed"
	show "$work/debootstrap.log"
	bail "no base image"
fi
if podman import --quiet --change 'CMD ["bash"]' "$tar" "$BASE" \
    >/dev/null 2>"$work/import.log"; then
	ok "the base imported as $BASE"
else
	not_ok "the base imported as $BASE"
	show "$work/import.log"
	bail "no base image"
fi

# ---- the image --------------------------------------------------------------
# --format docker: an OCI image has no HEALTHCHECK. --jobs 2: the build
# and Swagger UI stages at once, as BuildKit would.
t0=$SECONDS
if buildah build --isolation chroot --pull=never --format docker --jobs 2 \
    --build-arg BASE=$BASE -t $IMAGE "$top_srcdir" >"$work/build.log" 2>&1; then
	build_s=$((SECONDS - t0))
	size=$(podman image inspect --format '{{.Size}}' $IMAGE)
	base_size=$(podman image inspect --format '{{.Size}}' $BASE)
	ok "the image builds in $build_s s: $((size / 1000000)) MB, of which the base $((base_size / 1000000)) MB"
else
	not_ok "the image builds (buildah exit $?)"
	show "$work/build.log" 40
	bail "no image"
fi

inspect() { podman image inspect --format "$1" $IMAGE; }
check "the image runs as user resmon" test "$(inspect '{{.Config.User}}')" = resmon
check "it exposes 5555/tcp and a volume /code/telemetry" \
    test "$(inspect '{{range $k, $v := .Config.ExposedPorts}}{{$k}} {{end}}{{range $k, $v := .Config.Volumes}}{{$k}}{{end}}')" = \
    "5555/tcp /code/telemetry"
env=$(inspect '{{range .Config.Env}}{{println .}}{{end}}')
check "its environment has TZ=Europe/Samara" grep -qx TZ=Europe/Samara <<<"$env"
hc=$(inspect '{{json .Config.Healthcheck.Test}}')
check "its HEALTHCHECK asks /api/v1/health (got $hc)" \
    grep -q '127.0.0.1:.*/api/v1/health' <<<"$hc"
missing=$(podman run --rm --pull=never --network none --entrypoint sh $IMAGE -c \
    'ldd /usr/bin/resmon /usr/sbin/resmond /usr/sbin/resmon-fcgi \
    /usr/libexec/resmon/resmon-plot | grep "not found"' 2>/dev/null)
check "every library the programs load is in the image${missing:+ (missing: $missing)}" \
    test -z "$missing"

# ---- the API on a host folder -----------------------------------------------
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_health PORT SECONDS: the API answers through the published port.
wait_health() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$1/api/v1/health" 2>/dev/null &&
			return 0
		sleep 0.2
	done
	return 1
}

# only_resmon NAME: every process of container NAME is resmon's.
only_resmon() {
	local users
	users=$(podman top "$1" user 2>/dev/null | tail -n +2 | sort -u)
	[[ $users == resmon ]] || { note "users: $users"; return 1; }
}

# The host's side, as README's "Docker" has it: a resmond of the host (as
# nobody, standing for resmon) records into the folder the container
# reads; its socket's folder (0750) is mounted at /run/resmon, and the
# container's user joins the socket's group.
"$DAYGEN" --date $DAY --tz Europe/Samara --ifaces 2 --interval 60 \
    -o "$work/data/$DAY.csv" || bail "daygen"
touch -d '1 hour ago' "$work/data/$DAY.csv"
mkdir -m 0750 "$work/sock" && chmod 0755 "$work" "$work/data" &&
	chown 65534:65534 "$work/data" "$work/sock" || bail "the host's folders"
TZ=Europe/Samara setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$RESMOND" -d "$work/data" -i 1 --socket "$work/sock/resmond.sock" \
    >"$work/resmond.log" 2>&1 &
host_resmond=$!
for ((i = 0; i < 50; i++)); do
	[[ -S $work/sock/resmond.sock ]] && break
	sleep 0.1
done
[[ -S $work/sock/resmond.sock ]] || { show "$work/resmond.log"; bail "the host's resmond"; }

port=$(free_port) || bail "no free port"
# slirp4netns: the published port is forwarded in user space, so no
# bridge, no iptables rule and no address but loopback on the host.
name=resmon-ci-api
podman run -d --pull=never --name $name --network slirp4netns \
    -p 127.0.0.1:$port:5555 -v "$work/data:/code/telemetry:ro" \
    -v "$work/sock:/run/resmon" --group-add 65534 \
    $IMAGE >/dev/null 2>"$work/run.log"
check "podman runs the image (API on 127.0.0.1:$port, the host's data and socket)" \
    test $? -eq 0
t0=$SECONDS
if wait_health "$port" 30; then
	ok "the API answers on the published port after $((SECONDS - t0)) s"
else
	not_ok "the API answers on the published port within 30 s"
	podman logs $name >"$work/logs" 2>&1
	show "$work/logs"
	show "$work/run.log"
	bail "the container does not answer"
fi
podman healthcheck run $name >/dev/null 2>&1
check "the HEALTHCHECK passes" test \
    "$(podman inspect --format '{{.State.Health.Status}}' $name 2>/dev/null)" = healthy

url=http://127.0.0.1:$port
health=$(curl -fsS "$url/api/v1/health")
check "health: ok, data readable, recorder reachable, +04:00, no tz_mismatch (got $health)" \
    python3 -c '
import json, sys
h = json.loads(sys.argv[1])
sys.exit(not (h["status"] == "ok" and h["data_dir_readable"] is True
    and h["recorder_reachable"] is True and h["utc_offset"] == "+04:00"
    and h["tz_mismatch"] is False and h["data_utc_offset"] == "+04:00"))' "$health"
check "TZ is Europe/Samara in the container" \
    test "$(podman exec $name printenv TZ 2>/dev/null)" = Europe/Samara
days=$(curl -fsS "$url/api/v1/days")
check "/api/v1/days lists the mounted day, 1440 rows (got $days)" python3 -c '
import json, sys
d = [e for e in json.loads(sys.argv[1]) if e["date"] == sys.argv[2]]
sys.exit(not (len(d) == 1 and d[0]["rows"] == 1440
    and d[0]["interfaces"] == ["eth0", "eth1"]))' "$days" $DAY
ctype=$(curl -fsS -o "$work/day.csv" -w '%{content_type}' "$url/api/v1/days/$DAY.csv")
check "the day's CSV is the host file, byte for byte ($ctype)" \
    cmp -s "$work/day.csv" "$work/data/$DAY.csv"
ctype=$(curl -fsS -o "$work/plot.png" -w '%{content_type}' \
    "$url/api/v1/days/27-11-2026/plot.png?width=800&height=500")
check "a plot: image/png, 800x500 (got $ctype)" python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read(24)
sys.exit(not (sys.argv[2] == "image/png" and b[:8] == b"\x89PNG\r\n\x1a\n"
    and struct.unpack(">II", b[16:24]) == (800, 500)))' "$work/plot.png" "$ctype"
code=$(curl -sS -o /dev/null -w '%{http_code} ' "$url/swagger/")
code+=$(curl -sS -o /dev/null -w '%{http_code} ' "$url/swagger/swagger-ui-bundle.js")
code+=$(curl -sS -o /dev/null -w '%{http_code}' "$url/swagger/openapi.yaml")
check "Swagger UI: /swagger/, its bundle, openapi.yaml (got $code)" \
    test "$code" = "200 200 200"
check "Swagger UI loads our openapi.yaml, not a remote petstore" \
    grep -q 'openapi\.yaml' <(curl -fsS "$url/swagger/swagger-initializer.js")
code=$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$url/")
check "the dashboard at / (got $code)" test "$code" = "200 text/html; charset=utf-8"
check "no process runs as root" only_resmon $name
check "podman exec runs as resmon, not root" \
    test "$(podman exec $name id -un 2>/dev/null)" = resmon
token=$(podman logs $name 2>/dev/null | sed -n 's/.*token: *\([0-9a-f]\{64\}\) .*/\1/p')
check "the API token is printed at start" test ${#token} = 64
rec=$(curl -fsS "$url/api/v1/recorder")
check "/api/v1/recorder reaches the host's resmond: recording (got $rec)" \
    grep -q '"recording": *true' <<<"$rec"
rec=$(curl -sS -X POST -H "Authorization: Bearer $token" "$url/api/v1/recorder/stop")
RESMON_SOCKET=$work/sock/resmond.sock "$RESMON" status >/dev/null 2>&1
check "the printed token stops the host's resmond (resmon status exits 3)" \
    test $? = 3
t0=$SECONDS
podman stop -t 10 $name >/dev/null 2>&1
kill -TERM $host_resmond && wait $host_resmond
host_resmond=
check "podman stop ends it cleanly in $((SECONDS - t0)) s (exit 0, under 5 s)" \
    test "$(podman inspect --format '{{.State.ExitCode}}' $name 2>/dev/null)" = 0 \
    -a $((SECONDS - t0)) -lt 5

# ---- the recorder too, on a named volume ----------------------------------
port=$(free_port) || bail "no free port"
name=resmon-ci-rec
url=http://127.0.0.1:$port
podman run -d --pull=never --name $name --network slirp4netns \
    -p 127.0.0.1:$port:5555 -e RESMON_RECORDER=1 \
    -v resmon-ci-data:/code/telemetry $IMAGE >/dev/null 2>"$work/run.log"
check "podman runs the image with RESMON_RECORDER=1 on a volume" test $? -eq 0
wait_health "$port" 30 || note "no answer from the recorder's container"
rows=0
for ((i = 0; i < 50; i++)); do
	curl -fsS -o /dev/null "$url/api/v1/current" 2>/dev/null && rows=1 && break
	sleep 0.2
done
check "resmond records: /api/v1/current answers" test $rows = 1
rec=$(curl -fsS "$url/api/v1/recorder")
check "/api/v1/recorder: recording (got $rec)" \
    grep -q '"recording": *true' <<<"$rec"
check "resmond runs as resmon too" only_resmon $name
check "the day file in the volume is resmon's, 0644" test \
    "$(podman exec $name sh -c 'stat -c "%U %a" /code/telemetry/*.csv' 2>/dev/null)" = \
    "resmon 644"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$url/api/v1/recorder/stop")
check "stopping without the token is 401 (got $code)" test "$code" = 401
token=$(podman logs $name 2>/dev/null | sed -n 's/.*token: *\([0-9a-f]\{64\}\) .*/\1/p')
rec=$(curl -sS -X POST -H "Authorization: Bearer $token" "$url/api/v1/recorder/stop")
check "the printed token stops the recorder (got $rec)" \
    grep -q '"recording": *false' <<<"$rec"
podman logs $name >"$work/logs" 2>&1
podman stop -t 10 $name >/dev/null 2>&1
check "the recorder's container stops cleanly (exit 0)" \
    test "$(podman inspect --format '{{.State.ExitCode}}' $name 2>/dev/null)" = 0
((tap_failed == 0)) || { note "the recorder's container said:"; show "$work/logs"; }
