/* test_timearg.c - from/to times: local clock, DST days, ISO 8601, refusals */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "timearg.h"

#include <errno.h>
#include <stdio.h>
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

/* Instants, with the UTC time they stand for. */
#define SPRING_MIDNIGHT ((time_t)1774738800)   /* 2026-03-28T23:00:00Z */
#define SPRING_BEFORE_GAP ((time_t)1774745999) /* 2026-03-29T00:59:59Z */
#define SPRING_AFTER_GAP ((time_t)1774746000)  /* 2026-03-29T01:00:00Z */
#define SPRING_END ((time_t)1774821600)        /* 2026-03-29T22:00:00Z */
#define AUTUMN_MIDNIGHT ((time_t)1792879200)   /* 2026-10-24T22:00:00Z */
#define AUTUMN_0230_FIRST ((time_t)1792888200) /* 2026-10-25T00:30:00Z */
#define AUTUMN_0300 ((time_t)1792893600)       /* 2026-10-25T02:00:00Z */
#define AUTUMN_END ((time_t)1792969200)        /* 2026-10-25T23:00:00Z */
#define NOV28_UTC ((time_t)1795824000)         /* 2026-11-28T00:00:00Z */
#define NOV29_UTC ((time_t)1795910400)         /* 2026-11-29T00:00:00Z */
#define NOV28_0600_UTC ((time_t)1795845600)    /* 2026-11-28T06:00:00Z */

#define UNTOUCHED ((time_t)42)
#define BAD_TIME_WANT "(want HH:MM[:SS] or YYYY-MM-DDTHH:MM:SS+HH:MM)"

static const struct daydate spring = {2026, 3, 29};
static const struct daydate autumn = {2026, 10, 25};
static const struct daydate nov28 = {2026, 11, 28};
static const struct daydate july1 = {2026, 7, 1};

static time_t
parse_ok(const char *s, const struct daydate *day)
{
	struct errmsg err;
	time_t t = UNTOUCHED;

	if (timearg_parse(s, day, &t, &err) == -1)
		fail_msg("%s: %s", s, err.msg);
	return t;
}

/* Checks that s is refused as a bad time, naming it, t untouched. */
static void
assert_bad(const char *s)
{
	char want[256];
	struct errmsg err;
	time_t t = UNTOUCHED;

	assert_int_equal(timearg_parse(s, &nov28, &t, &err), -1);
	assert_int_equal(err.code, EINVAL);
	(void)snprintf(want, sizeof(want), "bad time \"%s\" %s", s,
	    BAD_TIME_WANT);
	assert_string_equal(err.msg, want);
	assert_int_equal(t, UNTOUCHED);
}

/* Checks that s does not exist on day. */
static void
assert_skipped(const char *s, const struct daydate *day, const char *date)
{
	char want[256];
	struct errmsg err;
	time_t t = UNTOUCHED;

	assert_int_equal(timearg_parse(s, day, &t, &err), -1);
	assert_int_equal(err.code, EINVAL);
	(void)snprintf(want, sizeof(want),
	    "time \"%s\" does not exist on %s (the clocks skip it)", s, date);
	assert_string_equal(err.msg, want);
	assert_int_equal(t, UNTOUCHED);
}

static void
test_timearg_reads_local_time_in_samara(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Samara");
	assert_int_equal(parse_ok("10:00", &nov28), NOV28_0600_UTC);
	assert_int_equal(parse_ok("10:00:00", &nov28), NOV28_0600_UTC);
	assert_int_equal(parse_ok("10:00:59", &nov28), NOV28_0600_UTC + 59);
	assert_int_equal(parse_ok("00:00", &nov28), NOV28_UTC - 4 * 3600);
	assert_int_equal(parse_ok("23:59:59", &nov28),
	    NOV28_UTC + 20 * 3600 - 1);
	assert_int_equal(parse_ok("24:00", &nov28), NOV29_UTC - 4 * 3600);
	assert_int_equal(parse_ok("24:00:00", &nov28), NOV29_UTC - 4 * 3600);
}

static void
test_timearg_reads_local_time_in_utc(void **state)
{
	(void)state;
	testutil_set_tz("UTC");
	assert_int_equal(parse_ok("00:00", &nov28), NOV28_UTC);
	assert_int_equal(parse_ok("06:00", &nov28), NOV28_0600_UTC);
	assert_int_equal(parse_ok("24:00", &nov28), NOV29_UTC);
	assert_int_equal(parse_ok("24:00:00", &nov28), NOV29_UTC);
}

static void
test_timearg_takes_24_00_into_the_next_month_and_year(void **state)
{
	const struct daydate dec31 = {2026, 12, 31}, feb28 = {2028, 2, 28};

	(void)state;
	testutil_set_tz("UTC");
	/* 2027-01-01T00:00:00Z and 2028-02-29T00:00:00Z */
	assert_int_equal(parse_ok("24:00", &dec31), (time_t)1798761600);
	assert_int_equal(parse_ok("24:00", &feb28), (time_t)1835395200);
}

static void
test_timearg_refuses_a_time_in_the_spring_gap(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_skipped("02:00", &spring, "2026-03-29");
	assert_skipped("02:30", &spring, "2026-03-29");
	assert_skipped("02:59:59", &spring, "2026-03-29");
	assert_int_equal(parse_ok("00:00", &spring), SPRING_MIDNIGHT);
	assert_int_equal(parse_ok("01:59:59", &spring), SPRING_BEFORE_GAP);
	assert_int_equal(parse_ok("03:00", &spring), SPRING_AFTER_GAP);
}

static void
test_timearg_ends_a_23_hour_day_at_24_00(void **state)
{
	time_t start, end;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	start = parse_ok("00:00", &spring);
	end = parse_ok("24:00", &spring);
	assert_int_equal(end, SPRING_END);
	assert_int_equal(end - start, 23 * 3600);
}

static void
test_timearg_ends_a_25_hour_day_at_24_00(void **state)
{
	time_t start, end;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	start = parse_ok("00:00", &autumn);
	end = parse_ok("24:00:00", &autumn);
	assert_int_equal(start, AUTUMN_MIDNIGHT);
	assert_int_equal(end, AUTUMN_END);
	assert_int_equal(end - start, 25 * 3600);
}

static void
test_timearg_takes_the_first_of_a_repeated_time(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_int_equal(parse_ok("02:30", &autumn), AUTUMN_0230_FIRST);
	assert_int_equal(parse_ok("02:00", &autumn), AUTUMN_0230_FIRST - 1800);
	assert_int_equal(parse_ok("02:59:59", &autumn),
	    AUTUMN_0230_FIRST + 1799);
	assert_int_equal(parse_ok("03:00", &autumn), AUTUMN_0300);
	/* 01:59:59 CEST, one second before the first 02:00. */
	assert_int_equal(parse_ok("01:59:59", &autumn),
	    AUTUMN_0230_FIRST - 1801);
}

static void
test_timearg_takes_the_first_of_a_repeated_time_after_any_call(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	/* glibc's mktime remembers the last offset it used; no matter. */
	(void)parse_ok("12:00", &july1);
	assert_int_equal(parse_ok("02:30", &autumn), AUTUMN_0230_FIRST);
	(void)parse_ok("03:30", &autumn);
	assert_int_equal(parse_ok("02:30", &autumn), AUTUMN_0230_FIRST);
	(void)parse_ok("12:00", &nov28);
	assert_int_equal(parse_ok("02:30", &autumn), AUTUMN_0230_FIRST);
	(void)parse_ok("12:00", &july1);
	assert_int_equal(parse_ok("02:30", &autumn), AUTUMN_0230_FIRST);
}

static void
test_timearg_reads_iso_in_every_offset_form(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	/* The date need not be day's: the caller clips. */
	assert_int_equal(parse_ok("2026-11-28T10:00:00+04:00", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T10:00:00+0400", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T10:00+04:00", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T10:00+0400", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T06:00:00Z", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T06:00Z", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T06:00:00-00:00", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T01:30:00-04:30", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-28T06:00:59Z", &spring),
	    NOV28_0600_UTC + 59);
	assert_int_equal(parse_ok("2026-11-29T00:00:00+18:00", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("2026-11-27T12:00:00-1800", &spring),
	    NOV28_0600_UTC);
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", &spring), 0);
	/* 2028-02-29T23:59:59Z: a leap day, the last second of a day. */
	assert_int_equal(parse_ok("2028-02-29T23:59:59Z", &spring),
	    (time_t)1835481599);
}

static void
test_timearg_reads_iso_regardless_of_tz(void **state)
{
	(void)state;
	testutil_set_tz("UTC");
	assert_int_equal(parse_ok("2026-11-28T10:00:00+04:00", &nov28),
	    NOV28_0600_UTC);
	testutil_set_tz("Europe/Samara");
	assert_int_equal(parse_ok("2026-11-28T10:00:00+04:00", &nov28),
	    NOV28_0600_UTC);
	/* The second 02:30 of the autumn day, named by its offset. */
	testutil_set_tz("Europe/Berlin");
	assert_int_equal(parse_ok("2026-10-25T02:30:00+01:00", &autumn),
	    AUTUMN_0230_FIRST + 3600);
	/* A time the clocks skip exists as an instant with an offset. */
	assert_int_equal(parse_ok("2026-03-29T02:30:00+01:00", &spring),
	    SPRING_AFTER_GAP + 1800);
}

static void
test_timearg_rejects_malformed_local_times(void **state)
{
	(void)state;
	testutil_set_tz("UTC");
	assert_bad("");
	assert_bad("10");
	assert_bad("1:00");
	assert_bad("10:0");
	assert_bad("10:0:0");
	assert_bad("10-00");
	assert_bad("10.00");
	assert_bad("1000");
	assert_bad("10:00:0");
	assert_bad("10:00:5x");
	assert_bad("10:00:000");
	assert_bad("10:00-00");
	assert_bad(" 10:00");
	assert_bad("10:00 ");
	assert_bad("+1:00");
	assert_bad("-1:00");
	assert_bad("1a:00");
	assert_bad("10:0a");
	assert_bad("10:00Z");
	assert_bad("10:00:00Z");
	assert_bad("25:00");
	assert_bad("99:00");
	assert_bad("23:60");
	assert_bad("12:00:60");
	assert_bad("12:00:99");
	assert_bad("24:01");
	assert_bad("24:00:01");
	assert_bad("now");
}

static void
test_timearg_rejects_malformed_iso_times(void **state)
{
	(void)state;
	testutil_set_tz("UTC");
	assert_bad("2026-11-28T10:00:00");
	assert_bad("2026-11-28T10:00");
	assert_bad("2026-11-28");
	assert_bad("2026-11-28 10:00:00+04:00");
	assert_bad("2026-11-28t10:00:00+04:00");
	assert_bad("2026-11-28T10:00:00z");
	assert_bad("2026-11-28T10:00:00+04");
	assert_bad("2026-11-28T10:00:00+4:00");
	assert_bad("2026-11-28T10:00:00+04:0");
	assert_bad("2026-11-28T10:00:00+04:00x");
	assert_bad("2026-11-28T10:00:00+04:00 ");
	assert_bad("2026-11-28T10:00:00 +04:00");
	assert_bad("2026-11-28T10:00:00.5Z");
	assert_bad("2026-11-28T10:00:00,5Z");
	assert_bad("2026-11-28T10:00:0Z");
	assert_bad("2026-11-28T10:0Z");
	assert_bad("2026-11-28T1:00Z");
	assert_bad("2026-11-28T10:00:00ZZ");
	assert_bad("2026-11-28T10:00+04:0");
	assert_bad("2026-11-28T10:00+04-00");
	assert_bad("2026-11-28T10:00*04:00");
	assert_bad("2026-11-28T10:00:00*0400");
	assert_bad("2026-11-28T10:00:+04:00");
	assert_bad("2026-1-28T10:00:00+04:00");
	assert_bad("26-11-28T10:00:00+04:00");
	assert_bad("28-11-2026T10:00:00+04:00");
	assert_bad("2026/11/28T10:00:00+04:00");
}

static void
test_timearg_rejects_iso_fields_out_of_range(void **state)
{
	(void)state;
	testutil_set_tz("UTC");
	assert_bad("2026-11-28T24:00:00Z");
	assert_bad("2026-11-28T24:00Z");
	assert_bad("2026-11-28T23:60:00Z");
	assert_bad("2026-11-28T23:59:60Z");
	assert_bad("2026-11-28T10:00:00+18:01");
	assert_bad("2026-11-28T10:00:00-18:30");
	assert_bad("2026-11-28T10:00:00+19:00");
	assert_bad("2026-11-28T10:00:00+1860");
	assert_bad("2026-11-28T10:00:00+04:60");
	assert_bad("2026-02-30T10:00:00Z");
	assert_bad("2026-02-29T10:00:00Z");
	assert_bad("2026-13-01T10:00:00Z");
	assert_bad("2026-00-01T10:00:00Z");
	assert_bad("1969-12-31T23:00:00Z");
}

static void
test_timearg_escapes_a_bad_value_in_the_message(void **state)
{
	char s[300];
	struct errmsg err;
	time_t t;

	(void)state;
	assert_int_equal(timearg_parse("1\"\\\n\xc3\xa9", &nov28, &t, &err),
	    -1);
	assert_string_equal(err.msg,
	    "bad time \"1\\x22\\x5c\\x0a\\xc3\\xa9\" " BAD_TIME_WANT);
	memset(s, '9', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(timearg_parse(s, &nov28, &t, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "999...\" (want"));
	assert_true(strlen(err.msg) < 64 + 80);
	/* Exactly 64 bytes are shown whole. */
	s[64] = '\0';
	assert_int_equal(timearg_parse(s, &nov28, &t, &err), -1);
	assert_null(strstr(err.msg, "..."));
}

static void
test_timearg_accepts_a_null_err(void **state)
{
	time_t t = UNTOUCHED;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_int_equal(timearg_parse("x", &nov28, &t, NULL), -1);
	assert_int_equal(timearg_parse("02:30", &spring, &t, NULL), -1);
	assert_int_equal(t, UNTOUCHED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timearg_reads_local_time_in_samara),
	    cmocka_unit_test(test_timearg_reads_local_time_in_utc),
	    cmocka_unit_test(
	        test_timearg_takes_24_00_into_the_next_month_and_year),
	    cmocka_unit_test(test_timearg_refuses_a_time_in_the_spring_gap),
	    cmocka_unit_test(test_timearg_ends_a_23_hour_day_at_24_00),
	    cmocka_unit_test(test_timearg_ends_a_25_hour_day_at_24_00),
	    cmocka_unit_test(test_timearg_takes_the_first_of_a_repeated_time),
	    cmocka_unit_test(
	        test_timearg_takes_the_first_of_a_repeated_time_after_any_call),
	    cmocka_unit_test(test_timearg_reads_iso_in_every_offset_form),
	    cmocka_unit_test(test_timearg_reads_iso_regardless_of_tz),
	    cmocka_unit_test(test_timearg_rejects_malformed_local_times),
	    cmocka_unit_test(test_timearg_rejects_malformed_iso_times),
	    cmocka_unit_test(test_timearg_rejects_iso_fields_out_of_range),
	    cmocka_unit_test(test_timearg_escapes_a_bad_value_in_the_message),
	    cmocka_unit_test(test_timearg_accepts_a_null_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
