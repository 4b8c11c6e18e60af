/* timestamp.h - the day file's local ISO 8601 times and calendar dates */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_TIMESTAMP_H
#define RESMON_TIMESTAMP_H

#include <stddef.h>
#include <time.h>

/* "2026-11-27T13:05:01+04:00" */
#define TIMESTAMP_LEN 25
/* "2026-11-27" */
#define DAYDATE_LEN 10

struct daydate {
	int year;  /* 1970..9999 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

/*
 * Formats t as local time in the process's zone (TZ) into buf, NUL
 * terminated, and gives the local calendar date in *date (may be NULL).
 * Returns 0, or -1 with errno EOVERFLOW for a time it cannot represent.
 */
int timestamp_format(time_t t, char buf[TIMESTAMP_LEN + 1],
    struct daydate *date);

/*
 * Parses exactly len bytes "YYYY-MM-DDTHH:MM:SS±HH:MM" into the instant
 * *t and the offset *utcoff_s (may be NULL). "Z" is refused: the file
 * format promises an offset. Returns 0, or -1 with errno EINVAL.
 */
int timestamp_parse(const char *s, size_t len, time_t *t, int *utcoff_s);

/* Local date of the instant t in the process's zone. Returns 0 or -1. */
int daydate_of(time_t t, struct daydate *date);

/* Writes "YYYY-MM-DD" and a NUL into buf. Cannot fail. */
void daydate_format(const struct daydate *date, char buf[DAYDATE_LEN + 1]);

/* Parses exactly len bytes "YYYY-MM-DD", a real date: 0, or -1 EINVAL. */
int daydate_parse(const char *s, size_t len, struct daydate *date);

/* Days since 1970-01-01, and back (proleptic Gregorian). */
long daydate_to_days(const struct daydate *date);
void daydate_from_days(long days, struct daydate *date);

/* <0, 0, >0 as a is before, equal to or after b. */
int daydate_cmp(const struct daydate *a, const struct daydate *b);

#endif
