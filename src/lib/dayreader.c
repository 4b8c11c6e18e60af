/* dayreader.c - read a day file in one streaming pass, row by row */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreader.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "dayreader_int.h"
#include "errmsg.h"
#include "parse.h"
#include "timestamp.h"
#include "xalloc.h"

/* Big enough that read(2) costs vanish, small enough to stay in cache. */
#define READ_CHUNK (64 * 1024)
/* IFNAMSIZ - 1: the kernel's limit on an interface name. */
#define IFACE_NAME_MAX 15
/* Bytes of a bad cell shown in a message. */
#define SHOW_MAX (DAYSHOW_LEN - 4)
/* Fraction digits a cpu_percent cell may have; the writer uses two. */
#define CPU_FRAC_MAX 9

const char *const daycol_fixed_names[DAYCOL_FIXED] = {
    "time",
    "cpu_percent",
    "mem_total_kib",
    "mem_free_kib",
    "mem_available_kib",
};

static const char rx_prefix[] = "net_rx_bps:";
static const char tx_prefix[] = "net_tx_bps:";
#define PREFIX_LEN (sizeof(rx_prefix) - 1)

/* One pass over some lines of a file: the whole, a header or a half. */
struct reader {
	int fd;
	const char *name;
	const struct dayreader_consumer *consumer;
	struct dayreader_stats *st;
	struct errmsg *err;
	struct csv_parser csv;
	bool csv_ok;
	struct dayrecord rec;
	struct dayheader own_hdr;    /* the header, when read here */
	const struct dayheader *hdr; /* &own_hdr, or another reader's */
	size_t n_cols;               /* 0 until the header has been read */
	const char **cell;
	double *value;
	char prev_time[TIMESTAMP_LEN + 1];
	off_t from, to;   /* the bytes to read, from a line's start */
	off_t size;       /* the file's: a short line ending there is torn */
	long line_base;   /* number of the line at from; 0 unknown */
	bool header_only; /* stop after the header; then line_base is the
	                     next line's */
	bool open;        /* a quote was still open at to */
	int rc;           /* of a read on another thread */
};

bool
dayreader_iface_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > IFACE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		/* The C locale's isspace() set, spelled out: no locale here. */
		switch (s[i]) {
		case '/':
		case ':':
		case ' ':
		case '\t':
		case '\n':
		case '\v':
		case '\f':
		case '\r':
		case '\0':
			return false;
		default:
			break;
		}
	}
	return true;
}

const char *
dayloc_suffix(const struct dayloc *loc, char buf[DAYLOC_LEN])
{
	if (loc->lineno > 0)
		(void)snprintf(buf, DAYLOC_LEN, ":%ld", loc->lineno);
	else
		(void)snprintf(buf, DAYLOC_LEN, ": line at byte %lld",
		    (long long)loc->offset);
	return buf;
}

const char *
dayshow(const char *s, size_t len, char out[DAYSHOW_LEN])
{
	size_t i, n = len > SHOW_MAX ? SHOW_MAX : len;

	for (i = 0; i < n; i++)
		out[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (n < len) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the first name that appears twice in names[0..n), or NULL. */
static const char *
find_duplicate(char *const *names, size_t n)
{
	const char *dup = NULL;
	char **sorted;
	size_t i;

	if (n < 2)
		return NULL;
	/* Sorting a copy: a hand-edited header could hold thousands. */
	sorted = xreallocarray(NULL, n, sizeof(*sorted));
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_names);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			dup = sorted[i];
	free(sorted);
	return dup;
}

/* Checks column col of the header is prefix + name. */
static bool
header_cell_is(const struct dayrecord *rec, size_t col, const char *prefix,
    const char *name, size_t name_len)
{
	return rec->len[col] == PREFIX_LEN + name_len &&
	       memcmp(dayrecord_cell(rec, col), prefix, PREFIX_LEN) == 0 &&
	       memcmp(dayrecord_cell(rec, col) + PREFIX_LEN, name, name_len) ==
	           0;
}

/* Checks the five fixed columns and that the rest come in pairs. */
static int
header_check_fixed(const struct dayrecord *rec, const char *name,
    struct errmsg *err)
{
	char buf[DAYSHOW_LEN];
	size_t n = rec->n_cells, i;

	if (n < DAYCOL_FIXED)
		return ERRMSG_SET(err, EINVAL,
		    "%s:1: header has %zu columns, expected at least %d", name,
		    n, DAYCOL_FIXED);
	for (i = 0; i < DAYCOL_FIXED; i++)
		if (rec->len[i] != strlen(daycol_fixed_names[i]) ||
		    strcmp(dayrecord_cell(rec, i), daycol_fixed_names[i]) != 0)
			return ERRMSG_SET(err, EINVAL,
			    "%s:1: column %zu is \"%s\", expected \"%s\"", name,
			    i + 1,
			    dayshow(dayrecord_cell(rec, i), rec->len[i], buf),
			    daycol_fixed_names[i]);
	if ((n - DAYCOL_FIXED) % 2 != 0)
		return ERRMSG_SET(err, EINVAL,
		    "%s:1: %zu columns: interface columns come in rx,tx pairs",
		    name, n);
	return 0;
}

/* Checks the rx,tx pair at column rx and adds its name to hdr. */
static int
header_take_pair(const struct dayrecord *rec, const char *name, size_t rx,
    struct dayheader *hdr, struct errmsg *err)
{
	char buf[DAYSHOW_LEN], want[PREFIX_LEN + IFACE_NAME_MAX + 1];
	const char *iface;
	size_t len;

	if (rec->len[rx] < PREFIX_LEN ||
	    memcmp(dayrecord_cell(rec, rx), rx_prefix, PREFIX_LEN) != 0)
		return ERRMSG_SET(err, EINVAL,
		    "%s:1: column %zu is \"%s\", expected "
		    "\"net_rx_bps:<interface>\"",
		    name, rx + 1,
		    dayshow(dayrecord_cell(rec, rx), rec->len[rx], buf));
	iface = dayrecord_cell(rec, rx) + PREFIX_LEN;
	len = rec->len[rx] - PREFIX_LEN;
	if (!dayreader_iface_name_ok(iface, len))
		return ERRMSG_SET(err, EINVAL,
		    "%s:1: bad interface name \"%s\" in column %zu", name,
		    dayshow(iface, len, buf), rx + 1);
	if (!header_cell_is(rec, rx + 1, tx_prefix, iface, len)) {
		memcpy(want, tx_prefix, PREFIX_LEN);
		memcpy(want + PREFIX_LEN, iface, len);
		want[PREFIX_LEN + len] = '\0';
		return ERRMSG_SET(err, EINVAL,
		    "%s:1: column %zu is \"%s\", expected \"%s\"", name, rx + 2,
		    dayshow(dayrecord_cell(rec, rx + 1), rec->len[rx + 1], buf),
		    want);
	}
	hdr->ifaces[hdr->n_ifaces++] = xstrndup(iface, len);
	return 0;
}

int
dayheader_parse(const struct dayrecord *rec, const char *name,
    struct dayheader *hdr, struct errmsg *err)
{
	struct dayheader h = {0, NULL};
	char buf[DAYSHOW_LEN];
	const char *dup;
	size_t rx;

	if (header_check_fixed(rec, name, err) == -1)
		return -1;
	h.ifaces =
	    xcalloc((rec->n_cells - DAYCOL_FIXED) / 2 + 1, sizeof(*h.ifaces));
	for (rx = DAYCOL_FIXED; rx < rec->n_cells; rx += 2)
		if (header_take_pair(rec, name, rx, &h, err) == -1)
			goto fail;
	if ((dup = find_duplicate(h.ifaces, h.n_ifaces)) != NULL) {
		ERRMSG_SET(err, EINVAL, "%s:1: interface \"%s\" appears twice",
		    name, dayshow(dup, strlen(dup), buf));
		goto fail;
	}
	*hdr = h;
	return 0;
fail:
	dayheader_free(&h);
	return -1;
}

void
dayheader_free(struct dayheader *hdr)
{
	size_t i;

	for (i = 0; i < hdr->n_ifaces; i++)
		free(hdr->ifaces[i]);
	free(hdr->ifaces);
	hdr->ifaces = NULL;
	hdr->n_ifaces = 0;
}

/*
 * Parses "D[.DDD]" in [0, 100]. strtod would also take " 1e2", "inf",
 * "0x64" and a locale's decimal comma.
 */
static int
parse_cpu(const char *s, size_t len, double *out)
{
	static const double scale[CPU_FRAC_MAX + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,
	    1e5, 1e6, 1e7, 1e8, 1e9};
	const char *dot = memchr(s, '.', len);
	size_t int_len = dot != NULL ? (size_t)(dot - s) : len;
	size_t frac_len = dot != NULL ? len - int_len - 1 : 0;
	uint64_t ip, fp = 0;
	double v;

	if (parse_uint_n(s, int_len, 0, 100, &ip) == -1)
		return -1;
	if (dot != NULL &&
	    (frac_len < 1 || frac_len > CPU_FRAC_MAX ||
	        parse_uint_n(dot + 1, frac_len, 0, UINT64_MAX, &fp) == -1))
		return -1;
	v = (double)ip + (double)fp / scale[frac_len];
	if (v > 100.0)
		return -1;
	*out = v;
	return 0;
}

/*
 * parse_uint_n(s, len, 0, UINT64_MAX, out) for a number cell. Up to 19
 * digits cannot overflow (10^19 - 1 < 2^64), so this loop drops the
 * check parse_uint_n makes per digit, which cost a third of a day's
 * read; longer cells go the careful way.
 */
static int
cell_uint(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;
	size_t i;

	if (len == 0 || len > 19)
		return parse_uint_n(s, len, 0, UINT64_MAX, out);
	for (i = 0; i < len; i++) {
		d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Sets err for the bad cell i of a row. */
static int
bad_cell(const struct dayrecord *rec, const struct dayheader *hdr,
    const struct dayloc *loc, size_t i, struct errmsg *err)
{
	char buf[DAYSHOW_LEN], at[DAYLOC_LEN];
	const char *prefix = "", *col;

	if (i < DAYCOL_FIXED) {
		col = daycol_fixed_names[i];
	} else {
		prefix = (i - DAYCOL_FIXED) % 2 == 0 ? rx_prefix : tx_prefix;
		col = hdr->ifaces[(i - DAYCOL_FIXED) / 2];
	}
	return ERRMSG_SET(err, EINVAL, "%s%s: bad %s%s \"%s\"", loc->name,
	    dayloc_suffix(loc, at), prefix, col,
	    dayshow(dayrecord_cell(rec, i), rec->len[i], buf));
}

int
dayrow_parse(const struct dayrecord *rec, const struct dayheader *hdr,
    const struct dayloc *loc, const char **cell, double *value, time_t *t,
    int *utcoff_s, struct errmsg *err)
{
	size_t n = DAYCOL_COUNT(hdr->n_ifaces), i;
	uint64_t u;

	for (i = 0; i < n; i++)
		cell[i] = rec->text + rec->off[i];
	if (timestamp_parse(cell[0], rec->len[0], t, utcoff_s) == -1)
		return bad_cell(rec, hdr, loc, 0, err);
	value[DAYCOL_TIME] = (double)*t;
	if (rec->len[DAYCOL_CPU] == 0)
		value[DAYCOL_CPU] = NAN;
	else if (parse_cpu(cell[DAYCOL_CPU], rec->len[DAYCOL_CPU],
	             &value[DAYCOL_CPU]) == -1)
		return bad_cell(rec, hdr, loc, DAYCOL_CPU, err);
	for (i = DAYCOL_MEM_TOTAL; i < n; i++) {
		if (rec->len[i] == 0)
			value[i] = NAN;
		else if (cell_uint(cell[i], rec->len[i], &u) == -1)
			return bad_cell(rec, hdr, loc, i, err);
		else
			value[i] = (double)u;
	}
	return 0;
}

/* Takes hdr, read here or by another reader, for the rows that follow. */
static void
reader_use_header(struct reader *r, const struct dayheader *hdr)
{
	r->hdr = hdr;
	r->n_cols = DAYCOL_COUNT(hdr->n_ifaces);
	r->cell = xreallocarray(NULL, r->n_cols, sizeof(*r->cell));
	r->value = xreallocarray(NULL, r->n_cols, sizeof(*r->value));
}

static int
header_take(struct reader *r)
{
	if (dayheader_parse(&r->rec, r->name, &r->own_hdr, r->err) == -1)
		return -1;
	reader_use_header(r, &r->own_hdr);
	return 0;
}

static int
row_take(struct reader *r, long lineno)
{
	const struct dayloc loc = {r->name, lineno, 0};
	char a[DAYSHOW_LEN];
	struct dayrow row;
	time_t t;
	int off;

	if (dayrow_parse(&r->rec, r->hdr, &loc, r->cell, r->value, &t, &off,
	        r->err) == -1)
		return -1;
	if (r->st->rows > 0 && t <= r->st->last_t)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: time %s is not after the previous row's %s",
		    r->name, lineno, dayshow(r->cell[0], r->rec.len[0], a),
		    r->prev_time);
	/* The time cell passed timestamp_parse: exactly TIMESTAMP_LEN bytes. */
	memcpy(r->prev_time, r->cell[0], TIMESTAMP_LEN + 1);
	if (r->st->rows == 0)
		r->st->first_t = t;
	r->st->last_t = t;
	r->st->last_utcoff_s = off;
	r->st->rows++;
	if (r->consumer == NULL || r->consumer->row == NULL)
		return 0;
	row.lineno = r->line_base > 0 ? lineno : 0;
	row.t = t;
	row.utcoff_s = off;
	row.n_cells = r->n_cols;
	row.value = r->value;
	row.cell = r->cell;
	row.cell_len = r->rec.len;
	return r->consumer->row(r->consumer->ctx, &row, r->err);
}

/*
 * Takes the record that ended at byte end. Returns 0, 1 when it was a
 * short or long last line (left out), or -1 with err set.
 */
static int
record_take(struct reader *r, long lineno, off_t end)
{
	if (r->n_cols == 0) {
		if (header_take(r) == -1)
			return -1;
		r->st->has_header = true;
		r->st->valid_end = end;
		if (r->consumer == NULL || r->consumer->header == NULL)
			return 0;
		return r->consumer->header(r->consumer->ctx, r->hdr, r->err);
	}
	if (r->rec.n_cells != r->n_cols) {
		/* Only the last line may be cut short (SPEC §2). */
		if (end == r->size)
			return 1;
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: %zu cells, header has %zu", r->name, lineno,
		    r->rec.n_cells, r->n_cols);
	}
	if (row_take(r, lineno) == -1)
		return -1;
	r->st->valid_end = end;
	return 0;
}

static int
too_long(struct reader *r, long lineno)
{
	return ERRMSG_SET(r->err, EINVAL, "%s:%ld: line longer than %d bytes",
	    r->name, lineno, DAYLINE_MAX);
}

/* Returns 0, or -1 with err set: libcsv could not allocate. */
static int
reader_init(struct reader *r, int fd, const char *name,
    const struct dayreader_consumer *consumer, struct dayreader_stats *st,
    struct errmsg *err)
{
	memset(r, 0, sizeof(*r));
	memset(st, 0, sizeof(*st));
	r->fd = fd;
	r->name = name;
	r->consumer = consumer;
	r->st = st;
	r->err = err;
	r->line_base = 1;
	if (csv_init(&r->csv, CSV_STRICT | CSV_REPALL_NL) != 0)
		return ERRMSG_SET(err, ENOMEM, "%s: csv_init: out of memory",
		    name);
	r->csv_ok = true;
	return 0;
}

static void
reader_free(struct reader *r)
{
	if (r->csv_ok)
		csv_free(&r->csv);
	dayheader_free(&r->own_hdr);
	dayrecord_free(&r->rec);
	free(r->cell);
	free(r->value);
}

/*
 * Why lines are cut here and not by libcsv alone: its callbacks carry no
 * offsets, yet valid_end must be exact. Each complete physical line goes
 * to dayrecord_feed on its own, so a record that ends (on_row, which
 * CSV_REPALL_NL calls for every unquoted '\n', empty lines included)
 * ends exactly at the '\n' just fed; a '\n' inside quotes ends no record
 * and the next line continues it. Bytes after the last '\n' are never
 * fed: a torn line is left out whatever it holds, so csv_fini (and with
 * it CSV_STRICT_FINI) has nothing to do. A line longer than the buffer
 * grows it, up to DAYLINE_MAX; the rest of the file is never held.
 *
 * Reads the lines of [r->from, r->to), the first being line r->line_base
 * (or a line of unknown number if 0), up to the header only if
 * r->header_only. Returns 0 or -1 with err set.
 */
static int
read_span(struct reader *r)
{
	struct dayloc loc = {r->name, 0, 0};
	char *buf = NULL, *nl;
	size_t cap = READ_CHUNK, have = 0, p, len;
	off_t pos = r->from, base = r->from, rec_start = r->from;
	long line = r->line_base - 1, rec_line = r->line_base;
	bool pending = false; /* lines of an unended record were fed */
	ssize_t n;
	int rc = -1, took;

	buf = xmalloc(cap);
	while (pos < r->to) {
		len = cap - have;
		if ((off_t)len > r->to - pos)
			len = (size_t)(r->to - pos);
		n = pread(r->fd, buf + have, len, pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ERRMSG_SET(r->err, errno, "%s: read: %s", r->name,
			    strerror(errno));
			goto done;
		}
		/* Cut since fstat (the recorder repairing a torn tail). */
		if (n == 0) {
			if (r->to < r->size) {
				ERRMSG_SET(r->err, EAGAIN,
				    "%s: cut short while read", r->name);
				goto done;
			}
			r->size = r->to = pos;
			break;
		}
		pos += n;
		have += (size_t)n;
		p = 0;
		while (p < have &&
		       (nl = memchr(buf + p, '\n', have - p)) != NULL) {
			len = (size_t)(nl - (buf + p)) + 1;
			line++;
			if (base + (off_t)(p + len) - rec_start > DAYLINE_MAX) {
				too_long(r, rec_line);
				goto done;
			}
			loc.lineno = line;
			if (dayrecord_feed(&r->csv, &r->rec, buf + p, len, &loc,
			        r->err) == -1)
				goto done;
			p += len;
			if (!r->rec.ended) {
				pending = true;
				continue;
			}
			took = record_take(r, rec_line, base + (off_t)p);
			if (took == -1)
				goto done;
			if (took == 1) {
				r->st->torn_tail = true;
				rc = 0;
				goto done;
			}
			dayrecord_clear(&r->rec);
			pending = false;
			rec_line = line + 1;
			rec_start = base + (off_t)p;
			if (r->header_only && r->n_cols > 0) {
				r->line_base = rec_line;
				rc = 0;
				goto done;
			}
		}
		/* Keep the unfinished line at the front for the next read. */
		memmove(buf, buf + p, have - p);
		base += (off_t)p;
		have -= p;
		if (have == cap) {
			if (cap >= DAYLINE_MAX) {
				too_long(r, line + 1);
				goto done;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
	}
	r->open = pending;
	if (have > 0 || pending)
		r->st->torn_tail = true;
	rc = 0;
done:
	free(buf);
	return rc;
}

int
dayreader_read(int fd, const char *name,
    const struct dayreader_consumer *consumer, struct dayreader_stats *stats,
    struct errmsg *err)
{
	struct dayreader_stats local;
	struct reader r;
	struct stat sb;
	int rc = -1;

	if (stats == NULL)
		stats = &local;
	if (reader_init(&r, fd, name, consumer, stats, err) == -1)
		return -1;
	if (fstat(fd, &sb) == -1) {
		ERRMSG_SET(err, errno, "%s: fstat: %s", name, strerror(errno));
		goto done;
	}
	r.to = r.size = sb.st_size;
	rc = read_span(&r);
done:
	reader_free(&r);
	return rc;
}

/*
 * Where the second half starts: just after the first '\n' at or past
 * the middle of [from, size). Returns 0, or -1 with err set when there
 * is none in the next READ_CHUNK bytes or it ends the file.
 */
static int
find_cut(int fd, const char *name, off_t from, off_t size, off_t *cut,
    struct errmsg *err)
{
	off_t mid = from + (size - from) / 2;
	char *buf = xmalloc(READ_CHUNK), *nl;
	ssize_t n;

	do
		n = pread(fd, buf, READ_CHUNK, mid);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		ERRMSG_SET(err, errno, "%s: read: %s", name, strerror(errno));
	} else if ((nl = memchr(buf, '\n', (size_t)n)) == NULL ||
	           mid + (nl - buf) + 1 >= size) {
		ERRMSG_SET(err, EAGAIN, "%s: no line to cut at", name);
	} else {
		*cut = mid + (nl - buf) + 1;
		free(buf);
		return 0;
	}
	free(buf);
	return -1;
}

static void *
span_thread(void *arg)
{
	struct reader *r = arg;

	r->rc = read_span(r);
	return NULL;
}

/* Checks the halves join up and sums their stats into st. */
static int
halves_join(const struct reader *a, const struct reader *b,
    struct dayreader_stats *st, struct errmsg *err)
{
	const struct dayreader_stats *sa = a->st, *sb = b->st;

	if (a->open)
		return ERRMSG_SET(err, EAGAIN, "%s: a quote is open at the cut",
		    a->name);
	if (sa->rows > 0 && sb->rows > 0 && sb->first_t <= sa->last_t)
		return ERRMSG_SET(err, EINVAL,
		    "%s: time not after the previous row's at the cut",
		    a->name);
	st->rows = sa->rows + sb->rows;
	if (sa->rows > 0)
		st->valid_end = sa->valid_end;
	if (sb->rows > 0)
		st->valid_end = sb->valid_end;
	st->torn_tail = sb->torn_tail;
	st->first_t = sa->rows > 0 ? sa->first_t : sb->first_t;
	st->last_t = sb->rows > 0 ? sb->last_t : sa->last_t;
	st->last_utcoff_s =
	    sb->rows > 0 ? sb->last_utcoff_s : sa->last_utcoff_s;
	return 0;
}

/*
 * The header is read here first; then this thread reads the first half
 * while a second thread reads the other, each with its own parser,
 * buffer and consumer. Anything out of the plain case gives up rather
 * than being handled twice: dayreader_read is the one place that knows
 * how to report it.
 */
int
dayreader_read_halves(int fd, const char *name,
    const struct dayreader_consumer *first,
    const struct dayreader_consumer *second, struct dayreader_stats *stats,
    struct errmsg *err)
{
	struct dayreader_stats sh, sa, sb;
	struct reader h, a, b;
	struct errmsg berr;
	struct stat st;
	pthread_t tid;
	bool a_ok = false, b_ok = false;
	off_t cut;
	int rc = -1, perr;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (reader_init(&h, fd, name, first, &sh, err) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		ERRMSG_SET(err, errno, "%s: fstat: %s", name, strerror(errno));
		goto done;
	}
	h.to = h.size = st.st_size;
	h.header_only = true;
	if (read_span(&h) == -1)
		goto done;
	if (!sh.has_header || sh.torn_tail) {
		ERRMSG_SET(err, EAGAIN, "%s: no header and rows to cut", name);
		goto done;
	}
	if (find_cut(fd, name, sh.valid_end, h.size, &cut, err) == -1)
		goto done;
	if (reader_init(&a, fd, name, first, &sa, err) == -1)
		goto done;
	a_ok = true;
	if (reader_init(&b, fd, name, second, &sb, &berr) == -1) {
		*err = berr;
		goto done;
	}
	b_ok = true;
	reader_use_header(&a, h.hdr);
	a.from = sh.valid_end;
	a.to = cut;
	a.size = h.size;
	a.line_base = h.line_base;
	reader_use_header(&b, h.hdr);
	b.from = cut;
	b.to = b.size = h.size;
	b.line_base = 0; /* not known until the first half is counted */
	if ((perr = pthread_create(&tid, NULL, span_thread, &b)) != 0) {
		ERRMSG_SET(err, perr, "%s: pthread_create: %s", name,
		    strerror(perr));
		goto done;
	}
	a.rc = read_span(&a);
	if ((perr = pthread_join(tid, NULL)) != 0) {
		/* Cannot happen for a joinable thread started here. */
		ERRMSG_SET(err, perr, "%s: pthread_join: %s", name,
		    strerror(perr));
		goto done;
	}
	if (a.rc == -1)
		goto done;
	if (b.rc == -1) {
		*err = berr;
		goto done;
	}
	if (halves_join(&a, &b, &sh, err) == -1)
		goto done;
	if (stats != NULL)
		*stats = sh;
	rc = 0;
done:
	if (a_ok)
		reader_free(&a);
	if (b_ok)
		reader_free(&b);
	reader_free(&h);
	return rc;
}
