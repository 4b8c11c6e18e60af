/* datearg.c - parse DATE arguments: ISO, the seed's DD-MM-YYYY, today */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "datearg.h"

#include <errno.h>
#include <string.h>

#include "errmsg.h"
#include "timestamp.h"

#define FORMS "YYYY-MM-DD, DD-MM-YYYY, today or yesterday"
/* Bytes of a bad value shown in a message: enough to recognise it. */

static int
bad_date(const char *s, struct errmsg *err)
{
	char shown[ERRMSG_QUOTE_SIZE];

	/* Untrusted (a query value of the API, which puts the message in a
	 * JSON problem body): quoted. */
	return ERRMSG_SET(err, EINVAL, "bad date \"%s\" (expected %s)",
	    errmsg_quote(s, strlen(s), shown), FORMS);
}

int
datearg_parse(const char *s, time_t now, struct daydate *date,
    struct errmsg *err)
{
	struct daydate d;
	char iso[DAYDATE_LEN];
	size_t len = strlen(s);

	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		if (daydate_of(now, &d) == -1)
			return ERRMSG_SET(err, EOVERFLOW,
			    "%s: cannot tell the local date", s);
		if (s[0] == 'y')
			daydate_from_days(daydate_to_days(&d) - 1, &d);
		*date = d;
		return 0;
	}
	if (len != DAYDATE_LEN)
		return bad_date(s, err);
	if (s[2] == '-' && s[5] == '-') {
		/* DD-MM-YYYY: reorder, and daydate_parse checks the rest. */
		memcpy(iso, s + 6, 4);
		iso[4] = '-';
		memcpy(iso + 5, s + 3, 2);
		iso[7] = '-';
		memcpy(iso + 8, s, 2);
		if (daydate_parse(iso, DAYDATE_LEN, &d) == -1)
			return bad_date(s, err);
	} else if (daydate_parse(s, len, &d) == -1)
		return bad_date(s, err);
	*date = d;
	return 0;
}

int
datearg_range(const struct daydate *from, const struct daydate *to, int *n_days,
    struct errmsg *err)
{
	char a[DAYDATE_LEN + 1], b[DAYDATE_LEN + 1];
	long n = daydate_to_days(to) - daydate_to_days(from) + 1;

	daydate_format(from, a);
	daydate_format(to, b);
	if (n < 1)
		return ERRMSG_SET(err, EINVAL, "bad range %s to %s: ends first",
		    a, b);
	if (n > DATEARG_MAX_DAYS)
		return ERRMSG_SET(err, EINVAL,
		    "bad range %s to %s: %ld days, at most %d", a, b, n,
		    DATEARG_MAX_DAYS);
	if (n_days != NULL)
		*n_days = (int)n;
	return 0;
}
