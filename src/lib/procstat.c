/* procstat.c - the aggregate "cpu" line of /proc/stat and the busy share */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "procstat.h"

#include <errno.h>
#include <string.h>

#include "errmsg.h"
#include "parse.h"

/* user nice system idle iowait irq softirq steal: 2.6.11 added steal. */
#define PROCSTAT_FIELDS_MIN 8

/* A token is shown in a message at most this long; input may be any size. */
#define PROCSTAT_SHOW_MAX 32

int
procstat_parse(const char *buf, size_t len, struct cpu_times *out,
    struct errmsg *err)
{
	uint64_t v[PROCSTAT_FIELDS_MIN], x;
	const char *nl, *p, *tok;
	size_t nfields = 0, toklen;

	nl = memchr(buf, '\n', len);
	if (nl == NULL)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/stat: first line lacks a newline");
	/* "cpu0 " and later lines are per CPU; only the sum is wanted. */
	if (nl - buf < 4 || memcmp(buf, "cpu ", 4) != 0)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/stat: first line is not the aggregate \"cpu\" line");
	p = buf + 4;
	for (;;) {
		while (p < nl && *p == ' ')
			p++;
		if (p == nl)
			break;
		tok = p;
		while (p < nl && *p != ' ')
			p++;
		toklen = (size_t)(p - tok);
		/*
		 * Fields past steal (guest, guest_nice, any future ones) are
		 * still checked, so a torn or garbled line is never half used.
		 */
		if (parse_uint_n(tok, toklen, 0, UINT64_MAX, &x) == -1)
			goto bad;
		if (nfields < PROCSTAT_FIELDS_MIN)
			v[nfields] = x;
		nfields++;
	}
	if (nfields < PROCSTAT_FIELDS_MIN)
		return ERRMSG_SET(err, EINVAL,
		    "/proc/stat: cpu line has %zu fields, need %d "
		    "(Linux 2.6.11 or later)",
		    nfields, PROCSTAT_FIELDS_MIN);
	out->user = v[0];
	out->nice = v[1];
	out->system = v[2];
	out->idle = v[3];
	out->iowait = v[4];
	out->irq = v[5];
	out->softirq = v[6];
	out->steal = v[7];
	return 0;

bad:
	if (toklen > PROCSTAT_SHOW_MAX)
		toklen = PROCSTAT_SHOW_MAX;
	return ERRMSG_SET(err, EINVAL,
	    "/proc/stat: cpu field %zu: bad number \"%.*s\"", nfields + 1,
	    (int)toklen, tok);
}

/*
 * The kernel's counters may step back: iowait is an estimate that NO_HZ
 * can lower, and an offlined CPU's idle time leaves the sum. Such a field
 * adds nothing rather than wrapping to a huge delta.
 */
static uint64_t
delta(uint64_t before, uint64_t after)
{
	return after > before ? after - before : 0;
}

int
procstat_busy_centi(const struct cpu_times *before,
    const struct cpu_times *after)
{
	unsigned __int128 busy, total;

	/* Six deltas of up to 2^64 each: 128 bits hold the sum and *10000. */
	busy = delta(before->user, after->user);
	busy += delta(before->nice, after->nice);
	busy += delta(before->system, after->system);
	busy += delta(before->irq, after->irq);
	busy += delta(before->softirq, after->softirq);
	busy += delta(before->steal, after->steal);
	total = busy + delta(before->idle, after->idle);
	total += delta(before->iowait, after->iowait);
	if (total == 0)
		return -1;
	/* Rounded half up; busy <= total keeps it within 0..10000. */
	return (int)((busy * 10000 + total / 2) / total);
}
