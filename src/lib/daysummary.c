/* daysummary.c - rows, times and interfaces of a day file in one pass */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daysummary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dayreader.h"
#include "errmsg.h"
#include "xalloc.h"

static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct daysummary *s = ctx;
	size_t i;

	(void)err;
	s->ifaces = xcalloc(h->n_ifaces + 1, sizeof(*s->ifaces));
	for (i = 0; i < h->n_ifaces; i++)
		s->ifaces[i] = xstrdup(h->ifaces[i]);
	s->n_ifaces = h->n_ifaces;
	return 0;
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct daysummary *s = ctx;

	(void)err;
	/* The reader checked the time cell: exactly TIMESTAMP_LEN bytes. */
	if (s->first_time[0] == '\0') {
		memcpy(s->first_time, row->cell[DAYCOL_TIME], TIMESTAMP_LEN);
		s->first_utcoff_s = row->utcoff_s;
	}
	memcpy(s->last_time, row->cell[DAYCOL_TIME], TIMESTAMP_LEN);
	return 0;
}

struct daysummary *
daysummary_new(int fd, const char *name, struct errmsg *err)
{
	struct dayreader_consumer consumer = {on_header, on_row, NULL};
	struct dayreader_stats stats;
	struct daysummary *s;
	struct stat sb;

	s = xcalloc(1, sizeof(*s));
	consumer.ctx = s;
	if (dayreader_read(fd, name, &consumer, &stats, err) == -1)
		goto fail;
	/* After the read, so size >= valid_end while the file only grows. */
	if (fstat(fd, &sb) == -1) {
		ERRMSG_SET(err, errno, "%s: fstat: %s", name, strerror(errno));
		goto fail;
	}
	s->size = sb.st_size;
	s->valid_end = stats.valid_end;
	s->has_header = stats.has_header;
	s->torn_tail = stats.torn_tail;
	s->rows = stats.rows;
	s->first_t = stats.first_t;
	s->last_t = stats.last_t;
	s->last_utcoff_s = stats.last_utcoff_s;
	return s;
fail:
	daysummary_free(s);
	return NULL;
}

void
daysummary_free(struct daysummary *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_ifaces; i++)
		free(s->ifaces[i]);
	free(s->ifaces);
	free(s);
}
