/* timearg.h - the from and to times of the API's day routes (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_TIMEARG_H
#define RESMON_TIMEARG_H

#include <time.h>

struct daydate;
struct errmsg;

/*
 * Parses s, the value of from= or to=, into the instant *t. Two forms:
 *
 * "HH:MM" or "HH:MM:SS" is that wall-clock time on day in the process's
 * zone (TZ). "24:00" and "24:00:00" are the next local midnight, the end
 * of the day (for to=, which is exclusive). A time the clocks skip on
 * that day (the DST spring-forward gap) is refused; a time they show
 * twice (autumn) means its first occurrence, the earlier instant.
 *
 * "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DDTHH:MM" followed by "Z", "±HH:MM"
 * or "±HHMM" is that instant; its date need not be day (the caller clips
 * to the day). The offset is at most 18:00 either way.
 *
 * Strict: two-digit fields, hour 0-23, minute 0-59, second 0-59 (a leap
 * second :60 is refused: time_t has none and no day file holds one), a
 * real date from 1970 on, an upper-case "T" and "Z", no fraction, no
 * blanks, nothing after.
 *
 * Returns 0, or -1 with err EINVAL, *t untouched:
 *   bad time "S" (want HH:MM[:SS] or YYYY-MM-DDTHH:MM:SS+HH:MM)
 * with S cut at 64 bytes and non-printable bytes, quote and backslash
 * as \xNN (safe in a JSON problem body), or
 *   time "02:30" does not exist on 2026-03-29 (the clocks skip it)
 */
int timearg_parse(const char *s, const struct daydate *day, time_t *t,
    struct errmsg *err);

#endif
