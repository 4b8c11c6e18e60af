/* test_query.c - query strings: decoding, repeats and every refusal */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "query.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "xalloc.h"

static const struct query_param params[] = {
    {"from", false},
    {"to", false},
    {"iface", true},
    {"width", false},
};
#define N_PARAMS (sizeof(params) / sizeof(params[0]))

static struct query *
parse_ok(const char *qs)
{
	const char *bad = "untouched";
	struct errmsg err;
	struct query *q;

	q = query_parse(qs, params, N_PARAMS, &bad, &err);
	if (q == NULL)
		fail_msg("%s: %s", qs, err.msg);
	assert_null(bad);
	return q;
}

/* Checks that qs fails with msg and *bad_param bad (NULL: none). */
static void
assert_refused(const char *qs, const char *msg, const char *bad)
{
	const char *got = "untouched";
	struct errmsg err;

	assert_null(query_parse(qs, params, N_PARAMS, &got, &err));
	assert_int_equal(err.code, EINVAL);
	assert_string_equal(err.msg, msg);
	if (bad == NULL)
		assert_null(got);
	else
		assert_string_equal(got, bad);
}

static void
test_query_reads_pairs_in_any_order(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("to=12:00&from=10:00&width=800");
	assert_string_equal(query_get(q, "from"), "10:00");
	assert_string_equal(query_get(q, "to"), "12:00");
	assert_string_equal(query_get(q, "width"), "800");
	assert_null(query_get(q, "iface"));
	assert_int_equal(query_count(q, "iface"), 0);
	assert_int_equal(query_count(q, "from"), 1);
	assert_null(query_get(q, "height"));
	query_free(q);
}

static void
test_query_has_no_parameters_when_empty_or_null(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("");
	assert_null(query_get(q, "from"));
	query_free(q);
	q = parse_ok(NULL);
	assert_int_equal(query_count(q, "from"), 0);
	query_free(q);
	q = parse_ok("&&&");
	assert_null(query_get(q, "from"));
	query_free(q);
	/* No allowed table at all is fine while nothing is given. */
	q = query_parse("", NULL, 0, NULL, NULL);
	assert_non_null(q);
	query_free(q);
	query_free(NULL);
}

static void
test_query_skips_empty_pieces(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("&from=1&&to=2&");
	assert_string_equal(query_get(q, "from"), "1");
	assert_string_equal(query_get(q, "to"), "2");
	query_free(q);
}

static void
test_query_decodes_percent_escapes(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("iface=a%2Fb&iface=%41%62c&from=10%3a00");
	assert_string_equal(query_get_nth(q, "iface", 0), "a/b");
	assert_string_equal(query_get_nth(q, "iface", 1), "Abc");
	assert_string_equal(query_get(q, "from"), "10:00");
	query_free(q);
	/* Names are decoded too. */
	q = parse_ok("%66rom=x&w%69dth=1");
	assert_string_equal(query_get(q, "from"), "x");
	assert_string_equal(query_get(q, "width"), "1");
	query_free(q);
}

static void
test_query_keeps_escaped_ampersand_and_equals_in_a_value(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("iface=a%26to%3Db&to=3");
	assert_string_equal(query_get(q, "iface"), "a&to=b");
	assert_string_equal(query_get(q, "to"), "3");
	assert_int_equal(query_count(q, "iface"), 1);
	query_free(q);
	/* A raw "=" after the first belongs to the value. */
	q = parse_ok("iface=a=b");
	assert_string_equal(query_get(q, "iface"), "a=b");
	query_free(q);
}

static void
test_query_keeps_plus_as_plus(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("from=2026-11-28T10:00:00+04:00&to=a%2Bb+c");
	assert_string_equal(query_get(q, "from"), "2026-11-28T10:00:00+04:00");
	assert_string_equal(query_get(q, "to"), "a+b+c");
	query_free(q);
}

static void
test_query_passes_utf8_bytes_unchanged(void **state)
{
	struct query *q;

	(void)state;
	/* "é" raw and escaped, and a 4-byte emoji. */
	q = parse_ok("iface=\xc3\xa9&iface=%C3%A9&iface=%F0%9F%98%80");
	assert_string_equal(query_get_nth(q, "iface", 0), "\xc3\xa9");
	assert_string_equal(query_get_nth(q, "iface", 1), "\xc3\xa9");
	assert_string_equal(query_get_nth(q, "iface", 2), "\xf0\x9f\x98\x80");
	query_free(q);
}

static void
test_query_reads_a_100k_value(void **state)
{
	size_t i, n = 100 * 1024;
	char *qs, *want;
	struct query *q;

	(void)state;
	qs = xmalloc(n + 7);
	memcpy(qs, "iface=", 6);
	memset(qs + 6, 'x', n);
	qs[n + 6] = '\0';
	q = parse_ok(qs);
	want = qs + 6;
	assert_int_equal(strlen(query_get(q, "iface")), n);
	assert_string_equal(query_get(q, "iface"), want);
	query_free(q);
	/* Escaped, the raw text is three times longer than the value. */
	free(qs);
	qs = xmalloc(3 * n + 7);
	memcpy(qs, "iface=", 6);
	for (i = 0; i < n; i++)
		memcpy(qs + 6 + 3 * i, "%2F", 3);
	qs[3 * n + 6] = '\0';
	q = parse_ok(qs);
	assert_int_equal(strlen(query_get(q, "iface")), n);
	assert_int_equal(query_get(q, "iface")[n - 1], '/');
	query_free(q);
	free(qs);
}

static void
test_query_keeps_repeats_in_order(void **state)
{
	struct query *q;

	(void)state;
	q = parse_ok("iface=eth0&from=1&iface=wlan0&iface=eth0");
	assert_int_equal(query_count(q, "iface"), 3);
	assert_string_equal(query_get(q, "iface"), "eth0");
	assert_string_equal(query_get_nth(q, "iface", 0), "eth0");
	assert_string_equal(query_get_nth(q, "iface", 1), "wlan0");
	assert_string_equal(query_get_nth(q, "iface", 2), "eth0");
	assert_null(query_get_nth(q, "iface", 3));
	assert_null(query_get_nth(q, "from", 1));
	assert_null(query_get_nth(q, "nope", 0));
	query_free(q);
}

static void
test_query_reads_many_repeats(void **state)
{
	size_t i, n = 5000, len = 0;
	struct query *q;
	char *qs;

	(void)state;
	qs = xmalloc(n * 16 + 1);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(qs + len, n * 16 + 1 - len,
		    "iface=i%zu&", i);
	q = parse_ok(qs);
	assert_int_equal(query_count(q, "iface"), n);
	assert_string_equal(query_get_nth(q, "iface", n - 1), "i4999");
	query_free(q);
	free(qs);
}

static void
test_query_rejects_an_unknown_parameter(void **state)
{
	(void)state;
	assert_refused("from=1&height=2", "unknown parameter \"height\"", NULL);
	assert_refused("From=1", "unknown parameter \"From\"", NULL);
	assert_refused("=1", "unknown parameter \"\"", NULL);
	/* Unknown wins over a missing value: it is the more useful news. */
	assert_refused("x", "unknown parameter \"x\"", NULL);
	/* Known names only count whole: no prefix or stray space. */
	assert_refused("fro=1", "unknown parameter \"fro\"", NULL);
	assert_refused("from%20=1", "unknown parameter \"from \"", NULL);
	assert_refused("from+=1", "unknown parameter \"from+\"", NULL);
}

static void
test_query_escapes_an_unknown_name_in_the_message(void **state)
{
	char qs[300], want[200];

	(void)state;
	assert_refused("a%22b%5Cc=1", "unknown parameter \"a\\x22b\\x5cc\"",
	    NULL);
	assert_refused("\xc3\xa9=1", "unknown parameter \"\\xc3\\xa9\"", NULL);
	assert_refused("%C3%A9=1", "unknown parameter \"\\xc3\\xa9\"", NULL);
	/* A long name is cut at 64 bytes. */
	memset(qs, 'n', 200);
	memcpy(qs + 200, "=1", 3);
	(void)snprintf(want, sizeof(want), "unknown parameter \"%.64s...\"",
	    qs);
	assert_refused(qs, want, NULL);
}

static void
test_query_rejects_a_second_non_repeatable_parameter(void **state)
{
	(void)state;
	assert_refused("width=1&width=1", "parameter \"width\" given twice",
	    "width");
	assert_refused("from=1&iface=a&to=2&from=3",
	    "parameter \"from\" given twice", "from");
	/* An escaped name is the same name. */
	assert_refused("to=1&t%6F=2", "parameter \"to\" given twice", "to");
}

static void
test_query_rejects_a_parameter_without_value(void **state)
{
	(void)state;
	assert_refused("from", "parameter \"from\" has no value", "from");
	assert_refused("from=", "parameter \"from\" has no value", "from");
	assert_refused("to=1&iface=&from=2", "parameter \"iface\" has no value",
	    "iface");
	assert_refused("iface=a&iface", "parameter \"iface\" has no value",
	    "iface");
}

static void
test_query_rejects_a_bad_escape_in_a_value(void **state)
{
	(void)state;
	assert_refused("from=10%4",
	    "parameter \"from\" has a bad escape \"%4\"", "from");
	assert_refused("from=%", "parameter \"from\" has a bad escape \"%\"",
	    "from");
	assert_refused("from=%zz1",
	    "parameter \"from\" has a bad escape \"%zz\"", "from");
	assert_refused("from=%4g",
	    "parameter \"from\" has a bad escape \"%4g\"", "from");
	/* The "&" ends the pair before the escape is complete. */
	assert_refused("to=%2&from=1",
	    "parameter \"to\" has a bad escape \"%2\"", "to");
	/* The bad escape is shown safely too. */
	assert_refused("to=%\xff",
	    "parameter \"to\" has a bad escape \"%\\xff\"", "to");
}

static void
test_query_rejects_a_control_character_in_a_value(void **state)
{
	static const struct {
		const char *qs, *param, *byte;
	} cases[] = {
	    {"from=a%00b", "from", "00"},
	    {"from=a%0Ab", "from", "0a"},
	    {"iface=%1f", "iface", "1f"},
	    {"iface=%7F", "iface", "7f"},
	    /* Typed raw, not escaped: the same refusal. */
	    {"to=a\tb", "to", "09"},
	    {"to=a\x7f", "to", "7f"},
	};
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(want, sizeof(want),
		    "parameter \"%s\" has a control character \\x%s",
		    cases[i].param, cases[i].byte);
		assert_refused(cases[i].qs, want, cases[i].param);
	}
}

static void
test_query_rejects_a_bad_escape_or_control_in_a_name(void **state)
{
	(void)state;
	assert_refused("fr%zzom=1",
	    "bad escape \"%zz\" in parameter name \"fr%zzom\"", NULL);
	assert_refused("from%=1",
	    "bad escape \"%\" in parameter name \"from%\"", NULL);
	assert_refused("fr%0=1", "bad escape \"%0\" in parameter name \"fr%0\"",
	    NULL);
	assert_refused("fr%00om=1",
	    "control character \\x00 in parameter name \"fr%00om\"", NULL);
	assert_refused("fr\x01om=1",
	    "control character \\x01 in parameter name \"fr\\x01om\"", NULL);
}

static void
test_query_reports_the_first_bad_pair_from_the_left(void **state)
{
	(void)state;
	assert_refused("width=&nope=1", "parameter \"width\" has no value",
	    "width");
	assert_refused("nope=1&width=", "unknown parameter \"nope\"", NULL);
	/* A good pair before the bad one leaves no stale bad_param. */
	assert_refused("width=1&nope=1", "unknown parameter \"nope\"", NULL);
}

static void
test_query_accepts_null_err_and_bad_param(void **state)
{
	(void)state;
	assert_null(query_parse("nope=1", params, N_PARAMS, NULL, NULL));
	assert_null(query_parse("width", params, N_PARAMS, NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_query_reads_pairs_in_any_order),
	    cmocka_unit_test(test_query_has_no_parameters_when_empty_or_null),
	    cmocka_unit_test(test_query_skips_empty_pieces),
	    cmocka_unit_test(test_query_decodes_percent_escapes),
	    cmocka_unit_test(
	        test_query_keeps_escaped_ampersand_and_equals_in_a_value),
	    cmocka_unit_test(test_query_keeps_plus_as_plus),
	    cmocka_unit_test(test_query_passes_utf8_bytes_unchanged),
	    cmocka_unit_test(test_query_reads_a_100k_value),
	    cmocka_unit_test(test_query_keeps_repeats_in_order),
	    cmocka_unit_test(test_query_reads_many_repeats),
	    cmocka_unit_test(test_query_rejects_an_unknown_parameter),
	    cmocka_unit_test(test_query_escapes_an_unknown_name_in_the_message),
	    cmocka_unit_test(
	        test_query_rejects_a_second_non_repeatable_parameter),
	    cmocka_unit_test(test_query_rejects_a_parameter_without_value),
	    cmocka_unit_test(test_query_rejects_a_bad_escape_in_a_value),
	    cmocka_unit_test(test_query_rejects_a_control_character_in_a_value),
	    cmocka_unit_test(
	        test_query_rejects_a_bad_escape_or_control_in_a_name),
	    cmocka_unit_test(
	        test_query_reports_the_first_bad_pair_from_the_left),
	    cmocka_unit_test(test_query_accepts_null_err_and_bad_param),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
