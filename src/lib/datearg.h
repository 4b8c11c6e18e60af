/* datearg.h - DATE arguments of the command line and the API (SPEC §6) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DATEARG_H
#define RESMON_DATEARG_H

#include <time.h>

struct daydate;
struct errmsg;

/* Longest date range, both days included (SPEC §3). */
#define DATEARG_MAX_DAYS 31

/*
 * Parses s as "YYYY-MM-DD", the seed's "DD-MM-YYYY", "today" or
 * "yesterday" (the local date of now, or the day before, in the
 * process's zone) into *date. Strict: two-digit months and days, a real
 * calendar date, nothing after it. Returns 0, or -1 with err EINVAL
 * "bad date \"S\" (...)", S cut at 64 bytes and non-printable bytes,
 * quote and backslash as \xNN (safe in a JSON problem body); *date is
 * untouched on failure.
 */
int datearg_parse(const char *s, time_t now, struct daydate *date,
    struct errmsg *err);

/*
 * Checks that from is not after to and that the range, both days
 * included, spans at most DATEARG_MAX_DAYS days; *n_days (may be NULL)
 * gets its length. Returns 0, or -1 with err EINVAL.
 */
int datearg_range(const struct daydate *from, const struct daydate *to,
    int *n_days, struct errmsg *err);

#endif
