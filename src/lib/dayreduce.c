/* dayreduce.c - fold day file rows into min/max/mean time buckets */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreduce.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dayreader.h"
#include "errmsg.h"
#include "xalloc.h"

struct bucket {
	double min, max, sum;
	long n;
};

struct dayreduce {
	time_t start, end;
	size_t n_buckets;
	size_t n_cols;
	/*
	 * Column-major, bucket[col * n_buckets + i], so a new interface's
	 * columns go on the end with one realloc and nothing moves.
	 */
	struct bucket *bucket;
	size_t n_ifaces;
	char **ifaces;
	/* Per file being read: its column c is our column map[c]. */
	size_t *map;
	size_t map_len;
};

struct dayreduce *
dayreduce_new(time_t start, time_t end, size_t n_buckets, struct errmsg *err)
{
	struct dayreduce *r;
	int64_t span;

	if (n_buckets < 1 || n_buckets > DAYREDUCE_MAX_BUCKETS) {
		ERRMSG_SET(err, EINVAL, "%zu buckets: expected 1-%d", n_buckets,
		    DAYREDUCE_MAX_BUCKETS);
		return NULL;
	}
	/* (t - start) * n_buckets in on_row must not overflow. */
	if (end <= start || __builtin_sub_overflow(end, start, &span) ||
	    span > INT64_MAX / (int64_t)n_buckets) {
		ERRMSG_SET(err, EINVAL, "bad time range [%lld, %lld)",
		    (long long)start, (long long)end);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->start = start;
	r->end = end;
	r->n_buckets = n_buckets;
	r->n_cols = DAYCOL_FIXED;
	r->bucket = xcalloc(r->n_cols * n_buckets, sizeof(*r->bucket));
	return r;
}

void
dayreduce_free(struct dayreduce *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_ifaces; i++)
		free(r->ifaces[i]);
	free(r->ifaces);
	free(r->bucket);
	free(r->map);
	free(r);
}

int
dayreduce_find_iface(const struct dayreduce *r, const char *name, size_t *i)
{
	size_t j;

	for (j = 0; j < r->n_ifaces; j++) {
		if (strcmp(r->ifaces[j], name) == 0) {
			*i = j;
			return 0;
		}
	}
	return -1;
}

/* Returns the new interface's index, or -1 with err set. */
static int
add_iface(struct dayreduce *r, const char *name, size_t *k, struct errmsg *err)
{
	size_t old = r->n_cols * r->n_buckets;

	/* xreallocarray checks its own product, not n_cols * n_buckets. */
	if (r->n_cols + 2 > SIZE_MAX / r->n_buckets)
		return ERRMSG_SET(err, ENOMEM,
		    "%zu interfaces in %zu buckets: too many", r->n_ifaces + 1,
		    r->n_buckets);
	r->ifaces =
	    xreallocarray(r->ifaces, r->n_ifaces + 1, sizeof(*r->ifaces));
	r->ifaces[r->n_ifaces] = xstrdup(name);
	r->n_cols += 2;
	r->bucket = xreallocarray(r->bucket, r->n_cols * r->n_buckets,
	    sizeof(*r->bucket));
	memset(r->bucket + old, 0, 2 * r->n_buckets * sizeof(*r->bucket));
	*k = r->n_ifaces++;
	return 0;
}

/*
 * Maps the file's columns onto ours. Linear name search: a header is
 * read once per file and rarely names more than a few dozen interfaces.
 */
static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct dayreduce *r = ctx;
	size_t c, j, k = 0;

	r->map_len = DAYCOL_COUNT(h->n_ifaces);
	r->map = xreallocarray(r->map, r->map_len, sizeof(*r->map));
	for (c = 0; c < DAYCOL_FIXED; c++)
		r->map[c] = c;
	for (j = 0; j < h->n_ifaces; j++) {
		if (dayreduce_find_iface(r, h->ifaces[j], &k) == -1 &&
		    add_iface(r, h->ifaces[j], &k, err) == -1)
			return -1;
		r->map[DAYCOL_RX(j)] = DAYCOL_RX(k);
		r->map[DAYCOL_TX(j)] = DAYCOL_TX(k);
	}
	return 0;
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct dayreduce *r = ctx;
	struct bucket *b;
	size_t i, c;
	double v;

	(void)err;
	if (row->t < r->start || row->t >= r->end)
		return 0;
	i = (size_t)(((int64_t)row->t - r->start) * (int64_t)r->n_buckets /
	             ((int64_t)r->end - r->start));
	for (c = 0; c < row->n_cells; c++) {
		/* value[DAYCOL_TIME] is t: the time column reduces like any. */
		v = row->value[c];
		if (isnan(v))
			continue;
		b = &r->bucket[r->map[c] * r->n_buckets + i];
		if (b->n == 0 || v < b->min)
			b->min = v;
		if (b->n == 0 || v > b->max)
			b->max = v;
		b->sum += v;
		b->n++;
	}
	return 0;
}

int
dayreduce_read(struct dayreduce *r, int fd, const char *name,
    struct dayreader_stats *stats, struct errmsg *err)
{
	struct dayreader_consumer consumer = {on_header, on_row, r};

	r->map_len = 0;
	return dayreader_read(fd, name, &consumer, stats, err);
}

size_t
dayreduce_n_buckets(const struct dayreduce *r)
{
	return r->n_buckets;
}

time_t
dayreduce_bucket_start(const struct dayreduce *r, size_t i)
{
	int64_t span = (int64_t)r->end - r->start;
	int64_t n = (int64_t)r->n_buckets;

	/* The least t with (t - start) * n / span >= i, as on_row buckets. */
	return (time_t)(r->start + ((int64_t)i * span + n - 1) / n);
}

size_t
dayreduce_n_ifaces(const struct dayreduce *r)
{
	return r->n_ifaces;
}

const char *
dayreduce_iface(const struct dayreduce *r, size_t i)
{
	return r->ifaces[i];
}

bool
dayreduce_get(const struct dayreduce *r, size_t col, size_t i,
    struct dayreduce_stat *out)
{
	const struct bucket *b = &r->bucket[col * r->n_buckets + i];

	out->n = b->n;
	if (b->n == 0) {
		out->min = out->max = out->mean = NAN;
		return false;
	}
	out->min = b->min;
	out->max = b->max;
	out->mean = b->sum / (double)b->n;
	return true;
}
