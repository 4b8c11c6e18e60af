/* live_follow.c - resmon live when another recorder writes: its newest rows */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datalock.h"
#include "dayreader.h"
#include "daytail.h"
#include "resmon.h"
#include "row.h"
#include "timestamp.h"
#include "xalloc.h"

static int64_t
cell_int(const struct dayrow *dr, size_t i)
{
	double v = dr->value[i];

	if (isnan(v))
		return ROW_EMPTY;
	/* Past int64_t only in a hand-made file; shown as the largest. */
	return v >= 9223372036854775807.0 ? INT64_MAX : (int64_t)v;
}

/* The day file's row as the recorder would have made it, to row_free(). */
static struct row *
follow_row_new(const struct dayheader *h, const struct dayrow *dr)
{
	struct colset *cs;
	struct daydate date = {1970, 1, 1};
	struct row *row;
	size_t i;

	(void)daydate_of(dr->t, &date);
	cs = colset_new(&date);
	/* The header's names passed dayreader_iface_name_ok(): 1-15 bytes. */
	for (i = 0; i < h->n_ifaces; i++)
		colset_add(cs, h->ifaces[i]);
	row = row_new(cs, h->n_ifaces);
	colset_unref(cs);
	row->t = dr->t;
	row->date = date;
	/* 0-100 with two decimals: rounding half up needs no libm. */
	if (!isnan(dr->value[DAYCOL_CPU]))
		row->cpu_centi = (int)(dr->value[DAYCOL_CPU] * 100 + 0.5);
	row->mem_total_kib = cell_int(dr, DAYCOL_MEM_TOTAL);
	row->mem_free_kib = cell_int(dr, DAYCOL_MEM_FREE);
	row->mem_available_kib = cell_int(dr, DAYCOL_MEM_AVAILABLE);
	for (i = 0; i < h->n_ifaces; i++) {
		row->net[i].rx_bps = cell_int(dr, DAYCOL_RX(i));
		row->net[i].tx_bps = cell_int(dr, DAYCOL_TX(i));
	}
	return row;
}

/* Keeps row if it is new; returns it then, else frees it and returns NULL. */
static const struct row *
follow_take(struct follow *fw, struct row *row)
{
	time_t step;

	if (fw->row != NULL && row->t == fw->row->t) {
		row_free(row);
		return NULL;
	}
	if (fw->row != NULL && row->t > fw->row->t) {
		step = row->t - fw->row->t;
		if (fw->step_s == 0 || step < fw->step_s)
			fw->step_s = step;
	}
	row_free(fw->row);
	fw->row = row;
	return row;
}

/* Reads the newest row of today's file into *row (NULL for none). */
static enum follow_state
follow_read(struct follow *fw, time_t now, struct row **row)
{
	char date[DAYDATE_LEN + 1], *name;
	const struct dayrow *dr;
	struct daydate today;
	struct errmsg err;
	int fd, rc;

	*row = NULL;
	if (daydate_of(now, &today) == -1) {
		(void)snprintf(fw->note, sizeof(fw->note),
		    "the date of %lld is out of range", (long long)now);
		return FOLLOW_FAILED;
	}
	daydate_format(&today, date);
	free(fw->file);
	fw->file = xasprintf("%s/%s.csv", fw->data_dir, date);
	name = xasprintf("%s.csv", date);
	fd = openat(fw->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(name);
	if (fd == -1 && errno != ENOENT) {
		(void)snprintf(fw->note, sizeof(fw->note), "%s: %s", fw->file,
		    strerror(errno));
		return FOLLOW_FAILED;
	}
	rc = fd == -1 ? 0 : daytail_read(fw->dt, fd, fw->file, &err);
	if (fd != -1)
		(void)close(fd);
	if (rc == -1) {
		(void)snprintf(fw->note, sizeof(fw->note), "%s", err.msg);
		return FOLLOW_FAILED;
	}
	dr = fd == -1 ? NULL : daytail_row(fw->dt);
	if (dr == NULL) {
		(void)snprintf(fw->note, sizeof(fw->note),
		    "waiting for rows in %s", fw->file);
		return FOLLOW_WAITING;
	}
	*row = follow_row_new(daytail_header(fw->dt), dr);
	return FOLLOW_SHOWING;
}

const struct row *
follow_poll(struct follow *fw, unsigned interval_s, time_t now)
{
	const struct row *fresh = NULL;
	struct row *row;
	time_t limit;

	fw->holder = datalock_holder(fw->dirfd);
	fw->note[0] = '\0';
	fw->state = follow_read(fw, now, &row);
	if (row != NULL)
		fresh = follow_take(fw, row);
	/* Twice the interval, as /api/v1/current: the recorder's own, once
	 * two of its rows showed it, if longer than ours. */
	limit = 2 * (fw->step_s > (time_t)interval_s ? fw->step_s
	                                             : (time_t)interval_s);
	if (fw->state == FOLLOW_SHOWING && now - fw->row->t > limit) {
		fw->state = FOLLOW_STALE;
		(void)snprintf(fw->note, sizeof(fw->note),
		    "stale: the newest row is %lld s old",
		    (long long)(now - fw->row->t));
	}
	return fresh;
}

int
follow_open(struct follow *fw, const char *data_dir)
{
	memset(fw, 0, sizeof(*fw));
	fw->data_dir = data_dir;
	fw->dirfd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fw->dirfd == -1) {
		warnx_msg("%s: %s", data_dir, strerror(errno));
		return -1;
	}
	fw->holder = datalock_holder(fw->dirfd);
	fw->dt = daytail_new();
	fw->state = FOLLOW_SHOWING; /* nothing said yet */
	return 0;
}

void
follow_close(struct follow *fw)
{
	(void)close(fw->dirfd);
	daytail_free(fw->dt);
	row_free(fw->row);
	free(fw->file);
}
