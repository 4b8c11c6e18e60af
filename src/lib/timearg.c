/* timearg.c - parse from/to times: local wall clock or ISO 8601 instants */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "timearg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "parse.h"
#include "timestamp.h"

#define FORMS "HH:MM[:SS] or YYYY-MM-DDTHH:MM:SS+HH:MM"
/* Bytes of a bad value shown in a message: enough to recognise it. */
#define MAX_OFFSET_S (18 * 3600)
/*
 * How far from a wall time to look for the zone's offsets before and
 * after a clock change: more than any UTC offset, less than the months
 * between two changes.
 */
#define PROBE_S (2 * 86400)

/* A local calendar date and clock time. */
struct wall {
	struct daydate date;
	int hour, min, sec;
};

static int
bad_time(const char *s, struct errmsg *err)
{
	char shown[ERRMSG_QUOTE_SIZE];

	/* Untrusted: quoted so it cannot end the quotes or break UTF-8. */
	return ERRMSG_SET(err, EINVAL, "bad time \"%s\" (want %s)",
	    errmsg_quote(s, strlen(s), shown), FORMS);
}

/*
 * Whether the local clock shows w at t. An instant without a local time
 * (localtime_r fails only for years past 2^31) shows nothing.
 */
static bool
shows(time_t t, const struct wall *w)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return false;
	return tm.tm_year + 1900 == w->date.year &&
	       tm.tm_mon + 1 == w->date.month && tm.tm_mday == w->date.day &&
	       tm.tm_hour == w->hour && tm.tm_min == w->min &&
	       tm.tm_sec == w->sec;
}

/*
 * The earliest instant the local clock shows w. Returns 0, or -1 when
 * there is none (a time the clocks skip); *t is untouched then.
 */
static int
wall_to_instant(const struct wall *w, time_t *t)
{
	time_t cand[3], as_utc;
	bool found = false;
	struct tm tm;
	int i;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = w->date.year - 1900;
	tm.tm_mon = w->date.month - 1;
	tm.tm_mday = w->date.day;
	tm.tm_hour = w->hour;
	tm.tm_min = w->min;
	tm.tm_sec = w->sec;
	tm.tm_isdst = -1;
	/* (time_t)-1 may be an error or a real instant: shows() decides. */
	cand[0] = mktime(&tm);
	/*
	 * For a time shown twice, glibc's mktime picks the occurrence by a
	 * hint left from its previous call: the second one normally, the
	 * first after a summer date. So also try the offsets in force well
	 * before and after the wall time, and keep the earliest that fits.
	 */
	as_utc = (time_t)daydate_to_days(&w->date) * 86400 + w->hour * 3600 +
	         w->min * 60 + w->sec;
	for (i = 1; i < 3; i++) {
		time_t probe = as_utc + (i == 1 ? -PROBE_S : PROBE_S);

		if (localtime_r(&probe, &tm) == NULL)
			cand[i] = cand[0];
		else
			cand[i] = as_utc - tm.tm_gmtoff;
	}
	for (i = 0; i < 3; i++)
		if (shows(cand[i], w) && (!found || cand[i] < *t)) {
			*t = cand[i];
			found = true;
		}
	return found ? 0 : -1;
}

/* "HH:MM" or "HH:MM:SS" on day; 24:00[:00] is the next midnight. */
static int
timearg_parse_local(const char *s, size_t len, const struct daydate *day,
    time_t *t, struct errmsg *err)
{
	uint64_t hh, mm, ss = 0;
	char date[DAYDATE_LEN + 1];
	struct wall w;

	if (s[2] != ':' || parse_uint_n(s, 2, 0, 24, &hh) == -1 ||
	    parse_uint_n(s + 3, 2, 0, 59, &mm) == -1 ||
	    (len == 8 &&
	        (s[5] != ':' || parse_uint_n(s + 6, 2, 0, 59, &ss) == -1)) ||
	    (hh == 24 && (mm != 0 || ss != 0)))
		return bad_time(s, err);
	w.date = *day;
	if (hh == 24) {
		daydate_from_days(daydate_to_days(day) + 1, &w.date);
		hh = 0;
	}
	w.hour = (int)hh;
	w.min = (int)mm;
	w.sec = (int)ss;
	if (wall_to_instant(&w, t) == -1) {
		daydate_format(day, date);
		return ERRMSG_SET(err, EINVAL,
		    "time \"%s\" does not exist on %s (the clocks skip it)", s,
		    date);
	}
	return 0;
}

/*
 * ISO 8601 with an offset. Rewrites the accepted spellings into the day
 * file's "YYYY-MM-DDTHH:MM:SS±HH:MM", which timestamp_parse() checks
 * field by field; anything copied to the wrong place fails there.
 */
static int
timearg_parse_iso(const char *s, size_t len, time_t *t, struct errmsg *err)
{
	char canon[TIMESTAMP_LEN + 1];
	size_t pos = 16, n = 16;
	time_t instant;
	int off;

	memcpy(canon, s, 16); /* "YYYY-MM-DDTHH:MM" */
	if (s[pos] == ':') {
		if (len < pos + 3)
			return bad_time(s, err);
		memcpy(canon + n, s + pos, 3);
		pos += 3;
	} else
		memcpy(canon + n, ":00", 3);
	n += 3;
	if (len - pos == 1 && s[pos] == 'Z')
		memcpy(canon + n, "+00:00", 6);
	else if (len - pos == 6 && s[pos + 3] == ':')
		memcpy(canon + n, s + pos, 6);
	else if (len - pos == 5) {
		memcpy(canon + n, s + pos, 3);
		canon[n + 3] = ':';
		memcpy(canon + n + 4, s + pos + 3, 2);
	} else
		return bad_time(s, err);
	canon[TIMESTAMP_LEN] = '\0';
	if (timestamp_parse(canon, TIMESTAMP_LEN, &instant, &off) == -1 ||
	    off > MAX_OFFSET_S || off < -MAX_OFFSET_S)
		return bad_time(s, err);
	*t = instant;
	return 0;
}

int
timearg_parse(const char *s, const struct daydate *day, time_t *t,
    struct errmsg *err)
{
	size_t len = strlen(s);

	if (len == 5 || len == 8)
		return timearg_parse_local(s, len, day, t, err);
	/* The shortest ISO form is "YYYY-MM-DDTHH:MMZ". */
	if (len >= 17 && len <= TIMESTAMP_LEN)
		return timearg_parse_iso(s, len, t, err);
	return bad_time(s, err);
}
