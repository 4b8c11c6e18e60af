/* daysummary.h - what `resmon days` and GET /api/v1/days tell of a day */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYSUMMARY_H
#define RESMON_DAYSUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "timestamp.h"

struct errmsg;

/* A day file at the moment it was read; every field is the caller's to read. */
struct daysummary {
	off_t size;      /* st_size just after the read, torn tail included */
	off_t valid_end; /* bytes up to the end of the last good line */
	bool has_header; /* false for an empty file or a torn first line */
	bool torn_tail;  /* a last line was left out */
	long rows;       /* complete, valid rows */
	time_t first_t, last_t; /* of the first and last row; 0 with no rows */
	int first_utcoff_s, last_utcoff_s;
	/* Their time cells as written, "" with no rows. */
	char first_time[TIMESTAMP_LEN + 1];
	char last_time[TIMESTAMP_LEN + 1];
	size_t n_ifaces;
	/* In column order, owned by the summary; NULL without a header. */
	char **ifaces;
};

/*
 * Reads the day file open on fd (one pass of dayreader_read; name is used
 * in messages). Returns a summary the caller frees with daysummary_free(),
 * or NULL with err set as dayreader_read sets it (EINVAL
 * "NAME:LINE: problem" for a file that cannot be parsed, an errno value
 * for a failed read).
 */
struct daysummary *daysummary_new(int fd, const char *name, struct errmsg *err);

/* Frees s and its names; NULL does nothing. */
void daysummary_free(struct daysummary *s);

#endif
