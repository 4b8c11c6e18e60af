/* dayreader.c - read a day file in one streaming pass, row by row */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreader.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "errmsg.h"
#include "parse.h"
#include "timestamp.h"
#include "xalloc.h"

/* Big enough that read(2) costs vanish, small enough to stay in cache. */
#define READ_CHUNK (64 * 1024)
/* IFNAMSIZ - 1: the kernel's limit on an interface name. */
#define IFACE_NAME_MAX 15
/* Bytes of a bad cell shown in a message. */
#define SHOW_MAX 40
/*
 * The longest line taken: a header of some 19,000 interfaces. Without a
 * bound, a file of one endless line (or one open quote) would be held
 * whole, which a reader serving HTTP must not do.
 */
#define DAYLINE_MAX (1024 * 1024)
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

/* The record libcsv is handing over: its cells packed, each NUL-ended. */
struct record {
	char *text;
	size_t text_len, text_cap;
	size_t *off, *len;
	size_t n_cells, cells_cap;
	bool ended;
};

struct reader {
	const char *name;
	const struct dayreader_consumer *consumer;
	struct dayreader_stats *st;
	struct errmsg *err;
	struct record rec;
	struct dayheader hdr;
	size_t n_cols; /* 0 until the header has been read */
	const char **cell;
	double *value;
	char prev_time[TIMESTAMP_LEN + 1];
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

static void
on_cell(void *data, size_t len, void *ctx)
{
	struct record *rec = &((struct reader *)ctx)->rec;
	size_t cap;

	if (rec->n_cells == rec->cells_cap) {
		cap = rec->cells_cap ? 2 * rec->cells_cap : 16;
		rec->off = xreallocarray(rec->off, cap, sizeof(*rec->off));
		rec->len = xreallocarray(rec->len, cap, sizeof(*rec->len));
		rec->cells_cap = cap;
	}
	/* len is at most DAYLINE_MAX: cap cannot overflow. */
	if (len + 1 > rec->text_cap - rec->text_len) {
		cap = rec->text_cap ? 2 * rec->text_cap : 256;
		while (cap - rec->text_len < len + 1)
			cap *= 2;
		rec->text = xreallocarray(rec->text, cap, 1);
		rec->text_cap = cap;
	}
	if (len > 0)
		memcpy(rec->text + rec->text_len, data, len);
	rec->text[rec->text_len + len] = '\0';
	rec->off[rec->n_cells] = rec->text_len;
	rec->len[rec->n_cells] = len;
	rec->text_len += len + 1;
	rec->n_cells++;
}

static void
on_row(int c, void *ctx)
{
	(void)c;
	((struct reader *)ctx)->rec.ended = true;
}

static void
record_clear(struct record *rec)
{
	rec->text_len = 0;
	rec->n_cells = 0;
	rec->ended = false;
}

/* Copies s[0..len) into out for a message: cut short, control bytes as '?'. */
static const char *
show(const char *s, size_t len, char out[SHOW_MAX + 4])
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

static const char *
cell_text(const struct reader *r, size_t i)
{
	return r->rec.text + r->rec.off[i];
}

/*
 * No cell of a day file holds a blank or a '\r' (names refuse white space,
 * the rest are numbers and times), so a line with one is refused whole,
 * before libcsv would trim the blanks off a cell or end a record at the
 * '\r'. Its is_space/is_term hooks would do the same from inside, but
 * cost an indirect call per byte: ~25 ms a 10 MB day against ~1 ms here.
 */
static int
line_check(struct reader *r, const char *s, size_t len, long lineno)
{
	if (memchr(s, '\r', len) != NULL)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: carriage return in line: lines end in \\n only",
		    r->name, lineno);
	if (memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: blank in line: cells hold no spaces or tabs",
		    r->name, lineno);
	return 0;
}

/* Sets err for the bad cell i of a row. */
static int
bad_cell(struct reader *r, long lineno, size_t i)
{
	char buf[SHOW_MAX + 4];
	const char *prefix = "", *col;

	if (i < DAYCOL_FIXED) {
		col = daycol_fixed_names[i];
	} else {
		prefix = (i - DAYCOL_FIXED) % 2 == 0 ? rx_prefix : tx_prefix;
		col = r->hdr.ifaces[(i - DAYCOL_FIXED) / 2];
	}
	return ERRMSG_SET(r->err, EINVAL, "%s:%ld: bad %s%s \"%s\"", r->name,
	    lineno, prefix, col, show(cell_text(r, i), r->rec.len[i], buf));
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
header_cell_is(const struct reader *r, size_t col, const char *prefix,
    const char *name, size_t name_len)
{
	return r->rec.len[col] == PREFIX_LEN + name_len &&
	       memcmp(cell_text(r, col), prefix, PREFIX_LEN) == 0 &&
	       memcmp(cell_text(r, col) + PREFIX_LEN, name, name_len) == 0;
}

static int
header_take(struct reader *r)
{
	char buf[SHOW_MAX + 4], want[PREFIX_LEN + IFACE_NAME_MAX + 1];
	size_t n = r->rec.n_cells, i, rx, name_len;
	const char *name, *dup;

	if (n < DAYCOL_FIXED)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:1: header has %zu columns, expected at least %d",
		    r->name, n, DAYCOL_FIXED);
	for (i = 0; i < DAYCOL_FIXED; i++)
		if (r->rec.len[i] != strlen(daycol_fixed_names[i]) ||
		    strcmp(cell_text(r, i), daycol_fixed_names[i]) != 0)
			return ERRMSG_SET(r->err, EINVAL,
			    "%s:1: column %zu is \"%s\", expected \"%s\"",
			    r->name, i + 1,
			    show(cell_text(r, i), r->rec.len[i], buf),
			    daycol_fixed_names[i]);
	if ((n - DAYCOL_FIXED) % 2 != 0)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:1: %zu columns: interface columns come in rx,tx pairs",
		    r->name, n);
	r->hdr.ifaces = xcalloc((n - DAYCOL_FIXED) / 2 + 1, sizeof(char *));
	for (rx = DAYCOL_FIXED; rx < n; rx += 2) {
		if (r->rec.len[rx] < PREFIX_LEN ||
		    memcmp(cell_text(r, rx), rx_prefix, PREFIX_LEN) != 0)
			return ERRMSG_SET(r->err, EINVAL,
			    "%s:1: column %zu is \"%s\", expected "
			    "\"net_rx_bps:<interface>\"",
			    r->name, rx + 1,
			    show(cell_text(r, rx), r->rec.len[rx], buf));
		name = cell_text(r, rx) + PREFIX_LEN;
		name_len = r->rec.len[rx] - PREFIX_LEN;
		if (!dayreader_iface_name_ok(name, name_len))
			return ERRMSG_SET(r->err, EINVAL,
			    "%s:1: bad interface name \"%s\" in column %zu",
			    r->name, show(name, name_len, buf), rx + 1);
		if (!header_cell_is(r, rx + 1, tx_prefix, name, name_len)) {
			memcpy(want, tx_prefix, PREFIX_LEN);
			memcpy(want + PREFIX_LEN, name, name_len);
			want[PREFIX_LEN + name_len] = '\0';
			return ERRMSG_SET(r->err, EINVAL,
			    "%s:1: column %zu is \"%s\", expected \"%s\"",
			    r->name, rx + 2,
			    show(cell_text(r, rx + 1), r->rec.len[rx + 1], buf),
			    want);
		}
		r->hdr.ifaces[r->hdr.n_ifaces++] = xstrndup(name, name_len);
	}
	if ((dup = find_duplicate(r->hdr.ifaces, r->hdr.n_ifaces)) != NULL)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:1: interface \"%s\" appears twice", r->name,
		    show(dup, strlen(dup), buf));
	r->n_cols = n;
	r->cell = xreallocarray(NULL, n, sizeof(*r->cell));
	r->value = xreallocarray(NULL, n, sizeof(*r->value));
	return 0;
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

static int
row_take(struct reader *r, long lineno)
{
	char a[SHOW_MAX + 4];
	struct dayrow row;
	uint64_t u;
	time_t t;
	size_t i;
	int off;

	for (i = 0; i < r->n_cols; i++)
		r->cell[i] = cell_text(r, i);
	if (timestamp_parse(r->cell[0], r->rec.len[0], &t, &off) == -1)
		return bad_cell(r, lineno, 0);
	if (r->st->rows > 0 && t <= r->st->last_t)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: time %s is not after the previous row's %s",
		    r->name, lineno, show(r->cell[0], r->rec.len[0], a),
		    r->prev_time);
	r->value[DAYCOL_TIME] = (double)t;
	if (r->rec.len[DAYCOL_CPU] == 0)
		r->value[DAYCOL_CPU] = NAN;
	else if (parse_cpu(r->cell[DAYCOL_CPU], r->rec.len[DAYCOL_CPU],
	             &r->value[DAYCOL_CPU]) == -1)
		return bad_cell(r, lineno, DAYCOL_CPU);
	for (i = DAYCOL_MEM_TOTAL; i < r->n_cols; i++) {
		if (r->rec.len[i] == 0)
			r->value[i] = NAN;
		else if (parse_uint_n(r->cell[i], r->rec.len[i], 0, UINT64_MAX,
		             &u) == -1)
			return bad_cell(r, lineno, i);
		else
			r->value[i] = (double)u;
	}
	/* The time cell passed timestamp_parse: exactly TIMESTAMP_LEN bytes. */
	memcpy(r->prev_time, r->cell[0], TIMESTAMP_LEN + 1);
	if (r->st->rows == 0)
		r->st->first_t = t;
	r->st->last_t = t;
	r->st->last_utcoff_s = off;
	r->st->rows++;
	if (r->consumer == NULL || r->consumer->row == NULL)
		return 0;
	row.lineno = lineno;
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
record_take(struct reader *r, long lineno, off_t end, off_t size)
{
	if (r->n_cols == 0) {
		if (header_take(r) == -1)
			return -1;
		r->st->has_header = true;
		r->st->valid_end = end;
		if (r->consumer == NULL || r->consumer->header == NULL)
			return 0;
		return r->consumer->header(r->consumer->ctx, &r->hdr, r->err);
	}
	if (r->rec.n_cells != r->n_cols) {
		/* Only the last line may be cut short (SPEC §2). */
		if (end == size)
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
parse_failed(struct reader *r, struct csv_parser *csv, long lineno)
{
	if (csv_error(csv) == CSV_EPARSE)
		return ERRMSG_SET(r->err, EINVAL,
		    "%s:%ld: bad quoting: a quote inside an unquoted cell or "
		    "after a closing one",
		    r->name, lineno);
	return ERRMSG_SET(r->err, ENOMEM, "%s:%ld: %s", r->name, lineno,
	    csv_strerror(csv_error(csv)));
}

static int
too_long(struct reader *r, long lineno)
{
	return ERRMSG_SET(r->err, EINVAL, "%s:%ld: line longer than %d bytes",
	    r->name, lineno, DAYLINE_MAX);
}

static void
reader_free(struct reader *r)
{
	size_t i;

	for (i = 0; i < r->hdr.n_ifaces; i++)
		free(r->hdr.ifaces[i]);
	free(r->hdr.ifaces);
	free(r->rec.text);
	free(r->rec.off);
	free(r->rec.len);
	free(r->cell);
	free(r->value);
}

/*
 * Why lines are cut here and not by libcsv alone: its callbacks carry no
 * offsets, yet valid_end must be exact. Each complete physical line goes
 * to csv_parse on its own, so a record that libcsv ends (on_row, which
 * CSV_REPALL_NL calls for every unquoted '\n', empty lines included) ends
 * exactly at the '\n' just fed; a '\n' inside quotes ends no record and
 * the next line continues it. Bytes after the last '\n' are never fed:
 * a torn line is left out whatever it holds, so csv_fini (and with it
 * CSV_STRICT_FINI) has nothing to do. A line longer than the buffer
 * grows it, up to DAYLINE_MAX; the rest of the file is never held.
 */
int
dayreader_read(int fd, const char *name,
    const struct dayreader_consumer *consumer, struct dayreader_stats *stats,
    struct errmsg *err)
{
	struct dayreader_stats local;
	struct csv_parser csv;
	struct reader r;
	struct stat sb;
	char *buf = NULL, *nl;
	size_t cap = READ_CHUNK, have = 0, p, len;
	off_t size, pos = 0, base = 0, rec_start = 0;
	long line = 0, rec_line = 1;
	bool pending = false; /* lines of an unended record went to libcsv */
	ssize_t n;
	int rc = -1, took;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.name = name;
	r.consumer = consumer;
	r.st = stats;
	r.err = err;
	if (fstat(fd, &sb) == -1)
		return ERRMSG_SET(err, errno, "%s: fstat: %s", name,
		    strerror(errno));
	if (csv_init(&csv, CSV_STRICT | CSV_REPALL_NL) != 0)
		return ERRMSG_SET(err, ENOMEM, "%s: csv_init: out of memory",
		    name);
	size = sb.st_size;
	buf = xmalloc(cap);
	while (pos < size) {
		len = cap - have;
		if ((off_t)len > size - pos)
			len = (size_t)(size - pos);
		n = pread(fd, buf + have, len, pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ERRMSG_SET(err, errno, "%s: read: %s", name,
			    strerror(errno));
			goto done;
		}
		/* Cut since fstat (the recorder repairing a torn tail). */
		if (n == 0) {
			size = pos;
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
				too_long(&r, rec_line);
				goto done;
			}
			if (line_check(&r, buf + p, len, line) == -1)
				goto done;
			if (csv_parse(&csv, buf + p, len, on_cell, on_row,
			        &r) != len) {
				parse_failed(&r, &csv, line);
				goto done;
			}
			p += len;
			if (!r.rec.ended) {
				pending = true;
				continue;
			}
			took = record_take(&r, rec_line, base + (off_t)p, size);
			if (took == -1)
				goto done;
			if (took == 1) {
				stats->torn_tail = true;
				rc = 0;
				goto done;
			}
			record_clear(&r.rec);
			pending = false;
			rec_line = line + 1;
			rec_start = base + (off_t)p;
		}
		/* Keep the unfinished line at the front for the next read. */
		memmove(buf, buf + p, have - p);
		base += (off_t)p;
		have -= p;
		if (have == cap) {
			if (cap >= DAYLINE_MAX) {
				too_long(&r, line + 1);
				goto done;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
	}
	if (have > 0 || pending)
		stats->torn_tail = true;
	rc = 0;
done:
	csv_free(&csv);
	free(buf);
	reader_free(&r);
	return rc;
}
