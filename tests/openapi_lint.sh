#!/bin/bash
# openapi_lint.sh - swagger/openapi.yaml passes redocly's strict ruleset
# SPDX-License-Identifier: MIT
#
# @redocly/cli (pinned in package.json) with recommended-strict: every
# warning of the recommended rules is an error, media-type examples are
# checked against their schemas. Then a copy with one broken example
# must fail, so the lint is shown able to fail.
set -u
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/stack.sh"
. "$top_srcdir/tests/webtools.sh"

spec=$top_srcdir/swagger/openapi.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/resmon-lint.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -x "$REDOCLY" ] || bail "$REDOCLY missing (run npm ci)"

plan 4

# lint FILE: redocly's verdict on FILE, its report in $tmp/out.
lint() {
	"$REDOCLY" lint --extends=recommended-strict --format=stylish "$1" \
	    >"$tmp/out" 2>&1
}

lint "$spec"
rc=$?
check "openapi.yaml passes recommended-strict (exit $rc)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/out"
# Redocly's banner about Node.js 20's end of life is no lint warning.
no_warning() { ! grep -v 'Node\.js' "$tmp/out" | grep -qi 'warning'; }
check "and no warning" no_warning
check "it names OpenAPI 3.1" grep -q '^openapi: 3\.1\.' "$spec"

sed 's/^\(                  interval_s:\) 5$/\1 0/' "$spec" >"$tmp/bad.yaml"
lint "$tmp/bad.yaml"
rc=$?
check "a start example with interval_s 0 fails the lint (exit $rc)" \
    sh -c "test $rc -ne 0 && grep -q no-invalid-media-type-examples '$tmp/out'"
