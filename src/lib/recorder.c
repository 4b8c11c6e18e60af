/* recorder.c - the sampling loop resmon record, live and resmond share */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "recorder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backlog.h"
#include "clock.h"
#include "datalock.h"
#include "dayfile.h"
#include "row.h"
#include "sampler.h"
#include "timestamp.h"
#include "xalloc.h"

/* A wall clock that moves this much against the monotonic one has stepped. */
#define STEP_NS NS_PER_S
/* How often to look whether a widening rewrite has finished. */
#define WIDEN_POLL_NS (5 * 1000000)

/* What position i of /proc/net/dev maps to, while its name stays. */
struct colmap {
	char name[IFACE_NAME_MAX + 1];
	bool known;
	long col; /* in the day's colset, -1 when not recorded */
};

struct recorder {
	const struct recorder_config *cf;
	int64_t interval_ns;
	int64_t next_interval_ns; /* set: takes over after the next read */
	int dirfd, lockfd;
	struct sampler *sampler;
	struct sample prev, cur;
	bool have_prev;
	int64_t prev_wall_ns, prev_mono_ns;
	int64_t next_wall_ns, deadline_ns; /* the next boundary, both clocks */
	int64_t flush_retry_ns; /* set: held rows wait for a rewrite */
	time_t last_row_t;      /* rows only ever move forward */
	struct colset *cols;    /* today's interfaces */
	struct colmap *colmap;  /* per /proc/net/dev position */
	size_t colmap_cap;
	const struct colset *colmap_cols; /* the colset colmap is for */
	struct dayfile *df;
	struct daydate df_date;
	struct backlog backlog;
	struct row *last_row; /* a copy for the live view */
	int64_t last_sync_ns;
	bool unsynced;
	struct faultlog sample_fault, write_fault;
	struct recorder_status st;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void
recorder_error(struct recorder *r, const struct errmsg *err)
{
	memcpy(r->st.last_error, err->msg, sizeof(r->st.last_error));
}

/* Whether the configuration's globs select the interface name. */
static bool
recorder_wants(const struct recorder_config *cf, const char *name)
{
	size_t i;
	bool in = cf->n_iface_globs == 0;

	for (i = 0; !in && i < cf->n_iface_globs; i++)
		in = fnmatch(cf->iface_globs[i], name, 0) == 0;
	for (i = 0; in && i < cf->n_exclude_globs; i++)
		in = fnmatch(cf->exclude_globs[i], name, 0) != 0;
	return in;
}

/*
 * Schedules the read after a row at t, or after a baseline read at wall:
 * the first boundary at least half an interval away, so no row covers a
 * sliver of time (a packet in 1 ms would read as a huge rate).
 */
static void
recorder_schedule(struct recorder *r, int64_t wall_ns, int64_t mono_ns,
    bool after_row, time_t t)
{
	int64_t next;

	if (after_row)
		next = (int64_t)t * NS_PER_S + r->interval_ns;
	else {
		next =
		    (floor_div(wall_ns, r->interval_ns) + 1) * r->interval_ns;
		if (next - wall_ns < r->interval_ns / 2)
			next += r->interval_ns;
	}
	r->next_wall_ns = next;
	r->deadline_ns = mono_ns + (next - wall_ns);
}

static void
recorder_close_day(struct recorder *r)
{
	struct errmsg err;

	if (r->df != NULL && dayfile_close(r->df, &err) == -1) {
		logsink_printf(&r->cf->log, LOG_ERR, "%s", err.msg);
		recorder_error(r, &err);
	}
	r->df = NULL;
	r->unsynced = false;
}

/* Removes day files dated keep_days or more before today (SPEC §2). */
static void
recorder_expire(struct recorder *r, const struct daydate *today)
{
	long oldest_kept = daydate_to_days(today) - (long)r->cf->keep_days + 1;
	struct daydate d;
	struct dirent *de;
	DIR *dir;
	int fd;

	if (r->cf->keep_days == 0)
		return;
	fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			(void)close(fd);
		logsink_printf(&r->cf->log, LOG_ERR, "%s: %s", r->cf->data_dir,
		    strerror(errno));
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strlen(de->d_name) != DAYDATE_LEN + 4 ||
		    strcmp(de->d_name + DAYDATE_LEN, ".csv") != 0 ||
		    daydate_parse(de->d_name, DAYDATE_LEN, &d) == -1 ||
		    daydate_to_days(&d) >= oldest_kept)
			continue;
		if (unlinkat(r->dirfd, de->d_name, 0) == -1)
			logsink_printf(&r->cf->log, LOG_ERR, "%s/%s: %s",
			    r->cf->data_dir, de->d_name, strerror(errno));
		else
			logsink_printf(&r->cf->log, LOG_INFO,
			    "%s/%s: removed, older than keep_days %u",
			    r->cf->data_dir, de->d_name, r->cf->keep_days);
	}
	(void)closedir(dir);
}

/* (Re)opens the data folder, which may have been removed and re-created. */
static int
recorder_open_dir(struct recorder *r, struct errmsg *err)
{
	int fd = open(r->cf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return ERRMSG_SET(err, errno, "%s: %s", r->cf->data_dir,
		    strerror(errno));
	if (r->dirfd != -1)
		(void)close(r->dirfd);
	r->dirfd = fd;
	return 0;
}

/* Opens the file for date, moving on from the previous day's. */
static int
recorder_open_day(struct recorder *r, const struct daydate *date,
    struct errmsg *err)
{
	bool new_day = r->df != NULL;
	time_t now = (time_t)(r->prev_wall_ns / NS_PER_S);

	recorder_close_day(r);
	r->df = dayfile_open(r->dirfd, r->cf->data_dir, date, now, &r->cf->log,
	    err);
	if (r->df == NULL) {
		/* A removed folder leaves dirfd naming a deleted inode. */
		if (err->code == ENOENT)
			(void)recorder_open_dir(r, NULL);
		return -1;
	}
	r->df_date = *date;
	/*
	 * A file with later rows (the clock was set back while no recorder
	 * ran): no row until the clock passes its last one, as after a step
	 * seen, not one refused row per interval until then.
	 */
	if (dayfile_last_time(r->df) > r->last_row_t)
		r->last_row_t = dayfile_last_time(r->df);
	if (new_day)
		recorder_expire(r, date);
	(void)snprintf(r->st.file, sizeof(r->st.file), "%s",
	    dayfile_path(r->df));
	return 0;
}

/* Writes the backlog, oldest first, for as long as the disk takes rows. */
static void
recorder_flush(struct recorder *r, int64_t mono_ns)
{
	struct errmsg err;
	struct row *row;
	int rc;

	while ((row = backlog_peek(&r->backlog)) != NULL) {
		if (r->df != NULL && dayfile_vanished(r->df)) {
			logsink_printf(&r->cf->log, LOG_WARNING,
			    "%s: removed while recording; starting it again",
			    dayfile_path(r->df));
			recorder_close_day(r);
		}
		if ((r->df == NULL ||
		        daydate_cmp(&row->date, &r->df_date) != 0) &&
		    recorder_open_day(r, &row->date, &err) == -1)
			goto fail;
		rc = dayfile_append(r->df, row, &err);
		if (rc == 1) {
			/* A rewrite is under way: look again soon, not in an
			 * interval. */
			r->flush_retry_ns = mono_ns + WIDEN_POLL_NS;
			return;
		}
		if (rc == -1 && err.code == EINVAL) {
			logsink_printf(&r->cf->log, LOG_ERR, "%s; row dropped",
			    err.msg);
			recorder_error(r, &err);
			backlog_pop(&r->backlog);
			r->backlog.dropped++;
			continue;
		}
		if (rc == -1)
			goto fail;
		faultlog_clear(&r->write_fault, &r->cf->log);
		r->st.rows_written++;
		r->unsynced = true;
		backlog_pop(&r->backlog);
	}
	if (r->unsynced && mono_ns - r->last_sync_ns >=
	                       (int64_t)r->cf->sync_interval_s * NS_PER_S) {
		r->last_sync_ns = mono_ns;
		r->unsynced = false;
		if (dayfile_sync(r->df, &err) == -1)
			goto fail;
	}
	return;
fail:
	faultlog_fail(&r->write_fault, &r->cf->log, mono_ns, err.msg);
	recorder_error(r, &err);
}

/* The row's day's interfaces; a new day starts from those present. */
static struct colset *
recorder_day_cols(struct recorder *r, const struct daydate *date)
{
	struct colset *cs;
	size_t i;

	if (r->cols != NULL && daydate_cmp(&r->cols->date, date) == 0)
		return r->cols;
	cs = colset_new(date);
	for (i = 0; r->cols != NULL && i < r->cols->n; i++) {
		size_t j;

		for (j = 0; j < r->cur.net.n; j++)
			if (strcmp(r->cur.net.v[j].name, r->cols->names[i]) ==
			    0)
				break;
		if (j < r->cur.net.n)
			(void)colset_add(cs, r->cols->names[i]);
	}
	colset_unref(r->cols);
	r->cols = cs;
	return cs;
}

/* Index of the previous reading of interface i of cur, or -1. */
static long
recorder_prev_iface(const struct recorder *r, size_t i)
{
	const char *name = r->cur.net.v[i].name;
	size_t j;

	if (i < r->prev.net.n && strcmp(r->prev.net.v[i].name, name) == 0)
		return (long)i;
	for (j = 0; j < r->prev.net.n; j++)
		if (strcmp(r->prev.net.v[j].name, name) == 0)
			return (long)j;
	return -1;
}

/*
 * Column of interface name in cs, adding it if wanted and max_ifaces
 * allows; -1 when not recorded. The answer is kept per position in
 * /proc/net/dev, where names rarely move, so a tick costs one strcmp
 * per interface instead of fnmatch and a search.
 */
static long
recorder_column(struct recorder *r, struct colset *cs, struct colmap *m,
    const char *name)
{
	if (m->known && strcmp(m->name, name) == 0)
		return m->col;
	memcpy(m->name, name, sizeof(m->name));
	m->known = true;
	m->col = -1;
	if (!recorder_wants(r->cf, name))
		return -1;
	m->col = colset_find(cs, name, 0);
	if (m->col != -1)
		return m->col;
	if (cs->n >= r->cf->max_ifaces) {
		if (cs->ignored++ == 0)
			logsink_printf(&r->cf->log, LOG_WARNING,
			    "max_ifaces %zu reached: not recording %s or any "
			    "further interface today",
			    r->cf->max_ifaces, name);
		return -1;
	}
	m->col = (long)colset_add(cs, name);
	return m->col;
}

/* Makes the row for the interval from prev to cur, ending at t. */
static struct row *
recorder_make_row(struct recorder *r, time_t t, int64_t elapsed_ns,
    const struct daydate *date)
{
	struct colset *cs = recorder_day_cols(r, date);
	const struct netdev_list *net = &r->cur.net;
	struct row *row;
	size_t i;
	long col, p;

	/* Columns first, so the row has a cell for every name of the day. */
	if (r->colmap_cols != cs || r->colmap_cap < net->n) {
		r->colmap_cap = net->n > r->colmap_cap ? net->n : r->colmap_cap;
		r->colmap =
		    xreallocarray(r->colmap, r->colmap_cap, sizeof(*r->colmap));
		memset(r->colmap, 0, r->colmap_cap * sizeof(*r->colmap));
		r->colmap_cols = cs;
	}
	for (i = 0; i < net->n; i++)
		r->colmap[i].col =
		    recorder_column(r, cs, &r->colmap[i], net->v[i].name);
	row = row_new(cs, cs->n);
	row->t = t;
	row->date = *date;
	row->cpu_centi = procstat_busy_centi(&r->prev.cpu, &r->cur.cpu);
	row->mem_total_kib = (int64_t)r->cur.mem.total_kib;
	row->mem_free_kib = (int64_t)r->cur.mem.free_kib;
	if (r->cur.mem.has_available)
		row->mem_available_kib = (int64_t)r->cur.mem.available_kib;
	for (i = 0; i < net->n; i++) {
		col = r->colmap[i].col;
		p = recorder_prev_iface(r, i);
		if (col == -1 || p == -1)
			continue; /* not recorded, or its first interval */
		row->net[col].rx_bps = netdev_rate_bps(
		    r->prev.net.v[p].rx_bytes, net->v[i].rx_bytes, elapsed_ns);
		row->net[col].tx_bps = netdev_rate_bps(
		    r->prev.net.v[p].tx_bytes, net->v[i].tx_bytes, elapsed_ns);
	}
	return row;
}

/*
 * Decides whether the read at (wall, mono) closes an interval worth a
 * row: not after a clock step, not late, not at or before the last row.
 * Returns the row's time, or 0 for a baseline-only read.
 */
static time_t
recorder_row_time(struct recorder *r, int64_t wall_ns, int64_t mono_ns)
{
	int64_t elapsed = mono_ns - r->prev_mono_ns;
	int64_t step =
	    (wall_ns - mono_ns) - (r->prev_wall_ns - r->prev_mono_ns);
	time_t t;

	if (!r->have_prev)
		return 0;
	if (step > STEP_NS || step < -STEP_NS) {
		r->st.clock_steps++;
		logsink_printf(&r->cf->log, LOG_WARNING,
		    "wall clock stepped by %+.3f s; next row at the next "
		    "boundary after the last one",
		    (double)step / NS_PER_S);
		return 0;
	}
	if (elapsed > r->interval_ns + r->interval_ns / 2) {
		r->st.late_reads++;
		logsink_printf(&r->cf->log, LOG_INFO,
		    "read %.3f s after the previous one (interval %u s); no "
		    "row for it",
		    (double)elapsed / NS_PER_S,
		    (unsigned)(r->interval_ns / NS_PER_S));
		return 0;
	}
	/* The boundary this read is for: the nearest one. */
	t = (time_t)((floor_div(wall_ns + r->interval_ns / 2, r->interval_ns) *
	                 r->interval_ns) /
	             NS_PER_S);
	return t > r->last_row_t ? t : 0;
}

void
recorder_tick(struct recorder *r)
{
	int64_t wall_ns, mono_ns;
	struct sample swap;
	struct daydate date;
	struct errmsg err;
	time_t t = 0;

	if (r->cf->clock->now(r->cf->clock->ctx, &wall_ns, &mono_ns) == -1) {
		/* clock_gettime cannot fail with valid clocks; keep going. */
		r->deadline_ns += r->interval_ns;
		return;
	}
	if (r->flush_retry_ns != 0 && mono_ns < r->deadline_ns) {
		/* Woken to write rows a finished rewrite let through. */
		r->flush_retry_ns = 0;
		recorder_flush(r, mono_ns);
		return;
	}
	r->flush_retry_ns = 0;
	if (sampler_read(r->sampler, &r->cur, &err) == -1) {
		faultlog_fail(&r->sample_fault, &r->cf->log, mono_ns, err.msg);
		recorder_error(r, &err);
		r->have_prev = false;
		recorder_schedule(r, wall_ns, mono_ns, false, 0);
		return;
	}
	faultlog_clear(&r->sample_fault, &r->cf->log);
	t = recorder_row_time(r, wall_ns, mono_ns);
	if (t != 0 && daydate_of(t, &date) == 0) {
		struct row *row;

		/* A disk that came back takes the backlog first. */
		if (r->backlog.len > 0)
			recorder_flush(r, mono_ns);
		row = recorder_make_row(r, t, mono_ns - r->prev_mono_ns, &date);
		row_free(r->last_row);
		r->last_row = row_dup(row);
		backlog_push(&r->backlog, row);
		r->last_row_t = t;
		r->st.last_sample = t;
	} else
		t = 0;
	swap = r->prev;
	r->prev = r->cur;
	r->cur = swap;
	r->have_prev = true;
	r->prev_wall_ns = wall_ns;
	r->prev_mono_ns = mono_ns;
	if (r->next_interval_ns != 0) {
		/* The boundaries of the new interval start from here. */
		r->interval_ns = r->next_interval_ns;
		r->next_interval_ns = 0;
		t = 0;
	}
	recorder_schedule(r, wall_ns, mono_ns, t != 0, t);
	recorder_flush(r, mono_ns);
}

int64_t
recorder_deadline(const struct recorder *r)
{
	if (r->flush_retry_ns != 0 && r->flush_retry_ns < r->deadline_ns)
		return r->flush_retry_ns;
	return r->deadline_ns;
}

int
recorder_wait(struct recorder *r)
{
	return r->cf->clock->sleep_until(r->cf->clock->ctx,
	    recorder_deadline(r));
}

void
recorder_set_interval(struct recorder *r, unsigned interval_s)
{
	int64_t ns = (int64_t)interval_s * NS_PER_S;

	r->next_interval_ns = ns == r->interval_ns ? 0 : ns;
}

void
recorder_reconfigure(struct recorder *r, const struct recorder_config *cf)
{
	r->cf = cf;
	recorder_set_interval(r, cf->interval_s);
	backlog_resize(&r->backlog, cf->backlog);
	/* Globs or max_ifaces may differ: decide every interface again. */
	r->colmap_cols = NULL;
}

const struct row *
recorder_last_row(const struct recorder *r)
{
	return r->last_row;
}

void
recorder_status(const struct recorder *r, struct recorder_status *st)
{
	int64_t interval_ns =
	    r->next_interval_ns ? r->next_interval_ns : r->interval_ns;

	*st = r->st;
	st->interval_s = (unsigned)(interval_ns / NS_PER_S);
	st->backlog = r->backlog.len;
	st->rows_dropped = r->backlog.dropped;
}

struct recorder *
recorder_open(const struct recorder_config *cf, struct errmsg *err)
{
	struct recorder *r = xcalloc(1, sizeof(*r));
	char name[DAYDATE_LEN + 5];
	int64_t wall_ns, mono_ns;
	struct daydate today;

	r->cf = cf;
	r->interval_ns = (int64_t)cf->interval_s * NS_PER_S;
	r->dirfd = r->lockfd = -1;
	r->sample_fault.what = "reading /proc";
	r->write_fault.what = "writing rows";
	backlog_init(&r->backlog, cf->backlog);
	if (mkdir(cf->data_dir, 0755) == -1 && errno != EEXIST) {
		ERRMSG_SET(err, errno, "%s: mkdir: %s", cf->data_dir,
		    strerror(errno));
		goto fail;
	}
	if (recorder_open_dir(r, err) == -1)
		goto fail;
	r->lockfd = datalock_acquire(r->dirfd, cf->data_dir, err);
	if (r->lockfd == -1)
		goto fail;
	r->sampler = sampler_open(cf->proc_root, err);
	if (r->sampler == NULL)
		goto fail;
	if (cf->clock->now(cf->clock->ctx, &wall_ns, &mono_ns) == -1) {
		ERRMSG_SET(err, errno, "clock_gettime: %s", strerror(errno));
		goto fail;
	}
	r->prev_wall_ns = wall_ns;
	r->st.since = (time_t)(wall_ns / NS_PER_S);
	if (daydate_of(r->st.since, &today) == -1) {
		ERRMSG_SET(err, errno, "localtime: %s", strerror(errno));
		goto fail;
	}
	/* Today's file, if any, tells the last time written: never repeat it.
	 */
	daydate_format(&today, name);
	memcpy(name + DAYDATE_LEN, ".csv", 5);
	if (faccessat(r->dirfd, name, F_OK, 0) == 0) {
		if (recorder_open_day(r, &today, err) == -1)
			goto fail;
		r->last_row_t = dayfile_last_time(r->df);
	}
	r->last_sync_ns = mono_ns;
	if (sampler_read(r->sampler, &r->prev, err) == -1)
		goto fail;
	r->have_prev = true;
	r->prev_mono_ns = mono_ns;
	recorder_schedule(r, wall_ns, mono_ns, false, 0);
	return r;
fail:
	(void)recorder_close(r, NULL);
	return NULL;
}

int
recorder_close(struct recorder *r, struct errmsg *err)
{
	int64_t wall_ns = 0, mono_ns = 0;
	struct errmsg cerr;
	int rc = 0;

	if (r == NULL)
		return 0;
	(void)r->cf->clock->now(r->cf->clock->ctx, &wall_ns, &mono_ns);
	recorder_flush(r, mono_ns);
	if (r->backlog.len > 0 && r->df != NULL) {
		/* Rows held back by a rewrite: closing waits for it. */
		recorder_close_day(r);
		recorder_flush(r, mono_ns);
	}
	if (r->backlog.len > 0)
		rc = ERRMSG_SET(err, EIO,
		    "%s: %zu rows could not be written: %s", r->cf->data_dir,
		    r->backlog.len, r->st.last_error);
	if (r->df != NULL && dayfile_close(r->df, &cerr) == -1 && rc == 0) {
		if (err != NULL)
			*err = cerr;
		rc = -1;
	}
	backlog_free(&r->backlog);
	colset_unref(r->cols);
	free(r->colmap);
	row_free(r->last_row);
	sampler_close(r->sampler);
	sample_free(&r->prev);
	sample_free(&r->cur);
	if (r->lockfd != -1)
		(void)close(r->lockfd);
	if (r->dirfd != -1)
		(void)close(r->dirfd);
	free(r);
	return rc;
}
