/* dayfile.c - append whole rows to one day's CSV, repair and widen it */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "dayreader.h"
#include "errmsg.h"
#include "logsink.h"
#include "row.h"
#include "timestamp.h"
#include "xalloc.h"

#define NAME_LEN (DAYDATE_LEN + 4) /* YYYY-MM-DD.csv */
#define WIDEN_TMP_FMT ".%s.widen"  /* a dot-file: readers pass it by */
/* Large enough that a 10 MB day is a few dozen write(2)s. */
#define WIDEN_CHUNK (256 * 1024)

/* A rewrite with a wider header, done by a thread into a dot-file. */
struct widen {
	pthread_t thread;
	int src_fd, tmp_fd;
	char tmp_name[NAME_LEN + 16];
	char *header;     /* the new first line, '\n' included */
	size_t add_cells; /* empty cells appended to every row */
	off_t src_size;
	int error; /* errno of the first failure, 0 when it worked */
	const char *failed_call;
	atomic_bool done;
};

struct dayfile {
	int dirfd;
	char *path; /* "DIR/YYYY-MM-DD.csv" for messages */
	char name[NAME_LEN + 1];
	int fd;
	off_t size; /* bytes of whole lines; a failed write is cut back to it */
	time_t last_t;
	size_t n_ifaces, cap_ifaces;
	char (*ifaces)[IFACE_NAME_MAX + 1];
	struct row_net *cells; /* a row's cells in file order, n_ifaces */
	char *buf;
	size_t buf_cap;
	struct widen *job;
	size_t pending_n; /* interfaces the running rewrite adds */
	char (*pending)[IFACE_NAME_MAX + 1];
	const struct logsink *log;
};

static void
dayfile_add_iface(struct dayfile *df, const char *name)
{
	if (df->n_ifaces == df->cap_ifaces) {
		df->cap_ifaces = df->cap_ifaces ? df->cap_ifaces * 2 : 8;
		df->ifaces = xreallocarray(df->ifaces, df->cap_ifaces,
		    sizeof(*df->ifaces));
		df->cells = xreallocarray(df->cells, df->cap_ifaces,
		    sizeof(*df->cells));
	}
	memset(df->ifaces[df->n_ifaces], 0, sizeof(df->ifaces[0]));
	strncpy(df->ifaces[df->n_ifaces], name, IFACE_NAME_MAX);
	df->n_ifaces++;
}

static long
dayfile_find_iface(const struct dayfile *df, const char *name, size_t hint)
{
	size_t i;

	if (hint < df->n_ifaces && strcmp(df->ifaces[hint], name) == 0)
		return (long)hint;
	for (i = 0; i < df->n_ifaces; i++)
		if (strcmp(df->ifaces[i], name) == 0)
			return (long)i;
	return -1;
}

/* Makes room for need more bytes in df->buf past used. */
static void
dayfile_reserve(struct dayfile *df, size_t used, size_t need)
{
	if (used + need <= df->buf_cap)
		return;
	while (used + need > df->buf_cap)
		df->buf_cap = df->buf_cap ? df->buf_cap * 2 : 512;
	df->buf = xreallocarray(df->buf, df->buf_cap, 1);
}

static size_t
put_str(struct dayfile *df, size_t used, const char *s, size_t len)
{
	dayfile_reserve(df, used, len);
	memcpy(df->buf + used, s, len);
	return used + len;
}

/* A header cell, quoted per RFC 4180 when a name holds ',' or '"'. */
static size_t
put_header_cell(struct dayfile *df, size_t used, const char *prefix,
    const char *name)
{
	const char *p;

	if (strpbrk(name, ",\"") == NULL) {
		used = put_str(df, used, ",", 1);
		used = put_str(df, used, prefix, strlen(prefix));
		return put_str(df, used, name, strlen(name));
	}
	used = put_str(df, used, ",\"", 2);
	used = put_str(df, used, prefix, strlen(prefix));
	for (p = name; *p != '\0'; p++) {
		if (*p == '"') /* a quote inside quotes is doubled */
			used = put_str(df, used, p, 1);
		used = put_str(df, used, p, 1);
	}
	return put_str(df, used, "\"", 1);
}

/* Formats the header for names[0..n) into df->buf; returns its length. */
static size_t
dayfile_format_header(struct dayfile *df, char (*names)[IFACE_NAME_MAX + 1],
    size_t n)
{
	size_t used = 0, i;

	for (i = 0; i < DAYCOL_FIXED; i++) {
		if (i > 0)
			used = put_str(df, used, ",", 1);
		used = put_str(df, used, daycol_fixed_names[i],
		    strlen(daycol_fixed_names[i]));
	}
	for (i = 0; i < n; i++) {
		used = put_header_cell(df, used, "net_rx_bps:", names[i]);
		used = put_header_cell(df, used, "net_tx_bps:", names[i]);
	}
	return put_str(df, used, "\n", 1);
}

static size_t
put_int(struct dayfile *df, size_t used, int64_t v)
{
	char num[24];
	int n = 0;

	dayfile_reserve(df, used, sizeof(num) + 1);
	df->buf[used++] = ',';
	if (v != ROW_EMPTY)
		n = snprintf(num, sizeof(num), "%" PRId64, v);
	memcpy(df->buf + used, num, (size_t)n);
	return used + (size_t)n;
}

/*
 * Formats row, with df->cells already in file order, into df->buf and
 * sets *len. Returns 0, or -1 for a time localtime cannot represent.
 */
static int
dayfile_format_row(struct dayfile *df, const struct row *row, size_t *len,
    struct errmsg *err)
{
	char ts[TIMESTAMP_LEN + 1], cpu[16];
	size_t used = 0, i;
	int n = 0;

	if (timestamp_format(row->t, ts, NULL) == -1)
		return ERRMSG_SET(err, errno, "%s: time %lld: %s", df->path,
		    (long long)row->t, strerror(errno));
	used = put_str(df, used, ts, TIMESTAMP_LEN);
	/* Hundredths as integers: "%.2f" without binary rounding. */
	if (row->cpu_centi != ROW_EMPTY)
		n = snprintf(cpu, sizeof(cpu), "%d.%02d", row->cpu_centi / 100,
		    row->cpu_centi % 100);
	used = put_str(df, used, ",", 1);
	used = put_str(df, used, cpu, (size_t)n);
	used = put_int(df, used, row->mem_total_kib);
	used = put_int(df, used, row->mem_free_kib);
	used = put_int(df, used, row->mem_available_kib);
	for (i = 0; i < df->n_ifaces; i++) {
		used = put_int(df, used, df->cells[i].rx_bps);
		used = put_int(df, used, df->cells[i].tx_bps);
	}
	*len = put_str(df, used, "\n", 1);
	return 0;
}

/* One write(2); a short one is cut back so the file keeps whole lines. */
static int
dayfile_write(struct dayfile *df, size_t len, struct errmsg *err)
{
	ssize_t n = write(df->fd, df->buf, len);
	int saved = errno;

	if (n == (ssize_t)len) {
		df->size += (off_t)len;
		return 0;
	}
	if (n >= 0)
		saved = ENOSPC; /* a short write means the disk filled */
	if (n > 0 && ftruncate(df->fd, df->size) == -1)
		/* Left torn: the reader ignores it, the next start cuts it. */
		return ERRMSG_SET(err, saved, "%s: write: %s; ftruncate: %s",
		    df->path, strerror(saved), strerror(errno));
	return ERRMSG_SET(err, saved, "%s: write: %s", df->path,
	    strerror(saved));
}

/* dayreader callback: the header's interfaces become ours. */
static int
dayfile_take_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct dayfile *df = ctx;
	size_t i;

	(void)err;
	for (i = 0; i < h->n_ifaces; i++)
		dayfile_add_iface(df, h->ifaces[i]);
	return 0;
}

/*
 * Checks the existing file: returns 0 (df->size, last_t, ifaces set, a
 * torn tail cut), 1 when it cannot be parsed (renamed away), or -1.
 */
static int
dayfile_resume(struct dayfile *df, time_t now, struct errmsg *err)
{
	struct dayreader_consumer consumer = {dayfile_take_header, NULL, df};
	struct dayreader_stats st;
	struct errmsg rerr;
	char bad[NAME_LEN + 32];
	struct stat sb;

	if (fstat(df->fd, &sb) == -1)
		return ERRMSG_SET(err, errno, "%s: fstat: %s", df->path,
		    strerror(errno));
	if (sb.st_size == 0)
		return 0;
	if (dayreader_read(df->fd, df->path, &consumer, &st, &rerr) == -1) {
		if (rerr.code != EINVAL) {
			*err = rerr;
			return -1;
		}
		(void)snprintf(bad, sizeof(bad), "%s.bad-%lld", df->name,
		    (long long)now);
		if (renameat(df->dirfd, df->name, df->dirfd, bad) == -1)
			return ERRMSG_SET(err, errno, "%s: rename to %s: %s",
			    df->path, bad, strerror(errno));
		logsink_printf(df->log, LOG_WARNING,
		    "%s; renamed to %s, starting a new file", rerr.msg, bad);
		df->n_ifaces = 0;
		return 1;
	}
	if (!st.has_header)
		df->n_ifaces = 0;
	if (st.valid_end < sb.st_size) {
		if (ftruncate(df->fd, st.valid_end) == -1)
			return ERRMSG_SET(err, errno, "%s: ftruncate: %s",
			    df->path, strerror(errno));
		logsink_printf(df->log, LOG_WARNING,
		    "%s: cut %lld bytes of a torn last line", df->path,
		    (long long)(sb.st_size - st.valid_end));
	}
	df->size = st.valid_end;
	df->last_t = st.last_t;
	return 0;
}

/* A rewrite killed part way leaves its dot-file; the day file is intact. */
static void
dayfile_remove_stale_widen(struct dayfile *df)
{
	char tmp[NAME_LEN + 16];

	(void)snprintf(tmp, sizeof(tmp), WIDEN_TMP_FMT, df->name);
	if (unlinkat(df->dirfd, tmp, 0) == 0)
		logsink_printf(df->log, LOG_INFO,
		    "%s: removed %s left by an interrupted widening", df->path,
		    tmp);
}

static int
dayfile_open_fd(struct dayfile *df, int flags, struct errmsg *err)
{
	df->fd = openat(df->dirfd, df->name,
	    O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, 0644);
	if (df->fd == -1)
		return ERRMSG_SET(err, errno, "%s: %s", df->path,
		    strerror(errno));
	return 0;
}

struct dayfile *
dayfile_open(int dirfd, const char *dir_name, const struct daydate *date,
    time_t now, const struct logsink *log, struct errmsg *err)
{
	struct dayfile *df = xcalloc(1, sizeof(*df));
	int rc;

	df->dirfd = dirfd;
	df->log = log;
	df->fd = -1;
	daydate_format(date, df->name);
	memcpy(df->name + DAYDATE_LEN, ".csv", 5);
	df->path = xasprintf("%s/%s", dir_name, df->name);
	dayfile_remove_stale_widen(df);
	if (dayfile_open_fd(df, 0, err) == -1)
		goto fail;
	rc = dayfile_resume(df, now, err);
	if (rc == -1)
		goto fail;
	if (rc == 1) {
		(void)close(df->fd);
		if (dayfile_open_fd(df, O_EXCL, err) == -1)
			goto fail;
	}
	return df;
fail:
	(void)dayfile_close(df, NULL);
	return NULL;
}

/* write(2) of all of buf; a short write is the disk filling: ENOSPC. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = ENOSPC;
	return -1;
}

/* Copies the rows behind the new header, each with add_cells more commas. */
static int
widen_copy(struct widen *w, char *in, char *out)
{
	size_t out_len = 0, i;
	bool header_done = false;
	off_t off = 0;
	ssize_t n;

	if (write_all(w->tmp_fd, w->header, strlen(w->header)) == -1) {
		w->failed_call = "write";
		return -1;
	}
	while (off < w->src_size) {
		size_t want = WIDEN_CHUNK;

		if ((off_t)want > w->src_size - off)
			want = (size_t)(w->src_size - off);
		n = pread(w->src_fd, in, want, off);
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the file shrank under us */
			w->failed_call = "read";
			return -1;
		}
		off += n;
		for (i = 0; i < (size_t)n; i++) {
			if (!header_done) {
				header_done = in[i] == '\n';
				continue;
			}
			if (in[i] == '\n') {
				memset(out + out_len, ',', w->add_cells);
				out_len += w->add_cells;
			}
			out[out_len++] = in[i];
			if (out_len + w->add_cells + 1 < 2 * WIDEN_CHUNK)
				continue;
			if (write_all(w->tmp_fd, out, out_len) == -1) {
				w->failed_call = "write";
				return -1;
			}
			out_len = 0;
		}
	}
	if (write_all(w->tmp_fd, out, out_len) == -1) {
		w->failed_call = "write";
		return -1;
	}
	if (fsync(w->tmp_fd) == -1) {
		w->failed_call = "fsync";
		return -1;
	}
	return 0;
}

static void *
widen_run(void *arg)
{
	struct widen *w = arg;
	char *in = xmalloc(WIDEN_CHUNK), *out = xmalloc(2 * WIDEN_CHUNK);

	if (widen_copy(w, in, out) == -1)
		w->error = errno;
	free(in);
	free(out);
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * Starts rewriting the file with the interfaces of row that have values
 * and no column yet. Returns 1 (started), or -1 with err set.
 */
static int
dayfile_widen_start(struct dayfile *df, const struct row *row,
    struct errmsg *err)
{
	struct widen *w = xcalloc(1, sizeof(*w));
	size_t i, len;
	int rc;

	free(df->pending);
	df->pending = NULL;
	df->pending_n = 0;
	for (i = 0; i < row->n_net; i++) {
		if (dayfile_find_iface(df, row->cols->names[i], i) != -1)
			continue;
		df->pending = xreallocarray(df->pending, df->pending_n + 1,
		    sizeof(*df->pending));
		memcpy(df->pending[df->pending_n++], row->cols->names[i],
		    sizeof(df->pending[0]));
	}
	/* The new header: ours, then the pending names. */
	for (i = 0; i < df->pending_n; i++)
		dayfile_add_iface(df, df->pending[i]);
	len = dayfile_format_header(df, df->ifaces, df->n_ifaces);
	df->n_ifaces -= df->pending_n;
	w->header = xstrndup(df->buf, len);
	w->add_cells = 2 * df->pending_n;
	w->src_size = df->size;
	w->src_fd = w->tmp_fd = -1;
	(void)snprintf(w->tmp_name, sizeof(w->tmp_name), WIDEN_TMP_FMT,
	    df->name);
	w->src_fd = openat(df->dirfd, df->name, O_RDONLY | O_CLOEXEC);
	if (w->src_fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s", df->path, strerror(errno));
		goto fail;
	}
	w->tmp_fd = openat(df->dirfd, w->tmp_name,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (w->tmp_fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s: %s", df->path, w->tmp_name,
		    strerror(errno));
		goto fail;
	}
	rc = pthread_create(&w->thread, NULL, widen_run, w);
	if (rc != 0) {
		ERRMSG_SET(err, rc, "%s: pthread_create: %s", df->path,
		    strerror(rc));
		(void)unlinkat(df->dirfd, w->tmp_name, 0);
		goto fail;
	}
	df->job = w;
	return 1;
fail:
	if (w->src_fd != -1)
		(void)close(w->src_fd);
	if (w->tmp_fd != -1)
		(void)close(w->tmp_fd);
	free(w->header);
	free(w);
	return -1;
}

/*
 * Waits for the rewrite thread (at once if done), then puts the new file
 * in place: rename, fsync of the folder, reopen. Returns 0 or -1.
 */
static int
dayfile_widen_finish(struct dayfile *df, struct errmsg *err)
{
	struct widen *w = df->job;
	struct stat sb;
	int rc = 0, fd;
	size_t i;

	(void)pthread_join(w->thread, NULL);
	df->job = NULL;
	(void)close(w->src_fd);
	if (w->error == 0 && close(w->tmp_fd) == -1) {
		w->error = errno;
		w->failed_call = "close";
	} else if (w->error != 0)
		(void)close(w->tmp_fd);
	if (w->error != 0) {
		rc = ERRMSG_SET(err, w->error, "%s: widening: %s: %s", df->path,
		    w->failed_call, strerror(w->error));
		(void)unlinkat(df->dirfd, w->tmp_name, 0);
		goto done;
	}
	if (renameat(df->dirfd, w->tmp_name, df->dirfd, df->name) == -1) {
		rc = ERRMSG_SET(err, errno, "%s: rename %s: %s", df->path,
		    w->tmp_name, strerror(errno));
		(void)unlinkat(df->dirfd, w->tmp_name, 0);
		goto done;
	}
	for (i = 0; i < df->pending_n; i++)
		dayfile_add_iface(df, df->pending[i]);
	/* The old fd now names the replaced inode: reopen by name. */
	fd = openat(df->dirfd, df->name,
	    O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		rc = ERRMSG_SET(err, errno, "%s: reopen: %s", df->path,
		    strerror(errno));
		goto done;
	}
	(void)close(df->fd);
	df->fd = fd;
	if (fstat(fd, &sb) == -1) {
		rc = ERRMSG_SET(err, errno, "%s: fstat: %s", df->path,
		    strerror(errno));
		goto done;
	}
	df->size = sb.st_size;
	/* Makes the rename itself durable. */
	if (fsync(df->dirfd) == -1)
		rc = ERRMSG_SET(err, errno, "%s: fsync of folder: %s", df->path,
		    strerror(errno));
	logsink_printf(df->log, LOG_INFO, "%s: widened to %zu interfaces",
	    df->path, df->n_ifaces);
done:
	free(w->header);
	free(w);
	free(df->pending);
	df->pending = NULL;
	df->pending_n = 0;
	return rc;
}

/* Puts the row's cells in file order; returns 1 if a column is missing. */
static int
dayfile_map_cells(struct dayfile *df, const struct row *row)
{
	size_t i;
	long j;

	for (i = 0; i < df->n_ifaces; i++)
		df->cells[i].rx_bps = df->cells[i].tx_bps = ROW_EMPTY;
	for (i = 0; i < row->n_net; i++) {
		j = dayfile_find_iface(df, row->cols->names[i], i);
		if (j >= 0)
			df->cells[j] = row->net[i];
		else if (row->net[i].rx_bps != ROW_EMPTY ||
		         row->net[i].tx_bps != ROW_EMPTY)
			return 1;
	}
	return 0;
}

int
dayfile_append(struct dayfile *df, const struct row *row, struct errmsg *err)
{
	size_t len = 0, i;

	if (df->job != NULL) {
		if (!atomic_load(&df->job->done))
			return 1;
		if (dayfile_widen_finish(df, err) == -1)
			return -1;
	}
	if (df->size == 0) {
		/* A new file names every interface of the day so far. */
		for (i = 0; i < row->n_net; i++)
			if (dayfile_find_iface(df, row->cols->names[i], i) ==
			    -1)
				dayfile_add_iface(df, row->cols->names[i]);
		len = dayfile_format_header(df, df->ifaces, df->n_ifaces);
		if (dayfile_write(df, len, err) == -1) {
			df->n_ifaces = 0;
			return -1;
		}
		/* The new name must survive a crash, not only its rows. */
		if (fsync(df->dirfd) == -1)
			return ERRMSG_SET(err, errno, "%s: fsync of folder: %s",
			    df->path, strerror(errno));
	}
	if (row->t <= df->last_t)
		return ERRMSG_SET(err, EINVAL,
		    "%s: row time %lld not after the last row's %lld", df->path,
		    (long long)row->t, (long long)df->last_t);
	if (dayfile_map_cells(df, row) == 1)
		return dayfile_widen_start(df, row, err);
	if (dayfile_format_row(df, row, &len, err) == -1 ||
	    dayfile_write(df, len, err) == -1)
		return -1;
	df->last_t = row->t;
	return 0;
}

int
dayfile_sync(struct dayfile *df, struct errmsg *err)
{
	if (fdatasync(df->fd) == -1)
		return ERRMSG_SET(err, errno, "%s: fdatasync: %s", df->path,
		    strerror(errno));
	return 0;
}

bool
dayfile_vanished(struct dayfile *df)
{
	struct stat sb;

	return df->job == NULL && fstat(df->fd, &sb) == 0 && sb.st_nlink == 0;
}

time_t
dayfile_last_time(const struct dayfile *df)
{
	return df->last_t;
}

const char *
dayfile_path(const struct dayfile *df)
{
	return df->path;
}

int
dayfile_close(struct dayfile *df, struct errmsg *err)
{
	int rc = 0;

	if (df == NULL)
		return 0;
	if (df->job != NULL)
		rc = dayfile_widen_finish(df, err);
	if (df->fd != -1) {
		if (rc == 0 && df->size > 0)
			rc = dayfile_sync(df, err);
		if (close(df->fd) == -1 && rc == 0)
			rc = ERRMSG_SET(err, errno, "%s: close: %s", df->path,
			    strerror(errno));
	}
	free(df->path);
	free(df->ifaces);
	free(df->cells);
	free(df->buf);
	free(df->pending);
	free(df);
	return rc;
}
