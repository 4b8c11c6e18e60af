/* daytail.c - the header and last complete row of a day file, read from
 * its two ends */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daytail.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "dayreader.h"
#include "dayreader_int.h"
#include "errmsg.h"
#include "xalloc.h"

/*
 * One page: a header of ~100 interfaces and a few rows of ~60 fit, so a
 * refresh costs two small preads from the page cache.
 */
#define TAIL_CHUNK 4096

struct daytail {
	struct dayheader hdr;
	bool has_header, has_row;
	struct dayrecord rec; /* the row's cells */
	struct dayrow row;
	off_t row_offset;
	const char **cell;
	double *value;
	size_t cols_cap;
	char *buf; /* file bytes [lo, size) */
	size_t buf_cap;
};

/* One read: the file, and the part of it the buffer holds. */
struct tailread {
	struct daytail *dt;
	int fd;
	const char *name;
	struct errmsg *err;
	struct csv_parser csv;
	off_t size; /* as fstat said, less if the file was cut meanwhile */
	off_t lo;   /* dt->buf holds [lo, size) */
};

struct daytail *
daytail_new(void)
{
	struct daytail *dt = xcalloc(1, sizeof(*dt));

	dt->row_offset = -1;
	return dt;
}

static void
daytail_forget(struct daytail *dt)
{
	dayheader_free(&dt->hdr);
	dt->has_header = false;
	dt->has_row = false;
	dt->row_offset = -1;
}

void
daytail_free(struct daytail *dt)
{
	if (dt == NULL)
		return;
	dayheader_free(&dt->hdr);
	dayrecord_free(&dt->rec);
	free(dt->cell);
	free(dt->value);
	free(dt->buf);
	free(dt);
}

const struct dayheader *
daytail_header(const struct daytail *dt)
{
	return dt->has_header ? &dt->hdr : NULL;
}

const struct dayrow *
daytail_row(const struct daytail *dt)
{
	return dt->has_row ? &dt->row : NULL;
}

off_t
daytail_row_offset(const struct daytail *dt)
{
	return dt->has_row ? dt->row_offset : -1;
}

/* Reads len bytes at off into buf; returns the count, short at the end. */
static ssize_t
pread_full(int fd, char *buf, size_t len, off_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, off + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Makes the buffer hold [lo, size), reading it again whole: it grows only
 * for lines longer than TAIL_CHUNK, and then from the page cache.
 */
static int
window_read(struct tailread *t, off_t lo)
{
	struct daytail *dt = t->dt;
	size_t len = (size_t)(t->size - lo);
	ssize_t n;

	if (len > dt->buf_cap) {
		dt->buf = xreallocarray(dt->buf, len, 1);
		dt->buf_cap = len;
	}
	n = pread_full(t->fd, dt->buf, len, lo);
	if (n == -1)
		return ERRMSG_SET(t->err, errno, "%s: read: %s", t->name,
		    strerror(errno));
	/* Cut since fstat (the recorder repairing a torn tail). */
	t->size = lo + n;
	t->lo = lo;
	return 0;
}

/* Offset of the last '\n' in [from, to) of the buffer, or -1. */
static off_t
window_last_nl(const struct tailread *t, off_t from, off_t to)
{
	const char *nl;

	if (to <= from)
		return -1;
	nl = memrchr(t->dt->buf + (from - t->lo), '\n', (size_t)(to - from));
	return nl == NULL ? -1 : t->lo + (nl - t->dt->buf);
}

/*
 * Where the window goes next when it held no line end: twice as far back,
 * but not before floor (past which the line would be too long: an error
 * once seen) nor the header's end.
 */
static off_t
window_grow_to(const struct tailread *t, off_t hdr_end, off_t floor)
{
	off_t lo = t->lo - (t->size - t->lo);

	if (lo < floor)
		lo = floor;
	return lo < hdr_end ? hdr_end : lo;
}

/*
 * Reads the first record into dt->hdr, setting *hdr_end past its '\n'.
 * A first line without '\n' is a torn header: no header, no error (an
 * empty file too).
 */
static int
read_header(struct tailread *t, off_t *hdr_end)
{
	struct daytail *dt = t->dt;
	struct dayloc loc = {t->name, 0, 0};
	struct dayrecord rec = {0};
	size_t cap = 0, have = 0, p = 0, len;
	char *buf = NULL, *nl;
	ssize_t n;
	int rc = -1;

	for (;;) {
		while (p < have &&
		       (nl = memchr(buf + p, '\n', have - p)) != NULL) {
			len = (size_t)(nl - (buf + p)) + 1;
			loc.lineno++;
			if (p + len > DAYLINE_MAX) {
				ERRMSG_SET(t->err, EINVAL,
				    "%s:1: line longer than %d bytes", t->name,
				    DAYLINE_MAX);
				goto done;
			}
			if (dayrecord_feed(&t->csv, &rec, buf + p, len, &loc,
			        t->err) == -1)
				goto done;
			p += len;
			if (!rec.ended)
				continue;
			if (dayheader_parse(&rec, t->name, &dt->hdr, t->err) ==
			    -1)
				goto done;
			dt->has_header = true;
			*hdr_end = (off_t)p;
			rc = 0;
			goto done;
		}
		if ((off_t)have == t->size) {
			rc = 0; /* torn or empty */
			goto done;
		}
		if (buf == NULL || have == cap) {
			if (have >= DAYLINE_MAX) {
				ERRMSG_SET(t->err, EINVAL,
				    "%s:1: line longer than %d bytes", t->name,
				    DAYLINE_MAX);
				goto done;
			}
			cap = buf == NULL ? TAIL_CHUNK : 2 * cap;
			buf = xreallocarray(buf, cap, 1);
		}
		len = cap - have;
		if ((off_t)len > t->size - (off_t)have)
			len = (size_t)(t->size - (off_t)have);
		n = pread_full(t->fd, buf + have, len, (off_t)have);
		if (n == -1) {
			ERRMSG_SET(t->err, errno, "%s: read: %s", t->name,
			    strerror(errno));
			goto done;
		}
		have += (size_t)n;
		if ((size_t)n < len)
			t->size = (off_t)have;
	}
done:
	free(buf);
	dayrecord_free(&rec);
	return rc;
}

/*
 * Finds the end of the last line that has its '\n' (past the header's
 * end): *end is just after that '\n', or hdr_end when there is none.
 */
static int
find_last_end(struct tailread *t, off_t hdr_end, off_t *end)
{
	off_t lo = t->size - TAIL_CHUNK, nl;

	if (window_read(t, lo < hdr_end ? hdr_end : lo) == -1)
		return -1;
	for (;;) {
		if ((nl = window_last_nl(t, t->lo, t->size)) != -1) {
			*end = nl + 1;
			return 0;
		}
		/* A torn line is held to the limit of a whole one. */
		if (t->size - t->lo >= DAYLINE_MAX)
			return ERRMSG_SET(t->err, EINVAL,
			    "%s: no line end in the last %d bytes", t->name,
			    DAYLINE_MAX);
		if (t->lo == hdr_end) {
			*end = hdr_end;
			return 0;
		}
		if (window_read(t, window_grow_to(t, hdr_end,
		                       t->size - DAYLINE_MAX)) == -1)
			return -1;
	}
}

/* Finds the start of the line ending at end (just after its '\n'). */
static int
find_line_start(struct tailread *t, off_t hdr_end, off_t end, off_t *start)
{
	off_t nl;

	for (;;) {
		if ((nl = window_last_nl(t, t->lo, end - 1)) != -1) {
			*start = nl + 1;
			return 0;
		}
		if (end - t->lo > DAYLINE_MAX)
			return ERRMSG_SET(t->err, EINVAL,
			    "%s: line ending at byte %lld: longer than %d "
			    "bytes",
			    t->name, (long long)end, DAYLINE_MAX);
		if (t->lo == hdr_end) {
			*start = hdr_end;
			return 0;
		}
		if (window_read(t, window_grow_to(t, hdr_end,
		                       end - DAYLINE_MAX - 1)) == -1)
			return -1;
		if (end > t->size)
			return ERRMSG_SET(t->err, EAGAIN,
			    "%s: cut short while being read", t->name);
	}
}

static void
row_arrays_fit(struct daytail *dt, size_t n)
{
	if (n <= dt->cols_cap)
		return;
	dt->cell = xreallocarray(dt->cell, n, sizeof(*dt->cell));
	dt->value = xreallocarray(dt->value, n, sizeof(*dt->value));
	dt->cols_cap = n;
}

/*
 * Takes the line [start, end) as the row. A line with an unclosed quote,
 * or with the wrong cell count when it is the file's last, is left out:
 * returns 1 when may_skip, else it is an error. Returns 0 when taken, or
 * -1 with err set.
 */
static int
take_row(struct tailread *t, off_t start, off_t end, bool may_skip)
{
	struct daytail *dt = t->dt;
	const struct dayloc loc = {t->name, 0, start};
	size_t n_cols = DAYCOL_COUNT(dt->hdr.n_ifaces);
	char at[DAYLOC_LEN];

	/* A fresh parser state: the line before may have left a quote open. */
	(void)csv_fini(&t->csv, NULL, NULL, NULL);
	dayrecord_clear(&dt->rec);
	if (dayrecord_feed(&t->csv, &dt->rec, dt->buf + (start - t->lo),
	        (size_t)(end - start), &loc, t->err) == -1)
		return -1;
	if (!dt->rec.ended) {
		if (may_skip)
			return 1;
		return ERRMSG_SET(t->err, EINVAL,
		    "%s%s: quote still open at the end of the line", t->name,
		    dayloc_suffix(&loc, at));
	}
	if (dt->rec.n_cells != n_cols) {
		/* Only the last line may be cut short (SPEC §2). */
		if (may_skip && end == t->size)
			return 1;
		return ERRMSG_SET(t->err, EINVAL,
		    "%s%s: %zu cells, header has %zu", t->name,
		    dayloc_suffix(&loc, at), dt->rec.n_cells, n_cols);
	}
	row_arrays_fit(dt, n_cols);
	if (dayrow_parse(&dt->rec, &dt->hdr, &loc, dt->cell, dt->value,
	        &dt->row.t, &dt->row.utcoff_s, t->err) == -1)
		return -1;
	dt->row.lineno = 0;
	dt->row.n_cells = n_cols;
	dt->row.value = dt->value;
	dt->row.cell = dt->cell;
	dt->row.cell_len = dt->rec.len;
	dt->row_offset = start;
	dt->has_row = true;
	return 0;
}

/* Finds and takes the last complete row, if the file has one. */
static int
read_last_row(struct tailread *t, off_t hdr_end)
{
	off_t start = hdr_end, end = hdr_end;
	int took;

	if (find_last_end(t, hdr_end, &end) == -1)
		return -1;
	if (end == hdr_end)
		return 0;
	if (find_line_start(t, hdr_end, end, &start) == -1)
		return -1;
	took = take_row(t, start, end, true);
	if (took != 1)
		return took;
	/* The last line was left out: the one before must be whole. */
	if (start == hdr_end)
		return 0;
	end = start;
	if (find_line_start(t, hdr_end, end, &start) == -1)
		return -1;
	return take_row(t, start, end, false);
}

int
daytail_read(struct daytail *dt, int fd, const char *name, struct errmsg *err)
{
	struct tailread t;
	struct stat sb;
	off_t hdr_end = 0;
	int rc;

	daytail_forget(dt);
	memset(&t, 0, sizeof(t));
	t.dt = dt;
	t.fd = fd;
	t.name = name;
	t.err = err;
	if (fstat(fd, &sb) == -1)
		return ERRMSG_SET(err, errno, "%s: fstat: %s", name,
		    strerror(errno));
	if (csv_init(&t.csv, CSV_STRICT | CSV_REPALL_NL) != 0)
		return ERRMSG_SET(err, ENOMEM, "%s: csv_init: out of memory",
		    name);
	t.size = sb.st_size;
	rc = read_header(&t, &hdr_end);
	if (rc == 0 && dt->has_header && hdr_end < t.size)
		rc = read_last_row(&t, hdr_end);
	csv_free(&t.csv);
	if (rc == -1)
		daytail_forget(dt);
	return rc;
}
