#!/bin/bash
# api.sh - the HTTP API through a real nginx, resmon-fcgi and resmond:
# every route of SPEC §3 with its statuses, headers and bodies
# SPDX-License-Identifier: MIT
#
# scripts/resmon-stack starts the three on a free loopback port, in a
# temporary folder whose data folder holds two generated past days
# beside the one resmond records. Each answer is checked for status,
# Content-Type and body; every problem+json body for type, title,
# status (the HTTP one) and detail. Day files are compared byte for
# byte with what nginx sends, narrowed CSVs with the same rows and
# columns cut from the file by python's csv module.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"

DAYGEN=$top_builddir/tests/daygen
# Debian's python3 starts in 20 ms; a pyenv shim takes five times that.
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
for tool in curl $PY nginx promtool; do
	command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] ||
		bail "$tool is needed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-api.XXXXXX") || bail "mktemp"
export RESMON_BUILD_DIR=$top_builddir RESMON_DATA_DIR=$tmp/data
export RESMON_CACHE_DIR=$tmp/cache RESMON_RUN_DIR=$tmp/run
export RESMON_INTERVAL=1 RESMON_WORKERS=2 RESMON_RECORDER=1
export TZ=Europe/Samara LC_ALL=C
unset RESMON_SOCKET RESMON_ADDR
trap '"$STACK" stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
data=$tmp/data
# No problem detail may name these folders (the worker strips them).
export API_TEST_DIRS=$data:$tmp/cache
mkdir -p "$data" "$tmp/r"

# Two finished days: p1 every 10 s with three interfaces, the gaps and
# one that appears at noon; p2 every minute with two.
p1=$(date -d '2 days ago' +%F) p2=$(date -d '3 days ago' +%F)
today=$(date +%F)
"$DAYGEN" --date "$p1" --tz $TZ --ifaces 3 --interval 10 --gaps \
    --late-iface -o "$data/$p1.csv" || bail "daygen $p1"
"$DAYGEN" --date "$p2" --tz $TZ --ifaces 2 --interval 60 \
    -o "$data/$p2.csv" || bail "daygen $p2"
touch -d '1 hour ago' "$data/$p1.csv" "$data/$p2.csv"

# The checks, in python: expect NAME STATUS CTYPE [EXPR] reads the answer
# req NAME saved and evaluates EXPR with j (the JSON body), h (headers,
# lower-case names), b (body bytes) and s (status).
cat >"$tmp/t.py" <<'PY'
import csv, datetime, io, json, os, struct, sys

def answer(d, name):
    s = int(open(f"{d}/{name}.s").read().strip() or 0)
    raw = open(f"{d}/{name}.h", "rb").read().decode("latin-1")
    block = [b for b in raw.replace("\r\n", "\n").split("\n\n") if b][-1]
    h = {}
    for line in block.split("\n")[1:]:
        k, _, v = line.partition(":")
        h[k.strip().lower()] = v.strip()
    return s, h, open(f"{d}/{name}.b", "rb").read()

def png_size(b):
    assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", b[:16]
    assert b[-12:-4] == b"\0\0\0\0IEND", "no IEND: a cut PNG"
    return struct.unpack(">II", b[16:24])

def fail(msg):
    for line in msg.splitlines():
        print("# " + line)
    sys.exit(1)

def expect(d, name, status, ctype, expr=None):
    s, h, b = answer(d, name)
    j = None
    where = f"{name}: {s} {h.get('content-type')} {b[:300]!r}"
    if str(s) not in status.split("|"):
        fail(f"status {s}, want {status}; {where}")
    if ctype != "-" and h.get("content-type") != ctype:
        fail(f"Content-Type {h.get('content-type')!r}, want {ctype!r}; {where}")
    if h.get("content-type", "").startswith(("application/json",
                                             "application/problem+json")):
        try:
            j = json.loads(b)
        except ValueError as e:
            fail(f"body is not JSON ({e}); {where}")
    if (h.get("content-type") == "application/problem+json" or
            (s >= 400 and ctype != "-")):
        if h.get("content-type") != "application/problem+json":
            fail(f"an error that is not problem+json; {where}")
        for k in ("type", "title", "status", "detail"):
            if k not in j:
                fail(f"problem without {k}; {where}")
        if j["status"] != s:
            fail(f"problem status {j['status']} in a {s} answer; {where}")
        for folder in os.environ["API_TEST_DIRS"].split(":"):
            if folder in j["detail"]:
                fail(f"the detail names the server's {folder}; {where}")
    if expr is not None:
        env = dict(globals(), j=j, h=h, b=b, s=s)
        try:
            ok = eval("(" + expr.strip() + "\n)", env)
        except Exception as e:
            fail(f"{expr}: {type(e).__name__}: {e}; {where}")
        if not ok:
            fail(f"false: {expr}; {where}")

def cut(path, frm, to, ifaces):
    """The rows [frm, to) (HH:MM:SS) and columns of ifaces, as the API
    should send them: header first, columns in file order."""
    lines = open(path, "rb").read().decode().split("\n")
    head = next(csv.reader([lines[0]]))
    keep = [i for i, c in enumerate(head)
            if i < 5 or not ifaces or c.split(":", 1)[1] in ifaces]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([head[i] for i in keep])
    for line in lines[1:]:
        if not line:
            continue
        row = next(csv.reader([line]))
        t = row[0][11:19]
        if (frm and t < frm) or (to and t >= to):
            continue
        w.writerow([row[i] for i in keep])
    return out.getvalue().encode()

def rows(path):
    with open(path, newline="") as f:
        r = list(csv.reader(f))
    return r[0], r[1:]

def epoch(t):
    return datetime.datetime.fromisoformat(t).timestamp()

def series(j, path, col):
    """j's min/mean/max of col against buckets computed from the file."""
    head, body = rows(path)
    k = head.index(col)
    t = j["t"] + [epoch(j["end"])]
    want = [[] for _ in j["t"]]
    i = 0
    for r in body:
        e = epoch(r[0])
        while i < len(j["t"]) and e >= t[i + 1]:
            i += 1
        if i < len(j["t"]) and e >= t[i] and r[k] != "":
            want[i].append(float(r[k]))
    got = j["series"][col]
    close = lambda a, b: abs(a - b) <= 1e-6 * max(1.0, abs(b))
    for n, v in enumerate(want):
        g = (got["min"][n], got["mean"][n], got["max"][n])
        if not v:
            assert g == (None, None, None), (col, n, g)
        else:
            w = (min(v), sum(v) / len(v), max(v))
            assert all(close(a, b) for a, b in zip(g, w)), (col, n, g, w)
    return sum(1 for v in want if not v)

cmd = sys.argv[1]
if cmd == "expect":
    expect(*sys.argv[2:])
elif cmd == "head":
    # curl -I shows no body even when one comes: ask by hand.
    import socket
    d, name, port, path = sys.argv[2:6]
    c = socket.create_connection(("127.0.0.1", int(port)), timeout=20)
    c.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Connection: close\r\n\r\n".encode())
    data = b""
    while chunk := c.recv(65536):
        data += chunk
    head, sep, body = data.partition(b"\r\n\r\n")
    open(f"{d}/{name}.h", "wb").write(head + sep)
    open(f"{d}/{name}.b", "wb").write(body)
    open(f"{d}/{name}.s", "w").write(head.split()[1].decode())
elif cmd == "cut":
    sys.stdout.buffer.write(cut(sys.argv[2], sys.argv[3], sys.argv[4],
                                sys.argv[5:]))
PY
T=$tmp/t.py

# req NAME CURL-ARGS...: one request; its answer in $tmp/r/NAME.{s,h,b}.
req() {
	local n=$1
	shift
	curl -sS --path-as-is -m 20 -o "$tmp/r/$n.b" -D "$tmp/r/$n.h" \
	    -w '%{http_code}' "$@" >"$tmp/r/$n.s" 2>"$tmp/r/$n.err"
}
# headreq NAME PATH: a HEAD request, its answer saved as req does.
headreq() { $PY "$T" head "$tmp/r" "$1" "$RESMON_PORT" "$2"; }
expect() { $PY "$T" expect "$tmp/r" "$@"; }
# hdr NAME HEADER: the header's value in the answer NAME.
hdr() {
	tr -d '\r' <"$tmp/r/$1.h" | awk -v k="$(echo "$2" | tr A-Z a-z)" '
	    { n = index($0, ":") }
	    n && tolower(substr($0, 1, n - 1)) == k {
	    v = substr($0, n + 1); sub(/^ +/, "", v) } END { print v }'
}
# same_head GET HEAD [REGEX]: the same header lines but Date, Connection
# (HEAD asked to close) and those REGEX matches, and no body.
same_head() {
	local skip="^date:\\|^connection:${3:+\\|$3}"
	if [ -s "$tmp/r/$2.b" ]; then
		echo "# HEAD sent a body"
		return 1
	fi
	diff <(grep -vi "$skip" "$tmp/r/$1.h") <(grep -vi "$skip" "$tmp/r/$2.h") \
	    >"$tmp/diff" && return 0
	sed 's/^/# /' "$tmp/diff"
	return 1
}
# promcheck FILE: promtool check metrics accepts FILE. It exits 1 on a
# parse error and 3 on lint findings; the only finding tolerated is the
# one SPEC §3's names earn (bits where the linter wants bytes).
promcheck() {
	local out rc
	out=$(promtool check metrics <"$1" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && return 0
	if [ $rc -ne 3 ] || echo "$out" |
	    grep -v 'use base unit "bytes" instead of "bits"$' | grep -q .; then
		echo "$out" | sed 's/^/# promtool: /'
		return 1
	fi
}
rowcount() { grep -c '^[0-9]' "$1"; }

stack_up "$tmp/stack.out"
B=http://127.0.0.1:$RESMON_PORT
token=$(cat "$tmp/run/api-token")
auth="Authorization: Bearer $token"
json="Content-Type: application/json"
PJ=application/problem+json

# wait_current STATUS: until /api/v1/current answers STATUS (10 s at most).
wait_current() {
	local i
	for i in $(seq 100); do
		req cur "$B/api/v1/current"
		[ "$(cat "$tmp/r/cur.s")" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_current 200 || bail "no fresh row from resmond: $(tail -n 3 "$tmp/run/resmond.log")"
# req_until NAME URL PATTERN: req until the body matches PATTERN (grep),
# 10 s at most: a loaded machine may leave a row late now and then.
req_until() {
	local i
	for i in $(seq 50); do
		req "$1" "$2"
		grep -q "$3" "$tmp/r/$1.b" && return 0
		sleep 0.2
	done
}

# --- health and the recorder ------------------------------------------
req_until health "$B/api/v1/health" '"stale":false'
check "health: 200 with version, zone, data and recorder state" \
    expect health 200 application/json '
j["status"] == "ok" and j["version"] and j["zone"] == "+04" and
j["utc_offset"] == "+04:00" and j["time"].endswith("+04:00") and
j["data_dir_readable"] is True and j["recorder_reachable"] is True and
j["newest_row"].startswith("'"$today"'T") and
j["data_utc_offset"] == "+04:00" and j["tz_mismatch"] is False and
0 <= j["newest_row_age_s"] <= 2 and j["stale"] is False'

req rec "$B/api/v1/recorder"
check "recorder: 200, recording every 1 s into today's file" \
    expect rec 200 application/json '
j["recording"] is True and j["interval_s"] == 1 and j["since"] > 0 and
j["file"] == "'"$data/$today.csv"'" and j["rows_written"] >= 1 and
j["rows_dropped"] == 0 and j["data_dir"] == "'"$data"'" and
all(k in j for k in ("clock_steps", "last_sample", "last_error", "pid"))'

req stop_anon -X POST "$B/api/v1/recorder/stop"
check "stop without a token: 401 with WWW-Authenticate: Bearer" \
    expect stop_anon 401 $PJ 'h["www-authenticate"].startswith("Bearer")'
# The right token with its last digit changed (0 and 1 swap, so it
# always differs).
wrong=${token%?}$([ "${token: -1}" = 0 ] && echo 1 || echo 0)
req stop_wrong -X POST -H "Authorization: Bearer $wrong" \
    "$B/api/v1/recorder/stop"
check "stop with a wrong token: 401 with WWW-Authenticate: Bearer" \
    expect stop_wrong 401 $PJ 'h["www-authenticate"].startswith("Bearer")'
req stop_basic -X POST -H "Authorization: Basic $token" \
    "$B/api/v1/recorder/stop"
check "stop with another scheme: 401" expect stop_basic 401 $PJ
req start_anon -X POST -H "$json" -d '{"interval_s":2}' \
    "$B/api/v1/recorder/start"
check "start without a token: 401" expect start_anon 401 $PJ \
    '"www-authenticate" in h'
req rec "$B/api/v1/recorder"
check "refused requests changed nothing" expect rec 200 application/json \
    'j["recording"] is True and j["interval_s"] == 1'

req stop1 -X POST -H "$auth" "$B/api/v1/recorder/stop"
check "stop with the token: 200, not recording" \
    expect stop1 200 application/json 'j["recording"] is False'
req stop2 -X POST -H "$auth" "$B/api/v1/recorder/stop"
check "stop again: 200, still not recording (idempotent)" \
    expect stop2 200 application/json 'j["recording"] is False'
req rec "$B/api/v1/recorder"
check "GET recorder agrees, and .state says so" bash -c "
	$PY '$T' expect '$tmp/r' rec 200 application/json \
	    'j[\"recording\"] is False' &&
	grep -qx 'recording 0' '$data/.state'"

req start1 -X POST -H "$auth" -H "$json" -d '{"interval_s":2}' \
    "$B/api/v1/recorder/start"
check "start {\"interval_s\":2}: 200, recording every 2 s" \
    expect start1 200 application/json \
    'j["recording"] is True and j["interval_s"] == 2'
req start2 -X POST -H "$auth" -H "$json" -d '{"interval_s":2}' \
    "$B/api/v1/recorder/start"
check "start again: 200, the same state (idempotent)" \
    expect start2 200 application/json \
    'j["recording"] is True and j["interval_s"] == 2 and
    j["since"] == '"$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["since"])' "$tmp/r/start1.b")"
for body in '{"interval_s":0}' '{"interval_s":3601}' '{"interval_s":"2"}' \
    '{"interval_s":1.5}' '{"interval_s":null}'; do
	req bad -X POST -H "$auth" -H "$json" -d "$body" \
	    "$B/api/v1/recorder/start"
	check "start $body: 400 naming interval_s" expect bad 400 $PJ \
	    'j["parameter"] == "interval_s" and "interval_s" in j["detail"]'
done
req bad -X POST -H "$auth" -H "$json" -d '{"interval":2}' \
    "$B/api/v1/recorder/start"
check "start with an unknown field: 400 naming it" expect bad 400 $PJ \
    'j["parameter"] == "interval"'
for body in 'interval_s=2' '[2]' '{"interval_s":2} x' '{"interval_s":2'; do
	req bad -X POST -H "$auth" -H "$json" -d "$body" \
	    "$B/api/v1/recorder/start"
	check "start with body '$body': 400" expect bad 400 $PJ
done
req bad -X POST -H "$auth" -H 'Content-Type: text/plain' \
    -d '{"interval_s":2}' "$B/api/v1/recorder/start"
check "a text/plain body: 415" expect bad 415 $PJ '"text/plain" in j["detail"]'
req bad -X POST -H "$auth" -H 'Content-Type: application/x-www-form-urlencoded' \
    -d 'interval_s=2' "$B/api/v1/recorder/start"
check "a form body: 415" expect bad 415 $PJ
$PY -c 'print("{\"interval_s\": 2%s}" % (" " * 2000))' >"$tmp/body2k"
req bad -X POST -H "$auth" -H "$json" --data-binary @"$tmp/body2k" \
    "$B/api/v1/recorder/start"
check "a 2 KiB body: 413 from the worker" expect bad 413 $PJ
$PY -c 'print("{\"interval_s\": 2%s}" % (" " * 5000))' >"$tmp/body5k"
req bad -X POST -H "$auth" -H "$json" --data-binary @"$tmp/body5k" \
    "$B/api/v1/recorder/start"
check "a body over 4 KiB: 413 problem+json from nginx" expect bad 413 $PJ
req rec "$B/api/v1/recorder"
check "refused bodies changed nothing" expect rec 200 application/json \
    'j["recording"] is True and j["interval_s"] == 2'
req start3 -X POST -H "$auth" -H "$json" -d '{"interval_s":1}' \
    "$B/api/v1/recorder/start"
check "start {\"interval_s\":1}: back to 1 s" \
    expect start3 200 application/json 'j["interval_s"] == 1'
req start4 -X POST -H "$auth" "$B/api/v1/recorder/start"
check "start without a body keeps the interval" \
    expect start4 200 application/json \
    'j["recording"] is True and j["interval_s"] == 1'

# --- current and metrics, fresh and stale ------------------------------
wait_current 200
check "current: 200 with the newest row" expect cur 200 application/json '
j["time"].startswith("'"$today"'T") and j["time"].endswith("+04:00") and
0 <= j["age_s"] <= 2 and j["interval_s"] == 1 and
0 <= j["cpu_percent"] <= 100 and j["mem_total_kib"] > 0 and
0 <= j["mem_available_kib"] <= j["mem_total_kib"] and
len(j["interfaces"]) > 0 and
all(set(v) == {"rx_bps", "tx_bps"} for v in j["interfaces"].values())'
req_until metrics "$B/metrics" '^resmon_up 1$'
check "metrics: 200, text/plain; version=0.0.4; charset=utf-8" \
    expect metrics 200 'text/plain; version=0.0.4; charset=utf-8'
check "metrics: resmon_up 1, recording, CPU, memory, one rate per interface" \
    $PY -c '
import re, sys
lines = open(sys.argv[1]).read().splitlines()
samples = [l for l in lines if not l.startswith("#")]
names = {re.match(r"[a-z_]+", l).group(0) for l in samples}
assert "resmon_up 1" in samples and "resmon_recording 1" in samples, samples
want = {"resmon_up", "resmon_last_sample_timestamp_seconds",
    "resmon_recording", "resmon_cpu_busy_ratio", "resmon_memory_total_bytes",
    "resmon_memory_free_bytes", "resmon_memory_available_bytes",
    "resmon_network_receive_bits_per_second",
    "resmon_network_transmit_bits_per_second"}
assert names == want, names ^ want
assert any(re.match(r"resmon_network_receive_bits_per_second\{interface=\"[^\"]+\"\} \d+$", l) for l in samples)
for n in names:
    assert "# TYPE %s gauge" % n in lines, n
' "$tmp/r/metrics.b"
check "promtool check metrics accepts it" promcheck "$tmp/r/metrics.b"

req stop3 -X POST -H "$auth" "$B/api/v1/recorder/stop"
wait_current 503
check "current after the recorder stopped: 503 problem+json with the age" \
    expect cur 503 $PJ 'j["age_s"] > 2 and j["time"].startswith("'"$today"'T")
    and "retry-after" in h'
req stale "$B/metrics"
last=$($PY -c 'import datetime, json, sys
print(int(datetime.datetime.fromisoformat(json.load(open(sys.argv[1]))["time"]).timestamp()))' \
    "$tmp/r/cur.b")
check "stale metrics: only resmon_up 0 and the last sample's time" \
    bash -c "$PY '$T' expect '$tmp/r' stale 200 \
	'text/plain; version=0.0.4; charset=utf-8' &&
	test \"\$(grep -v '^#' '$tmp/r/stale.b' | tr '\n' ' ')\" = \
	    'resmon_up 0 resmon_last_sample_timestamp_seconds $last '"
check "promtool accepts the stale page" promcheck "$tmp/r/stale.b"
req health "$B/api/v1/health"
check "health says stale, still 200" expect health 200 application/json \
    'j["stale"] is True and j["newest_row_age_s"] > 2 and
    j["recorder_reachable"] is True'
req start5 -X POST -H "$auth" "$B/api/v1/recorder/start"
check "restarted through the API: rows are fresh again" bash -c "
	$PY '$T' expect '$tmp/r' start5 200 application/json \
	    'j[\"recording\"] is True'"
wait_current 200

# --- the day list ------------------------------------------------------
before=$(rowcount "$data/$today.csv")
req days "$B/api/v1/days"
after=$(rowcount "$data/$today.csv")
check "days: the three dates, sizes, rows, times and interfaces" \
    expect days 200 application/json '
[d["date"] for d in j] == ["'"$p2"'", "'"$p1"'", "'"$today"'"] and
all(d["size_bytes"] == os.path.getsize("'"$data"'/" + d["date"] + ".csv")
    for d in j[:2]) and
j[0]["rows"] == len(rows("'"$data/$p2.csv"'")[1]) == 1440 and
j[1]["rows"] == len(rows("'"$data/$p1.csv"'")[1]) and
j[0]["first_time"] == "'"$p2"'T00:00:00+04:00" and
j[0]["last_time"] == "'"$p2"'T23:59:00+04:00" and
j[1]["last_time"] == "'"$p1"'T23:59:50+04:00" and
j[0]["interfaces"] == ["eth0", "eth1"] and
j[1]["interfaces"] == ["eth0", "eth1", "eth2"] and
'"$before"' <= j[2]["rows"] <= '"$after"
req bad "$B/api/v1/days?sort=date"
check "days with a parameter: 400 naming it" expect bad 400 $PJ \
    'j["parameter"] == "sort"'

# --- a whole day's CSV -------------------------------------------------
CSV='text/csv; charset=utf-8'
req csv "$B/api/v1/days/$p1.csv"
check "the whole CSV: 200 $CSV, validators, the file's length" \
    expect csv 200 "$CSV" '
h["etag"].startswith("\"") and h["last-modified"].endswith(" GMT") and
int(h["content-length"]) == os.path.getsize("'"$data/$p1.csv"'") and
"attachment" in h["content-disposition"]'
check "the body is the file, byte for byte" cmp "$tmp/r/csv.b" "$data/$p1.csv"
seed=$(date -d "$p1" +%d-%m-%Y)
req csv_seed "$B/api/v1/days/$seed.csv"
check "the seed's DD-MM-YYYY names the same day" \
    cmp "$tmp/r/csv_seed.b" "$data/$p1.csv"
req csv_today "$B/api/v1/days/today.csv"
check "today.csv is today's file" bash -c "
	$PY '$T' expect '$tmp/r' csv_today 200 '$CSV' &&
	cmp -s '$tmp/r/csv_today.b' <(head -c \$(wc -c <'$tmp/r/csv_today.b') \
	    '$data/$today.csv')"
etag=$(hdr csv ETag) lastmod=$(hdr csv Last-Modified)
req c304 -H "If-None-Match: $etag" "$B/api/v1/days/$p1.csv"
check "If-None-Match with its ETag: 304, no body" bash -c "
	test \$(cat '$tmp/r/c304.s') = 304 && test ! -s '$tmp/r/c304.b'"
req c304b -H "If-Modified-Since: $lastmod" "$B/api/v1/days/$p1.csv"
check "If-Modified-Since its Last-Modified: 304, no body" bash -c "
	test \$(cat '$tmp/r/c304b.s') = 304 && test ! -s '$tmp/r/c304b.b'"
req c200 -H 'If-None-Match: "0-0"' "$B/api/v1/days/$p1.csv"
check "another ETag: 200 with the file" bash -c "
	test \$(cat '$tmp/r/c200.s') = 200 && cmp -s '$tmp/r/c200.b' '$data/$p1.csv'"
headreq csv_head "/api/v1/days/$p1.csv"
check "HEAD: the same headers as GET, no body" same_head csv csv_head

# --- narrowed CSVs -----------------------------------------------------
# narrow NAME QUERY FROM TO IFACE...: the API's answer to QUERY is the
# file's rows FROM..TO (HH:MM:SS, empty: open) and IFACEs' columns.
narrow() {
	local n=$1 q=$2 from=$3 to=$4
	shift 4
	req "$n" "$B/api/v1/days/$p1.csv?$q"
	$PY "$T" cut "$data/$p1.csv" "$from" "$to" "$@" >"$tmp/want.csv"
	$PY "$T" expect "$tmp/r" "$n" 200 "$CSV" || return 1
	cmp "$tmp/r/$n.b" "$tmp/want.csv" || return 1
	[ "$(wc -l <"$tmp/want.csv")" -gt 1 ] || { echo "# no rows"; return 1; }
}
check "from, to and two iface: the same rows and columns as the file" \
    narrow n1 'from=10:00&to=10:30&iface=eth2&iface=eth0' \
    10:00:00 10:30:00 eth0 eth2
check "a narrowed CSV drawn for this request: X-Resmon-Cache miss" \
    test "$(hdr n1 X-Resmon-Cache)" = miss
check "asked again: the same bytes" \
    narrow n2 'from=10:00&to=10:30&iface=eth2&iface=eth0' \
    10:00:00 10:30:00 eth0 eth2
check "and X-Resmon-Cache hit" test "$(hdr n2 X-Resmon-Cache)" = hit
check "ISO 8601 times with an offset name the same rows (a hit)" \
    narrow n3 "from=${p1}T10:00:00+04:00&to=${p1}T10:30:00%2B04:00&iface=eth2&iface=eth0" \
    10:00:00 10:30:00 eth0 eth2
check "which shares the cached copy: X-Resmon-Cache $(hdr n3 X-Resmon-Cache)" \
    test "$(hdr n3 X-Resmon-Cache)" = hit
check "from and to across the 03:10 gap, with seconds" \
    narrow n4 'from=03:05:30&to=03:20:00' 03:05:30 03:20:00
check "only iface: the whole day, one interface" \
    narrow n5 'iface=eth1' '' '' eth1
check "only from" narrow n6 'from=23:00' 23:00:00 ''
check "only to, the interface that appeared at noon" \
    narrow n7 'to=12:00:10&iface=eth2' '' 12:00:10 eth2
headreq n1_head "/api/v1/days/$p1.csv?from=10:00&to=10:30&iface=eth2&iface=eth0"
check "HEAD of a narrowed CSV: the same headers, no body" \
    same_head n2 n1_head '^x-resmon-cache:'
etag_n=$(hdr n2 ETag)
req n304 -H "If-None-Match: $etag_n" \
    "$B/api/v1/days/$p1.csv?from=10:00&to=10:30&iface=eth2&iface=eth0"
check "a narrowed CSV's ETag gives 304 too" test "$(cat "$tmp/r/n304.s")" = 304
for q in 'from=25:00' 'to=10:61' 'from=10:00:00Z' 'to=10:00+04:00'; do
	req bad "$B/api/v1/days/$p1.csv?$q"
	check "narrowed with $q: 400 naming ${q%%=*}" expect bad 400 $PJ \
	    'j["parameter"] == "'"${q%%=*}"'"'
done
req bad "$B/api/v1/days/$p1.csv?from=10:00&from=11:00"
check "from twice: 400 naming from" expect bad 400 $PJ 'j["parameter"] == "from"'
req bad "$B/api/v1/days/$p1.csv?from="
check "an empty from: 400 naming from" expect bad 400 $PJ 'j["parameter"] == "from"'

# The day file grows: the cached copy and the plot are drawn again.
req g1 "$B/api/v1/days/$p1.csv?from=23:59&iface=eth1"
req g2 "$B/api/v1/days/$p1.csv?from=23:59&iface=eth1"
req gp1 "$B/api/v1/days/$p1/plot.png?width=640&height=400"
req gp2 "$B/api/v1/days/$p1/plot.png?width=640&height=400"
check "before the day grows: miss then hit, CSV and plot" test \
    "$(hdr g1 X-Resmon-Cache) $(hdr g2 X-Resmon-Cache) $(hdr gp1 X-Resmon-Cache) $(hdr gp2 X-Resmon-Cache)" \
    = "miss hit miss hit"
tail -n 1 "$data/$p1.csv" | sed "s/^${p1}T23:59:50/${p1}T23:59:55/" \
    >>"$data/$p1.csv"
# grown: the narrowed CSV holds the new row and was drawn again.
grown() {
	narrow g3 'from=23:59&iface=eth1' 23:59:00 '' eth1 &&
	    grep -q "^${p1}T23:59:55" "$tmp/r/g3.b" &&
	    test "$(hdr g3 X-Resmon-Cache)" = miss
}
check "after a row is appended: the narrowed CSV is drawn again (miss)" grown
req gp3 "$B/api/v1/days/$p1/plot.png?width=640&height=400"
check "and the plot too" test "$(hdr gp3 X-Resmon-Cache)" = miss
req csv2 -H "If-None-Match: $etag" "$B/api/v1/days/$p1.csv"
check "the old ETag no longer matches: 200 with the grown file" bash -c "
	test \$(cat '$tmp/r/csv2.s') = 200 && cmp -s '$tmp/r/csv2.b' '$data/$p1.csv'"
req days2 "$B/api/v1/days"
check "the day list counts the new row" expect days2 200 application/json \
    'j[1]["rows"] == len(rows("'"$data/$p1.csv"'")[1]) and
    j[1]["last_time"] == "'"$p1"'T23:59:55+04:00"'

# --- series ------------------------------------------------------------
req series "$B/api/v1/days/$p1/series"
check "series: 1440 one-minute buckets by default" \
    expect series 200 application/json '
j["date"] == "'"$p1"'" and j["points"] == 1440 and len(j["t"]) == 1440 and
j["start"] == "'"$p1"'T00:00:00+04:00" and
j["end"] == "'"$(date -d "$p1 + 1 day" +%F)"'T00:00:00+04:00" and
sorted(j["series"]) == sorted(["cpu_percent", "mem_total_kib",
    "mem_free_kib", "mem_available_kib"] + ["net_%s_bps:eth%d" % (d, i)
    for d in ("rx", "tx") for i in range(3)]) and
all(len(v[k]) == 1440 for v in j["series"].values()
    for k in ("min", "mean", "max"))'
check "every bucket min <= mean <= max, null where the file has no row" \
    expect series 200 application/json '
all(mn <= me + 1e-9 and me <= mx + 1e-9 if mn is not None else
    me is None and mx is None for v in j["series"].values()
    for mn, me, mx in zip(v["min"], v["mean"], v["max"]))'
check "cpu and eth2: the file's min, mean and max per bucket; the gaps null" \
    expect series 200 application/json '
series(j, "'"$data/$p1.csv"'", "cpu_percent") == 5 + 1 and
series(j, "'"$data/$p1.csv"'", "net_rx_bps:eth2") > 12 * 60'
req series2 "$B/api/v1/days/$p2/series?points=24&iface=eth1"
check "points=24 and iface=eth1: 24 buckets, only eth1's rates" \
    expect series2 200 application/json '
j["points"] == 24 and len(j["t"]) == 24 and
sorted(k for k in j["series"] if k.startswith("net_")) ==
    ["net_rx_bps:eth1", "net_tx_bps:eth1"] and
series(j, "'"$data/$p2.csv"'", "mem_free_kib") == 0'
for q in points=0 points=10001 points=abc points=-1 points=1e3; do
	req bad "$B/api/v1/days/$p1/series?$q"
	check "series $q: 400 naming points" expect bad 400 $PJ \
	    'j["parameter"] == "points"'
done
req bad "$B/api/v1/days/$p1/series?iface=eth9"
check "series of an interface not in the file: 404 naming iface" \
    expect bad 404 $PJ '"eth9" in j["detail"]'
req bad "$B/api/v1/days/$p1/series?iface=a:b"
check "series of a bad interface name: 400 naming iface" \
    expect bad 400 $PJ 'j["parameter"] == "iface"'

# --- plots -------------------------------------------------------------
req plot "$B/api/v1/days/$p1/plot.png"
check "day plot: 200 image/png, 1600x1000 by default" expect plot 200 \
    image/png 'png_size(b) == (1600, 1000) and "etag" in h and
    "last-modified" in h and h["x-resmon-cache"] == "miss"'
req plot_b "$B/api/v1/days/$p1/plot.png"
check "asked again: the same PNG, a hit" bash -c "
	$PY '$T' expect '$tmp/r' plot_b 200 image/png \
	    'h[\"x-resmon-cache\"] == \"hit\"' &&
	cmp -s '$tmp/r/plot.b' '$tmp/r/plot_b.b'"
headreq plot_head "/api/v1/days/$p1/plot.png"
check "HEAD of a plot: the same headers, no body" same_head plot_b plot_head
req plot_wh "$B/api/v1/days/$p2/plot.png?width=640&height=400"
check "width=640&height=400 honoured" expect plot_wh 200 image/png \
    'png_size(b) == (640, 400)'
req plot_min "$B/api/v1/days/$p2/plot.png?width=320&height=200&panels=cpu,rx&iface=eth1"
check "the smallest size, two panels, one interface" expect plot_min 200 \
    image/png 'png_size(b) == (320, 200)'
req plot_seed "$B/api/v1/days/$seed/plot.png?height=4096&width=4096"
check "the largest size, by the seed's date" expect plot_seed 200 image/png \
    'png_size(b) == (4096, 4096)'
req range "$B/api/v1/plot.png?from=$p2&to=$p1&width=1200&height=600"
check "range plot of two days: 200 image/png, the size asked" \
    expect range 200 image/png 'png_size(b) == (1200, 600) and
    h["x-resmon-cache"] == "miss"'
req range2 "$B/api/v1/plot.png?from=$(date -d "$p2 - 10 days" +%F)&to=today&panels=mem"
check "a range with missing days and today: 200, 1600x1000" \
    expect range2 200 image/png 'png_size(b) == (1600, 1000)'
for q in width=319 width=4097 width=abc width= height=199 height=4097 \
    height=1e3 panels=cpu,disk panels= \
    'iface=a:b' 'iface=has%20space' 'iface=a/b' 'iface=sixteen-bytes-xx' \
    'iface=' 'width=640&width=800'; do
	p=${q%%=*}
	req bad "$B/api/v1/days/$p1/plot.png?$q"
	check "day plot $q: 400 naming $p" expect bad 400 $PJ \
	    'j["parameter"] == "'"$p"'"'
done
req bad "$B/api/v1/days/$p1/plot.png?iface=eth9"
check "an interface name not in the file: 404" expect bad 404 $PJ \
    '"eth9" in j["detail"]'
req bad "$B/api/v1/plot.png?from=$(date -d "$p1 - 31 days" +%F)&to=$p1"
check "a range of 32 days: 400" expect bad 400 $PJ '"31" in j["detail"]'
req ok31 "$B/api/v1/plot.png?from=$(date -d "$p1 - 30 days" +%F)&to=$p1&width=320&height=200"
check "a range of 31 days: 200" expect ok31 200 image/png
req bad "$B/api/v1/plot.png?from=$p1&to=$p2"
check "a range that ends before it starts: 400" expect bad 400 $PJ
req bad "$B/api/v1/plot.png?to=$p1"
check "a range without from: 400 naming from" expect bad 400 $PJ \
    'j["parameter"] == "from"'
req bad "$B/api/v1/plot.png?from=$p2&to=2026-02-30"
check "a range to February 30: 400 naming to" expect bad 400 $PJ \
    'j["parameter"] == "to"'
req bad "$B/api/v1/plot.png?from=2001-01-01&to=2001-01-02"
check "a range without any day file: 404" expect bad 404 $PJ

# --- dates, parameters, paths, methods ---------------------------------
for d in 2026-13-01 32-01-2026 2026-02-30 2026-1-1 20260101 tomorrow \
    TODAY '2026-01-01%00' '2026-01-01%20'; do
	for route in "$d.csv" "$d/plot.png" "$d/series"; do
		req bad "$B/api/v1/days/$route"
		check "date $route: 400" expect bad 400 $PJ \
		    'j.get("parameter") in ("date", None)'
	done
done
req bad "$B/api/v1/days/2026-13-01.csv"
check "a bad date names the parameter date" expect bad 400 $PJ \
    'j["parameter"] == "date" and "2026-13-01" in j["detail"]'
missing=$(date -d "$p2 - 1 day" +%F)
for route in "$missing.csv" "$missing/plot.png" "$missing/series" \
    "$(date -d "$missing" +%d-%m-%Y).csv"; do
	req bad "$B/api/v1/days/$route"
	check "a missing day, $route: 404" expect bad 404 $PJ
done
for route in "days/$p1.csv?foo=1" "days/$p1/plot.png?foo=1" \
    "days/$p1/series?foo=1" "health?foo=1" "current?foo" "recorder?x=1" \
    "plot.png?from=$p1&to=$p1&foo=1"; do
	req bad "$B/api/v1/$route"
	check "unknown parameter in $route: 400 naming it" expect bad 400 $PJ \
	    'j["parameter"] == "'"$(echo "$route" | sed 's/.*[?&]\([a-z]*\).*/\1/')"'"'
done
req bad "$B/metrics?foo=1"
check "unknown parameter in /metrics: 400 naming it" expect bad 400 $PJ \
    'j["parameter"] == "foo"'
for q in 'iface=eth0:1' 'iface=toolongname12345' 'iface=%2F' 'iface=a%09b'; do
	req bad "$B/api/v1/days/$p1.csv?$q"
	check "CSV $q, not an interface name: 400" expect bad 400 $PJ \
	    'j["parameter"] == "iface"'
done
req bad "$B/api/v1/days/$p1.csv?iface=eth9"
check "CSV iface=eth9, a name not in the file: 404" expect bad 404 $PJ \
    '"eth9" in j["detail"]'

# Traversal: nothing outside the data and cache folders, ever.
for u in '/api/v1/days/..%2F..%2Fetc%2Fpasswd.csv' '/api/v1/days/%2e%2e/x.csv' \
    '/api/v1/days/../etc.csv' '/api/v1/days/..%2fetc/plot.png' \
    '/api/v1/days/%2e%2e%2f%2e%2e%2fetc%2fpasswd.csv' \
    '/api/v1//days' '/api/v1/days/./x.csv' '/api/v1/days/%00.csv' \
    '/api/v1/days/2026-01-01.csv%00.png'; do
	req bad "$B$u"
	check "$u: 400, nothing served" expect bad 400 $PJ \
	    'b"root:" not in b'
done
req trav1 "$B/api/v1/../../etc/passwd"
check "/api/v1/../../etc/passwd: nginx resolves it to /etc/passwd: 404" \
    expect trav1 404 - 'b"root:" not in b'
req trav2 "$B/api/v1/../../../etc/passwd"
check "/api/v1/../../../etc/passwd, above the root: 400 problem+json" \
    expect trav2 400 $PJ 'b"root:" not in b'
for u in "/_resmon/data/$p1.csv" '/_resmon/cache/' "/_resmon/problem/503.json" \
    "/_resmon/data/../../etc/passwd"; do
	req int "$B$u"
	check "the internal location $u is not reachable: 404" \
	    expect int '404|400' - 'b"root:" not in b and not b.startswith(b"time,")'
done
req nope "$B/api/v1/nope"
check "an unknown route: 404 problem+json" expect nope 404 $PJ
req nope2 "$B/api/v2/health"
check "another version: 404 problem+json" expect nope2 404 $PJ
req nope3 "$B/api/v1/days/$p1/plot.jpg"
check "a day route with a wrong suffix: 404" expect nope3 404 $PJ

for m in "DELETE /api/v1/days|GET, HEAD" "POST /api/v1/health|GET, HEAD" \
    "PUT /api/v1/days/$p1.csv|GET, HEAD" "POST /api/v1/plot.png|GET, HEAD" \
    "PATCH /metrics|GET, HEAD" "GET /api/v1/recorder/start|POST" \
    "DELETE /api/v1/recorder/stop|POST" "HEAD /api/v1/recorder/stop|POST" \
    "POST /api/v1/recorder|GET, HEAD" "OPTIONS /api/v1/current|GET, HEAD"; do
	allow=${m#*|} m=${m%|*}
	if [ "${m%% *}" = HEAD ]; then
		headreq m405 "${m#* }"
		check "$m: 405 with Allow: $allow" bash -c "
		    grep -q '^HTTP/1.1 405' '$tmp/r/m405.h' &&
		    grep -qi '^Allow: $allow' '$tmp/r/m405.h'"
		continue
	fi
	req m405 -X "${m%% *}" "$B${m#* }"
	check "$m: 405 with Allow: $allow" expect m405 405 $PJ \
	    'h["allow"] == "'"$allow"'"'
done

# /days lists today's growing file too: its length may differ by a row.
for route in /api/v1/health /api/v1/recorder /metrics /api/v1/days; do
	req hget "$B$route"
	headreq hhead "$route"
	check "HEAD $route: the same status and headers but Date, no body" \
	    same_head hget hhead '^content-length:'
done
for route in "/api/v1/days/$p1/series?points=10" \
    "/api/v1/plot.png?from=$p2&to=$p1&width=1200&height=600"; do
	req hget "$B$route"
	headreq hhead "$route"
	check "HEAD $route: the same status and headers but Date, no body" \
	    same_head hget hhead
done
headreq hbad "/api/v1/days/2026-13-01.csv"
check "HEAD of a bad date: 400, no body" bash -c "
	grep -q '^HTTP/1.1 400' '$tmp/r/hbad.h' && test ! -s '$tmp/r/hbad.b'"

# --- what nginx refuses itself ------------------------------------------
big=$(head -c 9000 /dev/zero | tr '\0' a)
req hbig -H "X-Big: $big" "$B/api/v1/health"
check "a 9 KB header: nginx's 400 as problem+json" expect hbig '400|494' $PJ
req hmany $(for i in 1 2 3 4 5; do printf -- '-H X-H%d:%s ' $i "${big:0:7000}"; done) \
    "$B/api/v1/days"
check "five 7 KB headers: 400 as problem+json" expect hmany '400|494' $PJ
req ubig "$B/api/v1/days/$p1.csv?from=$big"
check "a 9 KB URI: 414 as problem+json" expect ubig 414 $PJ
req ubig2 "$B/metrics?$big"
check "a 9 KB URI on /metrics: 414 as problem+json" expect ubig2 414 $PJ
req bbig -X POST -H "$json" --data-binary @"$tmp/body5k" "$B/api/v1/days"
check "a body over 4 KiB on a GET route: 413 as problem+json" \
    expect bbig 413 $PJ
req bbig2 -X POST -H "$json" --data-binary @"$tmp/body5k" "$B/metrics"
check "and on /metrics: 413 as problem+json" expect bbig2 413 $PJ
check "the problem pages say nothing of nginx's version" bash -c "
	! grep -qi '^server: nginx/' '$tmp/r/'*.h"

check "resmon-fcgi logged no crash" bash -c "
	! grep -q 'ended (status' '$tmp/run/resmon-fcgi.log'"
echo "1..$tap_n"
exit $((tap_failed > 0))
