# stack.sh - a resmon stack for a test, on a free loopback port
# SPDX-License-Identifier: MIT
#
# Source after tap.sh, with RESMON_BUILD_DIR, RESMON_DATA_DIR,
# RESMON_CACHE_DIR and RESMON_RUN_DIR exported as scripts/resmon-stack
# reads them.

STACK=$top_srcdir/scripts/resmon-stack

# stack_free_port: a port below the ephemeral range that nothing listens
# on just now, so no client takes it meanwhile.
stack_free_port() {
	python3 -c '
import random, socket
for _ in range(100):
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break'
}

# stack_up LOG: starts the stack on a free port (exported as RESMON_PORT),
# trying another port when someone took it meanwhile; bails with the end
# of LOG when it does not start.
stack_up() {
	local log=$1 try
	for try in 1 2 3; do
		RESMON_PORT=$(stack_free_port) || bail "no free port"
		export RESMON_PORT
		"$STACK" start >"$log" 2>&1 && return 0
		grep -qs 'Address already in use' "$RESMON_RUN_DIR/nginx.log" \
		    "$RESMON_RUN_DIR/nginx/error.log" || break
	done
	bail "resmon-stack start: $(tail -n 3 "$log")"
}
