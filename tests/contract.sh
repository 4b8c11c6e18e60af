#!/bin/bash
# contract.sh - a live stack's answers checked against swagger/openapi.yaml
# SPDX-License-Identifier: MIT
#
# resmond, resmon-fcgi and nginx on a free loopback port with daygen days;
# tests/contract.mjs sends a request for every route and every documented
# status and validates each answer with openapi-response-validator, then
# shows that wrong answers are refused. TAP comes from the node script.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"
. "$top_srcdir/tests/webtools.sh"
command -v nginx >/dev/null || bail "nginx is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-contract.XXXXXX") || bail "mktemp"
trap 'stack_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM

# The spec with every $ref resolved, as JSON: the validator takes schemas,
# not a YAML document.
"$REDOCLY" bundle --dereferenced --ext json -o "$tmp/openapi.json" \
    "$top_srcdir/swagger/openapi.yaml" >"$tmp/bundle.out" 2>&1 ||
	bail "redocly bundle: $(tail -n 3 "$tmp/bundle.out")"

stack_start "$tmp"
STACK_URL=$STACK_URL STACK_TOKEN=$STACK_TOKEN SPEC_JSON=$tmp/openapi.json \
    RESMON=$RESMON PROBLEM_DIR=$top_srcdir/nginx/problem \
    node "$top_srcdir/tests/contract.mjs"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$RESMON_RUN_DIR"/*.log | tail -n 20
exit $rc
