/* timestamp.c - format and parse the day file's local times and dates */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "timestamp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Howard Hinnant's days_from_civil: no mktime, no TZ, no table. */
long
daydate_to_days(const struct daydate *date)
{
	long y = date->year - (date->month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (date->month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + date->day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
daydate_from_days(long days, struct daydate *date)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	date->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	date->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	date->year = (int)(yoe + era * 400 + (date->month <= 2));
}

int
daydate_cmp(const struct daydate *a, const struct daydate *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

static int
local_tm(time_t t, struct tm *tm)
{
	if (localtime_r(&t, tm) == NULL)
		return -1;
	if (tm->tm_year + 1900 < 1970 || tm->tm_year + 1900 > 9999) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

int
daydate_of(time_t t, struct daydate *date)
{
	struct tm tm;

	if (local_tm(t, &tm) == -1)
		return -1;
	date->year = tm.tm_year + 1900;
	date->month = tm.tm_mon + 1;
	date->day = tm.tm_mday;
	return 0;
}

void
daydate_format(const struct daydate *date, char buf[DAYDATE_LEN + 1])
{
	char tmp[64]; /* roomy, so the compiler sees no truncation */

	(void)snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", date->year,
	    date->month, date->day);
	memcpy(buf, tmp, DAYDATE_LEN);
	buf[DAYDATE_LEN] = '\0';
}

int
timestamp_format(time_t t, char buf[TIMESTAMP_LEN + 1], struct daydate *date)
{
	char tmp[96]; /* roomy, so the compiler sees no truncation */
	struct tm tm;
	long off, offmin;

	if (local_tm(t, &tm) == -1)
		return -1;
	/* Zones with second offsets (pre-1900 LMT) round to the minute. */
	off = tm.tm_gmtoff;
	offmin = labs(off) / 60;
	(void)snprintf(tmp, sizeof(tmp),
	    "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', offmin / 60, offmin % 60);
	memcpy(buf, tmp, TIMESTAMP_LEN);
	buf[TIMESTAMP_LEN] = '\0';
	if (date != NULL) {
		date->year = tm.tm_year + 1900;
		date->month = tm.tm_mon + 1;
		date->day = tm.tm_mday;
	}
	return 0;
}

/* Reads n digits at s into *v; returns 0 or -1. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
daydate_parse(const char *s, size_t len, struct daydate *date)
{
	struct daydate d;

	if (len != DAYDATE_LEN || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &d.year) == -1 || digits(s + 5, 2, &d.month) == -1 ||
	    digits(s + 8, 2, &d.day) == -1 || d.year < 1970 || d.month < 1 ||
	    d.month > 12 || d.day < 1 ||
	    d.day > days_in_month(d.year, d.month)) {
		errno = EINVAL;
		return -1;
	}
	*date = d;
	return 0;
}

int
timestamp_parse(const char *s, size_t len, time_t *t, int *utcoff_s)
{
	struct daydate date;
	int hh, mm, ss, oh, om, off;

	if (len != TIMESTAMP_LEN ||
	    daydate_parse(s, DAYDATE_LEN, &date) == -1 || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || (s[19] != '+' && s[19] != '-') ||
	    s[22] != ':' || digits(s + 11, 2, &hh) == -1 ||
	    digits(s + 14, 2, &mm) == -1 || digits(s + 17, 2, &ss) == -1 ||
	    digits(s + 20, 2, &oh) == -1 || digits(s + 23, 2, &om) == -1 ||
	    hh > 23 || mm > 59 || ss > 59 || oh > 18 || om > 59) {
		errno = EINVAL;
		return -1;
	}
	off = (oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
	*t = (time_t)daydate_to_days(&date) * 86400 + hh * 3600 + mm * 60 + ss -
	     off;
	if (utcoff_s != NULL)
		*utcoff_s = off;
	return 0;
}
