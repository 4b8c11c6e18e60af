/* agearg.h - AGE arguments such as 90s, 30m, 12h, 7d (SPEC §6) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_AGEARG_H
#define RESMON_AGEARG_H

#include <stdint.h>

struct errmsg;

/* Longest age taken: about a century, far from any time_t overflow. */
#define AGEARG_MAX_DAYS 36500
#define AGEARG_MAX_S ((uint64_t)AGEARG_MAX_DAYS * 86400)

/*
 * Parses all of s as a whole number above 0 followed by one unit,
 * s (seconds), m (minutes), h (hours) or d (days of 86400 s), into
 * *age_s: "90s", "30m", "12h", "7d". No sign, blank or other text.
 * Returns 0, or -1 with err EINVAL "bad age \"S\": ..." saying what is
 * wrong (no number, missing or unknown unit, 0, negative, too long);
 * *age_s is untouched on failure.
 */
int agearg_parse(const char *s, uint64_t *age_s, struct errmsg *err);

#endif
