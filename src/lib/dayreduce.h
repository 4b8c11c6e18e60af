/* dayreduce.h - min, max and mean per time bucket, for plots and /series */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYREDUCE_H
#define RESMON_DAYREDUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct errmsg;
struct dayreader_stats;

/* GET .../series takes points 1-10000 (SPEC §3); a plot has fewer pixels. */
#define DAYREDUCE_MAX_BUCKETS 10000

/*
 * Rows of one or more day files folded into n equal time buckets over
 * [start, end): bucket i covers [dayreduce_bucket_start(i),
 * dayreduce_bucket_start(i + 1)). Columns are numbered as a row's cells
 * (enum daycol, DAYCOL_RX(i), DAYCOL_TX(i)), with i an interface of the
 * reduction: interfaces are kept by name in order of first appearance
 * over the files read, so days with different interfaces share one
 * axis. Memory is 32 bytes per bucket and column, whatever the rows.
 */
struct dayreduce;

/* One bucket of one column. */
struct dayreduce_stat {
	double min, max, mean; /* NAN when n is 0 */
	long n;                /* non-empty cells that fell in the bucket */
};

/*
 * Returns an empty reduction over [start, end) in n_buckets buckets,
 * which the caller frees with dayreduce_free(), or NULL with err EINVAL
 * when end <= start or n_buckets is outside 1-DAYREDUCE_MAX_BUCKETS.
 */
struct dayreduce *dayreduce_new(time_t start, time_t end, size_t n_buckets,
    struct errmsg *err);

/* Frees r; NULL does nothing. */
void dayreduce_free(struct dayreduce *r);

/*
 * Folds in the rows of the day file open on fd whose time is in
 * [start, end), in one pass of dayreader_read, or of
 * dayreader_read_halves as dayreduce_set_threads() says (name is for
 * messages; stats may be NULL). Returns 0, or -1 with err set as
 * dayreader_read sets it; rows before the failure stay folded in.
 */
int dayreduce_read(struct dayreduce *r, int fd, const char *name,
    struct dayreader_stats *stats, struct errmsg *err);

/*
 * How many threads dayreduce_read uses: 0 (the default) two for a file
 * over 1 MiB when this process may run on 2 CPUs or more, else one;
 * 1 always one; 2 two for every file. The buckets come out the same,
 * but for the last bits of the means' sums. Cannot fail.
 */
void dayreduce_set_threads(struct dayreduce *r, unsigned threads);

size_t dayreduce_n_buckets(const struct dayreduce *r);

/* First second of bucket i (i may be n_buckets: the end). Cannot fail. */
time_t dayreduce_bucket_start(const struct dayreduce *r, size_t i);

/* Interfaces seen so far; names are owned by r, valid until it is freed. */
size_t dayreduce_n_ifaces(const struct dayreduce *r);
const char *dayreduce_iface(const struct dayreduce *r, size_t i);

/* Sets *i to the interface named name; returns 0, or -1 when not seen. */
int dayreduce_find_iface(const struct dayreduce *r, const char *name,
    size_t *i);

/*
 * Fills *out for column col (< DAYCOL_COUNT(dayreduce_n_ifaces(r))) of
 * bucket i (< dayreduce_n_buckets(r)). Returns whether the bucket holds
 * a value: false is an empty bucket, a gap, with n 0 and NANs. The time
 * column counts the rows in the bucket, min and max their first and last
 * time. Cannot fail.
 */
bool dayreduce_get(const struct dayreduce *r, size_t col, size_t i,
    struct dayreduce_stat *out);

#endif
