/* test_datearg.c - DATE arguments in every SPEC form, and nothing else */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "datearg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "testutil.h"
#include "timestamp.h"

/* 2026-03-01T00:30:00+01:00 in Europe/Berlin: Feb 28 is yesterday. */
#define MARCH_1_BERLIN ((time_t)1772321400)

static void
assert_date(const char *s, int year, int month, int day)
{
	struct daydate d;
	struct errmsg err;

	assert_int_equal(datearg_parse(s, MARCH_1_BERLIN, &d, &err), 0);
	assert_int_equal(d.year, year);
	assert_int_equal(d.month, month);
	assert_int_equal(d.day, day);
}

static void
assert_bad(const char *s)
{
	struct daydate d = {2000, 1, 1};
	struct errmsg err;

	assert_int_equal(datearg_parse(s, MARCH_1_BERLIN, &d, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "bad date"));
	if (strlen(s) < 60)
		assert_non_null(strstr(err.msg, s));
	assert_int_equal(d.year, 2000);
}

static void
test_datearg_reads_iso_and_seed_forms(void **state)
{
	(void)state;
	assert_date("2026-11-27", 2026, 11, 27);
	assert_date("27-11-2026", 2026, 11, 27);
	assert_date("2028-02-29", 2028, 2, 29);
	assert_date("29-02-2028", 2028, 2, 29);
	assert_date("1970-01-01", 1970, 1, 1);
}

static void
test_datearg_reads_today_and_yesterday_in_local_zone(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_date("today", 2026, 3, 1);
	assert_date("yesterday", 2026, 2, 28);
	/* Still Feb 28 in UTC: the process's zone decides. */
	testutil_set_tz("UTC");
	assert_date("today", 2026, 2, 28);
	assert_date("yesterday", 2026, 2, 27);
}

static void
test_datearg_rejects_february_30(void **state)
{
	(void)state;
	assert_bad("2026-02-30");
	assert_bad("30-02-2026");
	assert_bad("2026-02-29");
	assert_bad("2100-02-29");
}

static void
test_datearg_rejects_malformed_values(void **state)
{
	(void)state;
	assert_bad("2026-13-01");
	assert_bad("2026-00-10");
	assert_bad("2026-01-00");
	assert_bad("2026-1-1");
	assert_bad("1-1-2026");
	assert_bad("2026-11-27x");
	assert_bad("2026-11-27 ");
	assert_bad(" 2026-11-27");
	assert_bad("27-11-2026x");
	assert_bad("2026/11/27");
	assert_bad("27.11.2026");
	assert_bad("+026-11-27");
	assert_bad("2026-+1-27");
	assert_bad("Today");
	assert_bad("todayx");
	assert_bad("tomorrow");
	assert_bad("");
	assert_bad("1969-12-31");
	assert_bad("2026-11-27T00:00:00+01:00");
}

static void
test_datearg_shortens_a_long_value_in_the_message(void **state)
{
	char s[300];
	struct daydate d;
	struct errmsg err;

	(void)state;
	memset(s, '9', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(datearg_parse(s, 0, &d, &err), -1);
	assert_non_null(strstr(err.msg, "...\""));
	assert_true(strlen(err.msg) < 200);
}

/*
 * Found by fuzz/fuzz_query.c: GET /api/v1/plot.png?to=f%AA%AA... put the
 * raw bytes in the problem body, which was no longer UTF-8.
 */
static void
test_datearg_escapes_the_message_when_bytes_are_not_printable(void **state)
{
	static const char fuzzed[] = "f\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
	                             "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
	                             "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
	                             "\xaa\xaa\xaa\xaar:!m120=0";
	struct daydate d;
	struct errmsg err;
	size_t i;

	(void)state;
	assert_int_equal(datearg_parse(fuzzed, 0, &d, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "\"f\\xaa\\xaa"));
	assert_non_null(strstr(err.msg, "r:!m120=0\""));
	assert_int_equal(datearg_parse("a\"b\\c\n\x7f", 0, &d, &err), -1);
	assert_non_null(strstr(err.msg, "\"a\\x22b\\x5cc\\x0a\\x7f\""));
	for (i = 0; err.msg[i] != '\0'; i++)
		assert_true(err.msg[i] >= 0x20 && err.msg[i] < 0x7f);
}

static void
test_datearg_range_allows_31_days(void **state)
{
	struct daydate a = {2026, 1, 1}, b = {2026, 1, 31}, c = {2026, 2, 1};
	struct errmsg err;
	int n = 0;

	(void)state;
	assert_int_equal(datearg_range(&a, &b, &n, &err), 0);
	assert_int_equal(n, 31);
	assert_int_equal(datearg_range(&a, &a, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(datearg_range(&a, &b, NULL, &err), 0);
	assert_int_equal(datearg_range(&a, &c, &n, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "32 days"));
}

static void
test_datearg_range_rejects_an_end_before_the_start(void **state)
{
	struct daydate a = {2026, 3, 2}, b = {2026, 3, 1};
	struct errmsg err;

	(void)state;
	assert_int_equal(datearg_range(&a, &b, NULL, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "2026-03-02 to 2026-03-01"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_datearg_reads_iso_and_seed_forms),
	    cmocka_unit_test(
	        test_datearg_reads_today_and_yesterday_in_local_zone),
	    cmocka_unit_test(test_datearg_rejects_february_30),
	    cmocka_unit_test(test_datearg_rejects_malformed_values),
	    cmocka_unit_test(test_datearg_shortens_a_long_value_in_the_message),
	    cmocka_unit_test(
	        test_datearg_escapes_the_message_when_bytes_are_not_printable),
	    cmocka_unit_test(test_datearg_range_allows_31_days),
	    cmocka_unit_test(
	        test_datearg_range_rejects_an_end_before_the_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
