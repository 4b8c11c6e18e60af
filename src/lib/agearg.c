/* agearg.c - parse AGE arguments: a whole number and a unit, s m h or d */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "agearg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errmsg.h"
#include "parse.h"

#define UNITS "s, m, h or d"
/* Bytes of a bad value shown in a message: enough to recognise it. */

static const struct ageunit {
	char name;
	uint64_t seconds;
} ageunits[] = {
    {'s', 1},
    {'m', 60},
    {'h', 3600},
    {'d', 86400},
};

static int
bad_age(const char *s, const char *why, struct errmsg *err)
{
	char shown[ERRMSG_QUOTE_SIZE];

	return ERRMSG_SET(err, EINVAL, "bad age \"%s\": %s",
	    errmsg_quote(s, strlen(s), shown), why);
}

int
agearg_parse(const char *s, uint64_t *age_s, struct errmsg *err)
{
	size_t len = strlen(s), digits = strspn(s, "0123456789"), i;
	const struct ageunit *unit = NULL;
	char why[ERRMSG_MAX], shown[ERRMSG_QUOTE_SIZE];
	uint64_t n;

	if (len == 0)
		return bad_age(s, "empty (expected 90s, 30m, 12h or 7d)", err);
	if (s[0] == '-' && strspn(s + 1, "0123456789") > 0)
		return bad_age(s, "negative", err);
	if (digits == 0)
		return bad_age(s, "no number (expected 90s, 30m, 12h or 7d)",
		    err);
	if (digits == len)
		return bad_age(s, "missing unit (" UNITS ")", err);
	for (i = 0; i < sizeof(ageunits) / sizeof(ageunits[0]); i++)
		if (s[digits] == ageunits[i].name)
			unit = &ageunits[i];
	if (unit == NULL) {
		(void)snprintf(why, sizeof(why), "unknown unit \"%s\" (%s)",
		    errmsg_quote(s + digits, len - digits, shown), UNITS);
		return bad_age(s, why, err);
	}
	if (digits + 1 != len)
		return bad_age(s, "text after the unit", err);
	/* Only digits: a failure is the range, 0 or too many seconds. */
	if (parse_uint_n(s, digits, 1, AGEARG_MAX_S / unit->seconds, &n) ==
	    -1) {
		if (strspn(s, "0") == digits)
			return bad_age(s, "must be more than 0", err);
		(void)snprintf(why, sizeof(why), "longer than %dd",
		    AGEARG_MAX_DAYS);
		return bad_age(s, why, err);
	}
	*age_s = n * unit->seconds;
	return 0;
}
