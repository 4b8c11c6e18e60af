/* fuzz_timearg.c - libFuzzer target: from/to times, timearg_parse() */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "timearg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "fuzzutil.h"
#include "timestamp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the time; after a NUL, "YYYY-MM-DD" is the day (default:
 * 2026-03-29, when Berlin skips 02:00-03:00) and one more byte picks the
 * zone: whole-hour DST, none, a half-hour offset, a half-hour DST shift.
 */
static const char *const zones[] = {"Europe/Berlin", "Europe/Samara",
    "America/St_Johns", "Australia/Lord_Howe", "UTC"};
static size_t zone_now = SIZE_MAX;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	zone_now = 0;
	fuzz_set_tz(zones[0]);
	return 0;
}

/* Two digits at s, or -1. */
static int
two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool
shows(time_t t, const struct daydate *d, int h, int m, int sec)
{
	struct tm tm;

	return localtime_r(&t, &tm) != NULL && tm.tm_year + 1900 == d->year &&
	       tm.tm_mon + 1 == d->month && tm.tm_mday == d->day &&
	       tm.tm_hour == h && tm.tm_min == m && tm.tm_sec == sec;
}

/* "HH:MM[:SS]": the clock shows it at t on day, and not just before. */
static void
check_local(const char *s, const struct daydate *day, time_t t)
{
	int h = two(s), m = two(s + 3), sec = s[5] == ':' ? two(s + 6) : 0;
	struct daydate d = *day;

	FUZZ_CHECK(h >= 0 && h <= 24 && m >= 0 && m <= 59);
	FUZZ_CHECK(sec >= 0 && sec <= 59);
	if (h == 24) {
		FUZZ_CHECK(m == 0 && sec == 0);
		daydate_from_days(daydate_to_days(day) + 1, &d);
		h = 0;
	}
	FUZZ_CHECK(shows(t, &d, h, m, sec));
	/* A time shown twice means the first: DST shifts are 30 or 60 min. */
	FUZZ_CHECK(!shows(t - 1800, &d, h, m, sec));
	FUZZ_CHECK(!shows(t - 3600, &d, h, m, sec));
}

/* "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM|±HHMM)": t is that instant. */
static void
check_iso(const char *s, time_t t)
{
	struct daydate d;
	size_t pos = 16;
	int h, m, sec = 0, off = 0, oh, om;
	int64_t want;

	FUZZ_CHECK(daydate_parse(s, DAYDATE_LEN, &d) == 0 && s[10] == 'T');
	h = two(s + 11);
	m = two(s + 14);
	FUZZ_CHECK(s[13] == ':' && h >= 0 && h <= 23 && m >= 0 && m <= 59);
	if (s[pos] == ':') {
		sec = two(s + pos + 1);
		FUZZ_CHECK(sec >= 0 && sec <= 59);
		pos += 3;
	}
	if (s[pos] == 'Z') {
		FUZZ_CHECK(s[pos + 1] == '\0');
	} else {
		FUZZ_CHECK(s[pos] == '+' || s[pos] == '-');
		FUZZ_CHECK(strlen(s + pos) == 5 || strlen(s + pos) == 6);
		oh = two(s + pos + 1);
		om = two(s + pos + (s[pos + 3] == ':' ? 4 : 3));
		FUZZ_CHECK(oh >= 0 && om >= 0 && om <= 59);
		off = oh * 3600 + om * 60;
		FUZZ_CHECK(off <= 18 * 3600);
		if (s[pos] == '-')
			off = -off;
	}
	want = (int64_t)daydate_to_days(&d) * 86400 + h * 3600 + m * 60 + sec -
	       off;
	FUZZ_CHECK((int64_t)t == want);
}

static void
pick_zone(const uint8_t *tail, size_t tail_len)
{
	size_t z = tail_len > DAYDATE_LEN
	               ? tail[DAYDATE_LEN] % (sizeof(zones) / sizeof(zones[0]))
	               : 0;

	if (z != zone_now) {
		fuzz_set_tz(zones[z]);
		zone_now = z;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daydate day = {2026, 3, 29};
	const time_t untouched = 424242;
	time_t t = untouched;
	const uint8_t *tail;
	struct errmsg err;
	size_t tail_len, len;
	char *s;

	s = fuzz_split(data, size, &tail, &tail_len);
	if (tail_len >= DAYDATE_LEN &&
	    daydate_parse((const char *)tail, DAYDATE_LEN, &day) == -1)
		day = (struct daydate){2026, 3, 29};
	pick_zone(tail, tail_len);
	len = strlen(s);
	if (timearg_parse(s, &day, &t, &err) == 0) {
		if (len == 5 || len == 8)
			check_local(s, &day, t);
		else
			check_iso(s, t);
	} else {
		FUZZ_CHECK(err.code == EINVAL);
		FUZZ_CHECK(t == untouched);
		/* Promised safe for a JSON problem body and a log line. */
		FUZZ_CHECK(fuzz_printable(err.msg));
	}
	free(s);
	return 0;
}
