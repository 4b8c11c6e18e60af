# webtools.sh - for the OpenAPI, contract and browser tests: find the npm
# packages the quick start installs, run a stack on a free loopback port
# SPDX-License-Identifier: MIT
#
# Source it after tap.sh and stack.sh. A missing tool is a failure (bail), not a skip:
# `./quickstart.sh test` installs node, npm's packages and chromium.

# node_modules_dir: the node_modules holding package.json's packages,
# looked for where node itself would: the source tree, then each folder
# above it (`make distcheck` unpacks the tree inside the build folder).
node_modules_dir() {
	local d
	d=$(cd "$top_srcdir" && pwd) || return 1
	while :; do
		if [ -f "$d/node_modules/openapi-response-validator/package.json" ]; then
			printf '%s\n' "$d/node_modules"
			return 0
		fi
		[ "$d" = / ] && return 1
		d=$(dirname "$d")
	done
}

command -v node >/dev/null || bail "node is needed (./quickstart.sh test installs it)"
NODE_MODULES=$(node_modules_dir) ||
	bail "no node_modules with package.json's packages above $top_srcdir (run npm ci)"
# The .mjs tests load packages with require(), which honours NODE_PATH.
export NODE_PATH=$NODE_MODULES
REDOCLY=$NODE_MODULES/.bin/redocly
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

# stack_start DIR: daygen days in DIR/data (Europe/Samara, as the image
# runs): 2026-11-25 and 2026-11-26 with two interfaces, an unparsable
# 2026-11-20 and an empty 2026-11-21; then resmond (recording today),
# resmon-fcgi and nginx with Swagger UI on a free port. Sets STACK_URL,
# STACK_TOKEN and exports what scripts/resmon-stack reads.
stack_start() {
	local dir=$1 d
	export TZ=Europe/Samara LC_ALL=C
	export RESMON_BUILD_DIR=$top_builddir RESMON_DATA_DIR=$dir/data
	export RESMON_CACHE_DIR=$dir/cache RESMON_RUN_DIR=$dir/run
	export RESMON_SWAGGER_DIR=$NODE_MODULES/swagger-ui-dist
	export RESMON_INTERVAL=1 RESMON_WORKERS=1 RESMON_ADDR=127.0.0.1
	mkdir -p "$RESMON_DATA_DIR" || bail "mkdir $RESMON_DATA_DIR"
	for d in 2026-11-25 2026-11-26; do
		"$top_builddir/tests/daygen" --date $d --tz Europe/Samara \
		    --ifaces 2 --interval 60 -o "$RESMON_DATA_DIR/$d.csv" ||
			bail "daygen $d"
	done
	{ head -c 1535 /dev/zero | tr '\0' x; echo; } >"$RESMON_DATA_DIR/2026-11-20.csv"
	: >"$RESMON_DATA_DIR/2026-11-21.csv"
	touch -d '1 hour ago' "$RESMON_DATA_DIR"/*.csv
	stack_up "$dir/stack.out"
	STACK_URL=http://127.0.0.1:$RESMON_PORT
	STACK_TOKEN=$(cat "$RESMON_RUN_DIR/api-token") || bail "no token"
}

stack_stop() {
	[ -n "${RESMON_RUN_DIR:-}" ] && "$top_srcdir/scripts/resmon-stack" stop
}
