/* test_timestamp.c - local ISO 8601 times and calendar dates */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "timestamp.h"

#include <errno.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

static void
test_timestamp_formats_samara_with_offset(void **state)
{
	char buf[TIMESTAMP_LEN + 1];
	struct daydate d;

	(void)state;
	testutil_set_tz("Europe/Samara");
	/* 2026-11-27T09:05:01Z */
	assert_int_equal(timestamp_format(1795770301, buf, &d), 0);
	assert_string_equal(buf, "2026-11-27T13:05:01+04:00");
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 11);
	assert_int_equal(d.day, 27);
}

static void
test_timestamp_formats_negative_offset(void **state)
{
	char buf[TIMESTAMP_LEN + 1];

	(void)state;
	testutil_set_tz("America/St_Johns");
	/* 2026-01-15T12:00:00Z is 08:30 at -03:30 */
	assert_int_equal(timestamp_format(1768478400, buf, NULL), 0);
	assert_string_equal(buf, "2026-01-15T08:30:00-03:30");
}

static void
test_timestamp_repeated_hour_carries_new_offset(void **state)
{
	char a[TIMESTAMP_LEN + 1], b[TIMESTAMP_LEN + 1];

	(void)state;
	testutil_set_tz("Europe/Berlin");
	/* 2026-10-25 00:30Z and 01:30Z are both 02:30 local */
	assert_int_equal(timestamp_format(1792888200, a, NULL), 0);
	assert_int_equal(timestamp_format(1792891800, b, NULL), 0);
	assert_string_equal(a, "2026-10-25T02:30:00+02:00");
	assert_string_equal(b, "2026-10-25T02:30:00+01:00");
}

static void
test_timestamp_parse_round_trips(void **state)
{
	char buf[TIMESTAMP_LEN + 1];
	time_t t;
	int off;

	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_int_equal(timestamp_format(1792891800, buf, NULL), 0);
	assert_int_equal(timestamp_parse(buf, strlen(buf), &t, &off), 0);
	assert_int_equal(t, 1792891800);
	assert_int_equal(off, 3600);
}

static void
test_timestamp_parse_rejects_malformed(void **state)
{
	static const char *bad[] = {
	    "2026-11-27T13:05:01Z",
	    "2026-11-27 13:05:01+04:00",
	    "2026-11-27T13:05:01+0400",
	    "2026-02-30T13:05:01+04:00",
	    "2026-11-27T24:00:00+04:00",
	    "2026-11-27T13:60:00+04:00",
	    "2026-11-27T13:05:60+04:00",
	    "2026-13-01T13:05:01+04:00",
	    "2026-11-27T13:05:01+04:00x",
	    "1969-12-31T23:59:59+00:00",
	    "",
	};
	time_t t = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    timestamp_parse(bad[i], strlen(bad[i]), &t, NULL), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(t, 42);
}

static void
test_daydate_days_round_trip_across_leap_years(void **state)
{
	struct daydate d, back;
	long days;

	(void)state;
	for (days = 0; days < 40000; days += 37) {
		daydate_from_days(days, &d);
		assert_int_equal(daydate_to_days(&d), days);
	}
	d = (struct daydate){2024, 2, 29};
	daydate_from_days(daydate_to_days(&d) + 1, &back);
	assert_int_equal(back.month, 3);
	assert_int_equal(back.day, 1);
}

static void
test_daydate_parse_rejects_february_30(void **state)
{
	struct daydate d;

	(void)state;
	assert_int_equal(daydate_parse("2026-02-30", 10, &d), -1);
	assert_int_equal(daydate_parse("2024-02-29", 10, &d), 0);
	assert_int_equal(daydate_parse("2023-02-29", 10, &d), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timestamp_formats_samara_with_offset),
	    cmocka_unit_test(test_timestamp_formats_negative_offset),
	    cmocka_unit_test(test_timestamp_repeated_hour_carries_new_offset),
	    cmocka_unit_test(test_timestamp_parse_round_trips),
	    cmocka_unit_test(test_timestamp_parse_rejects_malformed),
	    cmocka_unit_test(test_daydate_days_round_trip_across_leap_years),
	    cmocka_unit_test(test_daydate_parse_rejects_february_30),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
