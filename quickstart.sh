#!/usr/bin/env bash
# quickstart.sh - install what resmon needs, build it, and run it or test it
#
#   ./quickstart.sh          install build deps, build in ./build, run resmond,
#                            resmon-fcgi and nginx on 127.0.0.1:5555 until Ctrl-C
#   ./quickstart.sh test     install build + test deps, build with --enable-werror,
#                            run `make check` and `make check-slow`, end with
#                            "N passed, N failed[, N skipped]"
#   ./quickstart.sh summary DIR [STATUS...]
#                            count the automake test results (*.trs) under DIR
#                            and print the same closing line (used by .ci/run)
#
# Environment: RESMON_DATA_DIR (data folder, default ./telemetry),
# RESMON_PORT (the API's port on 127.0.0.1, default 5555); see
# scripts/resmon-stack for the rest.
set -euo pipefail

# Every Debian package resmon needs, in this one list: NAME:WHEN, where
# WHEN is "build" (both modes) or "test" (only `./quickstart.sh test`).
PACKAGES=(
	build-essential:build
	autoconf:build
	automake:build
	libtool:build
	pkg-config:build
	libcsv-dev:build
	libjson-c-dev:build
	libgd-dev:build
	libfreetype-dev:build # the plot's text, laid out with FreeType
	fonts-dejavu-core:build # plot labels: DejaVuSans.ttf by path
	libcmocka-dev:build
	libfcgi-dev:build
	nginx:build # serves the API, the day files and the plots
	curl:build  # scripts/resmon-stack waits for the API with it
	nodejs:build # npm ci: Swagger UI's files, the OpenAPI and browser tests
	npm:build    # (NodeSource's nodejs provides it: see is_installed)
	chromium:test # tests/swagger_browser.sh drives it with playwright-core
	prometheus:test # promtool check metrics on /metrics
	systemd:test    # systemd-analyze verify/security on the units
	mandoc:test     # man pages linted by tests/install.sh
	groff-base:test
	wrk:test        # load on the API (tests/slow/api_faults.sh)
	iproute2:test
	faketime:test
	tmux:test
	strace:test # tests/record_sync.sh counts write(2) and fdatasync calls
	valgrind:test
	sysstat:test       # sar/sadc: a bench peer
	collectd-core:test # a bench peer
	tzdata:test
	clang:test
	libclang-rt-14-dev:test # ASan/LSan runtime: only Recommended by clang on Debian 12
	clang-format:test
	python3:test
	python3-pandas:test # tests/pandas_types.sh loads day files as the README says
)

BUILD_DIR=build
TAIL_LINES=60

cd "$(dirname "$0")"

say() {
	printf 'quickstart: %s\n' "$*"
}

die() {
	printf 'quickstart: %s\n' "$*" >&2
	exit 1
}

# packages_for MODE: print the package names MODE needs, one a line.
packages_for() {
	local mode=$1 entry name when
	for entry in "${PACKAGES[@]}"; do
		name=${entry%%:*}
		when=${entry#*:}
		if [[ $when == build || $mode == test ]]; then
			printf '%s\n' "$name"
		fi
	done
}

is_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]] ||
		# or an installed package provides it (NodeSource's nodejs: npm).
		# grep reads to the end (no -q): under pipefail an early exit
		# would kill sed with SIGPIPE and fail the pipe at random.
		dpkg-query -W -f='${db:Status-Status}|${Provides}\n' 2>/dev/null |
		sed -n 's/^installed|//p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//' |
		grep -xF -- "$1" >/dev/null
}

# install_missing MODE: apt-get only the packages that dpkg says are absent.
install_missing() {
	local mode=$1 pkg
	local -a missing=() sudo=()

	command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects Debian 12"
	while IFS= read -r pkg; do
		is_installed "$pkg" || missing+=("$pkg")
	done < <(packages_for "$mode")
	if ((${#missing[@]} == 0)); then
		say "all ${mode} packages present"
		return 0
	fi
	say "missing packages: ${missing[*]}"
	if ((EUID != 0)); then
		if command -v sudo >/dev/null; then
			sudo=(sudo)
		else
			printf 'quickstart: not root and no sudo; as root run:\n' >&2
			printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' \
			    "${missing[*]}" >&2
			exit 1
		fi
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends "${missing[@]}"
}

# build [CONFIGURE_ARGS...]: out-of-tree build in ./build. Each step is
# checked by hand: callers test its status, which turns `set -e` off.
build() {
	local stamp=$BUILD_DIR/.quickstart-configure-args
	local want

	want=$(printf '%q ' "$@")
	if [[ ! -x configure || configure.ac -nt configure ||
	    ! -f build-aux/tap-driver.sh ]]; then
		say "autoreconf -i"
		autoreconf -i || return
	fi
	mkdir -p "$BUILD_DIR" || return
	# Re-run configure when it never ran, is newer, or ran with other
	# options (the stamp holds the options of the last run).
	if [[ ! -f $BUILD_DIR/Makefile || configure -nt $BUILD_DIR/config.status ||
	    ! -f $stamp || $(<"$stamp") != "$want" ]]; then
		say "../configure $*"
		rm -f -- "$stamp"
		(cd "$BUILD_DIR" && ../configure "$@") || return
		printf '%s\n' "$want" >"$stamp" || return
		# Objects do not depend on the Makefile: rebuild them all, so
		# that new flags (-Werror) reach every file.
		make -C "$BUILD_DIR" clean >/dev/null || return
	fi
	node_packages || return
	make -C "$BUILD_DIR" -j"$(nproc)"
}

# node_packages: package.json's packages (Swagger UI's files, redocly,
# the contract and browser tests' tools) into ./node_modules, from
# package-lock.json, when missing or older than it. --ignore-scripts:
# no package needs one, and swagger-ui-dist's would phone home.
node_packages() {
	[[ node_modules/.package-lock.json -nt package-lock.json ]] && return 0
	say "npm ci"
	npm ci --ignore-scripts --no-audit --no-fund || return
	touch node_modules/.package-lock.json
}

# summary DIR [STATUS...]: count the results in DIR's *.trs files, show
# the logs of the failed tests, print "N passed, N failed[, N skipped]"
# as the last line. Each STATUS is the exit status of a make that wrote
# results into DIR: when no test failed, a non-zero one counts as one
# failure (a test program that did not build), and so does finding no
# result at all, so the line never reads "0 failed" for a failed run.
# Returns 1 when anything failed.
summary() {
	local dir=$1 trs log status result
	local -i passed=0 failed=0 skipped=0 p f s
	local -a bad=()

	shift
	while IFS= read -r -d '' trs; do
		p=0 f=0 s=0
		while IFS= read -r result; do
			case $result in
			PASS | XFAIL) p+=1 ;;
			SKIP) s+=1 ;;
			*) f+=1 ;; # FAIL, XPASS, ERROR
			esac
		done < <(sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' "$trs")
		passed+=p
		failed+=f
		skipped+=s
		((f == 0)) || bad+=("${trs%.trs}.log")
	done < <(find "$dir" -name '*.trs' -print0 | sort -z)

	for log in "${bad[@]}"; do
		printf '\n===== last %d lines of %s =====\n' "$TAIL_LINES" "$log"
		tail -n "$TAIL_LINES" "$log" 2>/dev/null || printf '(no log)\n'
	done
	if ((failed == 0)); then
		for status in "$@"; do
			if ((status != 0)); then
				say "a make run failed (exit $status) with no failed test: see its output above"
				failed+=1
			fi
		done
	fi
	if ((passed + failed + skipped == 0)); then
		say "no test results (*.trs) under $dir"
		failed+=1
	fi
	if ((skipped > 0)); then
		printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	else
		printf '%d passed, %d failed\n' "$passed" "$failed"
	fi
	((failed == 0))
}

# clear_results DIR: drop old *.trs and their logs, so a test that was
# renamed or removed is not counted again.
clear_results() {
	local trs
	while IFS= read -r -d '' trs; do
		rm -f -- "$trs" "${trs%.trs}.log"
	done < <(find "$1" -name '*.trs' -print0)
}

run_tests() {
	local -i rc_build=0 rc_check=0 rc_slow=0 t0 t1 t2

	install_missing test
	build --enable-werror || rc_build=$?
	if ((rc_build != 0)); then
		say "build failed (exit $rc_build)"
		printf '0 passed, 1 failed\n'
		return 1
	fi
	clear_results "$BUILD_DIR"
	# Both suites always run. The slow one runs its tests one at a time:
	# they measure time and would disturb each other on two cores.
	t0=$SECONDS
	make -C "$BUILD_DIR" -j"$(nproc)" check || rc_check=$?
	t1=$SECONDS
	make -C "$BUILD_DIR" check-slow || rc_slow=$?
	t2=$SECONDS
	printf '\n'
	say "make check: exit $rc_check in $((t1 - t0)) s;" \
	    "make check-slow: exit $rc_slow in $((t2 - t1)) s"
	summary "$BUILD_DIR" "$rc_check" "$rc_slow"
}

run_quickstart() {
	install_missing build
	build || die "build failed"
	# The whole stack in the foreground: resmond records into
	# ./telemetry, resmon-fcgi answers behind nginx on 127.0.0.1:5555.
	export RESMON_BUILD_DIR=$PWD/$BUILD_DIR
	exec scripts/resmon-stack run
}

usage() {
	printf 'usage: %s [test | summary DIR [STATUS...]]\n' "$0" >&2
	exit 2
}

case ${1:-} in
"") (($# == 0)) || usage; run_quickstart ;;
test) (($# == 1)) || usage; run_tests ;;
summary) (($# >= 2)) || usage; shift; summary "$@" ;;
-h | --help)
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	;;
*) usage ;;
esac
