/* fuzz_datearg.c - libFuzzer target: DATE arguments, datearg_parse() */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "datearg.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "fuzzutil.h"
#include "timestamp.h"

/*
 * The input is the DATE; after a NUL, up to 8 more bytes are "now" (any
 * time_t, so "today" meets the ends of localtime_r). Without them, now
 * is 2026-03-01T00:30:00+01:00, as in test_datearg.
 */
#define NOW ((time_t)1772321400)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_set_tz("Europe/Berlin");
	return 0;
}

static int
days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* A date parsed from text: real, and the text spells it. */
static void
check_spelled(const char *s, const struct daydate *d)
{
	char iso[DAYDATE_LEN + 1];
	struct daydate back;

	FUZZ_CHECK(d->year >= 1970 && d->year <= 9999);
	FUZZ_CHECK(d->month >= 1 && d->month <= 12);
	FUZZ_CHECK(d->day >= 1 && d->day <= days_in_month(d->year, d->month));
	daydate_format(d, iso);
	FUZZ_CHECK(strlen(iso) == DAYDATE_LEN);
	FUZZ_CHECK(daydate_parse(iso, DAYDATE_LEN, &back) == 0);
	FUZZ_CHECK(daydate_cmp(&back, d) == 0);
	daydate_from_days(daydate_to_days(d), &back);
	FUZZ_CHECK(daydate_cmp(&back, d) == 0);
	/* "YYYY-MM-DD" as is, or the seed's "DD-MM-YYYY" reordered. */
	FUZZ_CHECK(strcmp(s, iso) == 0 ||
	           (memcmp(s, iso + 8, 2) == 0 && s[2] == '-' &&
	               memcmp(s + 3, iso + 5, 2) == 0 && s[5] == '-' &&
	               memcmp(s + 6, iso, 4) == 0 && s[10] == '\0'));
}

/* "today" and "yesterday": the local date of now, or the day before. */
static void
check_relative(const char *s, time_t now, const struct daydate *d)
{
	struct daydate want;

	FUZZ_CHECK(daydate_of(now, &want) == 0);
	if (s[0] == 'y')
		daydate_from_days(daydate_to_days(&want) - 1, &want);
	FUZZ_CHECK(daydate_cmp(&want, d) == 0);
}

static void
check_range(const struct daydate *d)
{
	static const struct daydate other = {2026, 11, 27};
	struct errmsg err;
	long span = daydate_to_days(&other) - daydate_to_days(d) + 1;
	int n = -1;

	if (datearg_range(d, &other, &n, &err) == 0)
		FUZZ_CHECK(span >= 1 && span <= DATEARG_MAX_DAYS && n == span);
	else
		FUZZ_CHECK(err.code == EINVAL &&
		           (span < 1 || span > DATEARG_MAX_DAYS));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct daydate untouched = {1, 2, 3};
	struct daydate d = untouched;
	const uint8_t *tail;
	struct errmsg err;
	time_t now = NOW;
	size_t tail_len;
	int64_t raw = 0;
	char *s;

	s = fuzz_split(data, size, &tail, &tail_len);
	if (tail_len > 0) {
		memcpy(&raw, tail, tail_len < 8 ? tail_len : 8);
		now = (time_t)raw;
	}
	if (datearg_parse(s, now, &d, &err) == 0) {
		if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0)
			check_relative(s, now, &d);
		else {
			check_spelled(s, &d);
			check_range(&d);
		}
	} else {
		FUZZ_CHECK(err.code == EINVAL || err.code == EOVERFLOW);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		FUZZ_CHECK(daydate_cmp(&d, &untouched) == 0);
	}
	free(s);
	return 0;
}
