/* dayreduce.c - fold day file rows into min/max/mean time buckets */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreduce.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	unsigned threads; /* dayreduce_set_threads() */
};

/*
 * A half of a file's rows, folded apart while the other half is read on
 * another thread, then added to the rest. Both halves read r, which does
 * not change while they run; each writes only its own buckets.
 */
struct half {
	struct dayreduce *r;
	struct bucket *bucket; /* as r->bucket; set with the header */
	struct half *other;
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

static void
fold(const struct dayreduce *r, struct bucket *bucket, const struct dayrow *row)
{
	struct bucket *b;
	size_t i, c;
	double v;

	if (row->t < r->start || row->t >= r->end)
		return;
	i = (size_t)(((int64_t)row->t - r->start) * (int64_t)r->n_buckets /
	             ((int64_t)r->end - r->start));
	for (c = 0; c < row->n_cells; c++) {
		/* value[DAYCOL_TIME] is t: the time column reduces like any. */
		v = row->value[c];
		if (isnan(v))
			continue;
		b = &bucket[r->map[c] * r->n_buckets + i];
		if (b->n == 0 || v < b->min)
			b->min = v;
		if (b->n == 0 || v > b->max)
			b->max = v;
		b->sum += v;
		b->n++;
	}
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct dayreduce *r = ctx;

	(void)err;
	fold(r, r->bucket, row);
	return 0;
}

/* The header, in the reading thread: both halves get their buckets. */
static int
on_half_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct half *hf = ctx;
	size_t n;

	if (on_header(hf->r, h, err) == -1)
		return -1;
	n = hf->r->n_cols * hf->r->n_buckets;
	hf->bucket = xcalloc(n, sizeof(*hf->bucket));
	hf->other->bucket = xcalloc(n, sizeof(*hf->bucket));
	return 0;
}

static int
on_half_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct half *hf = ctx;

	(void)err;
	fold(hf->r, hf->bucket, row);
	return 0;
}

/* Adds what a half folded into r's buckets. */
static void
half_add(struct dayreduce *r, const struct bucket *from)
{
	size_t j, n = r->n_cols * r->n_buckets;
	struct bucket *b;

	for (j = 0; j < n; j++) {
		if (from[j].n == 0)
			continue;
		b = &r->bucket[j];
		if (b->n == 0 || from[j].min < b->min)
			b->min = from[j].min;
		if (b->n == 0 || from[j].max > b->max)
			b->max = from[j].max;
		b->sum += from[j].sum;
		b->n += from[j].n;
	}
}

/*
 * Below this a file is read on one thread: a thread costs ~0.1 ms, the
 * read of a 1 MiB day ~3 ms.
 */
#define SPLIT_MIN (1024 * 1024)

/* Whether to read the file on fd in two halves. */
static bool
want_halves(const struct dayreduce *r, int fd)
{
	cpu_set_t cpus;
	struct stat st;

	if (r->threads == 1)
		return false;
	if (r->threads >= 2)
		return true;
	if (fstat(fd, &st) == -1 || st.st_size < SPLIT_MIN)
		return false;
	/* The CPUs this process may run on, not those of the host. */
	return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	       CPU_COUNT(&cpus) >= 2;
}

/*
 * The halves are folded apart and added to r only when both were read
 * whole, so a failure leaves r as it was but for the header's new
 * interfaces, which the single read that follows adds anyway.
 */
static int
read_halves(struct dayreduce *r, int fd, const char *name,
    struct dayreader_stats *stats, struct errmsg *err)
{
	struct half a = {r, NULL, NULL}, b = {r, NULL, NULL};
	struct dayreader_consumer first = {on_half_header, on_half_row, &a};
	struct dayreader_consumer second = {NULL, on_half_row, &b};
	int rc;

	a.other = &b;
	b.other = &a;
	r->map_len = 0;
	rc = dayreader_read_halves(fd, name, &first, &second, stats, err);
	if (rc == 0) {
		half_add(r, a.bucket);
		half_add(r, b.bucket);
	}
	free(a.bucket);
	free(b.bucket);
	return rc;
}

int
dayreduce_read(struct dayreduce *r, int fd, const char *name,
    struct dayreader_stats *stats, struct errmsg *err)
{
	struct dayreader_consumer consumer = {on_header, on_row, r};

	if (want_halves(r, fd) && read_halves(r, fd, name, stats, err) == 0)
		return 0;
	r->map_len = 0;
	return dayreader_read(fd, name, &consumer, stats, err);
}

void
dayreduce_set_threads(struct dayreduce *r, unsigned threads)
{
	r->threads = threads;
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
