/* dayfilter.c - copy a day file's rows in a time range, some interfaces */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayfilter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dayreader.h"
#include "errmsg.h"
#include "xalloc.h"

/* Some 500 one-second rows of four interfaces per write(2). */
#define OUT_BUF (64 * 1024)

struct dayfilter {
	bool has_range;
	time_t from, to;
	char **want;
	size_t n_want;
	/* One dayfilter_write(): */
	const char *in_name, *out_name;
	int out_fd;
	size_t *cols; /* the file's columns to copy, in order */
	size_t n_cols;
	char *buf;
	size_t len, cap;
	long rows_written;
};

struct dayfilter *
dayfilter_new(void)
{
	struct dayfilter *f = xcalloc(1, sizeof(*f));

	f->cap = OUT_BUF;
	f->buf = xmalloc(f->cap);
	return f;
}

void
dayfilter_free(struct dayfilter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_want; i++)
		free(f->want[i]);
	free(f->want);
	free(f->cols);
	free(f->buf);
	free(f);
}

void
dayfilter_set_range(struct dayfilter *f, time_t from, time_t to)
{
	f->has_range = true;
	f->from = from;
	f->to = to;
}

static bool
wanted(const struct dayfilter *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_want; i++)
		if (strcmp(f->want[i], name) == 0)
			return true;
	return false;
}

int
dayfilter_add_iface(struct dayfilter *f, const char *name, struct errmsg *err)
{
	if (!dayreader_iface_name_ok(name, strlen(name)))
		return ERRMSG_SET(err, EINVAL, "bad interface name \"%.64s\"",
		    name);
	if (wanted(f, name))
		return 0;
	f->want = xreallocarray(f->want, f->n_want + 1, sizeof(*f->want));
	f->want[f->n_want++] = xstrdup(name);
	return 0;
}

long
dayfilter_rows_written(const struct dayfilter *f)
{
	return f->rows_written;
}

static int
flush(struct dayfilter *f, struct errmsg *err)
{
	size_t done = 0;
	ssize_t n;

	while (done < f->len) {
		n = write(f->out_fd, f->buf + done, f->len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ERRMSG_SET(err, errno, "%s: write: %s",
			    f->out_name, strerror(errno));
		done += (size_t)n;
	}
	f->len = 0;
	return 0;
}

/* Makes room for len more bytes, writing out what the buffer holds first. */
static int
reserve(struct dayfilter *f, size_t len, struct errmsg *err)
{
	if (len <= f->cap - f->len)
		return 0;
	if (flush(f, err) == -1)
		return -1;
	/* One line longer than the buffer: grow, so it still goes whole. */
	if (len > f->cap) {
		f->buf = xreallocarray(f->buf, len, 1);
		f->cap = len;
	}
	return 0;
}

static void
put(struct dayfilter *f, const char *s, size_t len)
{
	memcpy(f->buf + f->len, s, len);
	f->len += len;
}

/* A header cell as RFC 4180 wants it: names may hold ',' and '"'. */
static size_t
header_cell_len(const char *s)
{
	size_t len = strlen(s), quotes = 0;
	const char *p;

	if (strpbrk(s, ",\"") == NULL)
		return len;
	for (p = s; (p = strchr(p, '"')) != NULL; p++)
		quotes++;
	return len + quotes + 2;
}

static void
put_header_cell(struct dayfilter *f, const char *s)
{
	if (strpbrk(s, ",\"") == NULL) {
		put(f, s, strlen(s));
		return;
	}
	f->buf[f->len++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			f->buf[f->len++] = '"';
		f->buf[f->len++] = *s;
	}
	f->buf[f->len++] = '"';
}

static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct dayfilter *f = ctx;
	char *names[2];
	size_t i, j, k, len = 0;
	bool found;

	for (i = 0; i < f->n_want; i++) {
		for (found = false, j = 0; j < h->n_ifaces && !found; j++)
			found = strcmp(h->ifaces[j], f->want[i]) == 0;
		if (!found)
			return ERRMSG_SET(err, ENOENT,
			    "%s: no interface \"%s\"", f->in_name, f->want[i]);
	}
	f->cols =
	    xreallocarray(NULL, DAYCOL_COUNT(h->n_ifaces), sizeof(*f->cols));
	for (f->n_cols = 0; f->n_cols < DAYCOL_FIXED; f->n_cols++)
		len += strlen(daycol_fixed_names[f->n_cols]) + 1;
	for (j = 0; j < h->n_ifaces; j++) {
		if (f->n_want > 0 && !wanted(f, h->ifaces[j]))
			continue;
		f->cols[f->n_cols++] = DAYCOL_RX(j);
		f->cols[f->n_cols++] = DAYCOL_TX(j);
		/* "net_rx_bps:" + name, quoted as a whole when needed */
		len += 2 * (header_cell_len(h->ifaces[j]) + 12);
	}
	if (reserve(f, len, err) == -1)
		return -1;
	for (i = 0; i < DAYCOL_FIXED; i++) {
		f->cols[i] = i;
		if (i > 0)
			put(f, ",", 1);
		put(f, daycol_fixed_names[i], strlen(daycol_fixed_names[i]));
	}
	for (j = 0; j < h->n_ifaces; j++) {
		if (f->n_want > 0 && !wanted(f, h->ifaces[j]))
			continue;
		names[0] = xasprintf("net_rx_bps:%s", h->ifaces[j]);
		names[1] = xasprintf("net_tx_bps:%s", h->ifaces[j]);
		for (k = 0; k < 2; k++) {
			put(f, ",", 1);
			put_header_cell(f, names[k]);
			free(names[k]);
		}
	}
	put(f, "\n", 1);
	return 0;
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct dayfilter *f = ctx;
	size_t i, c, len = 0;

	if (f->has_range && (row->t < f->from || row->t >= f->to))
		return 0;
	for (i = 0; i < f->n_cols; i++)
		len += row->cell_len[f->cols[i]] + 1;
	if (reserve(f, len, err) == -1)
		return -1;
	/*
	 * The reader took every cell as a number or a time, so none needs
	 * quoting: its text goes out as it came in.
	 */
	for (i = 0; i < f->n_cols; i++) {
		c = f->cols[i];
		put(f, row->cell[c], row->cell_len[c]);
		f->buf[f->len++] = i + 1 < f->n_cols ? ',' : '\n';
	}
	f->rows_written++;
	return 0;
}

int
dayfilter_write(struct dayfilter *f, int in_fd, const char *in_name, int out_fd,
    const char *out_name, struct dayreader_stats *stats, struct errmsg *err)
{
	struct dayreader_consumer consumer = {on_header, on_row, f};
	struct dayreader_stats local;
	int rc;

	if (stats == NULL)
		stats = &local;
	f->in_name = in_name;
	f->out_name = out_name;
	f->out_fd = out_fd;
	f->len = 0;
	f->rows_written = 0;
	rc = dayreader_read(in_fd, in_name, &consumer, stats, err);
	free(f->cols);
	f->cols = NULL;
	f->n_cols = 0;
	if (rc == -1)
		return -1;
	if (!stats->has_header && f->n_want > 0)
		return ERRMSG_SET(err, ENOENT, "%s: no interface \"%s\"",
		    in_name, f->want[0]);
	return flush(f, err);
}
