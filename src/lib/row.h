/* row.h - one sampled row on its way to a day file, and its interface set */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_ROW_H
#define RESMON_ROW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "netdev.h"
#include "timestamp.h"

/*
 * The interfaces a day records, in order of first appearance. Rows of a
 * day share it; it only grows, so a row made when it had n names stays
 * valid as it grows. Reference counted because rows waiting in the
 * backlog can outlive the recorder's move to the next day.
 */
struct colset {
	unsigned refs;
	struct daydate date;
	size_t n, cap;
	char (*names)[IFACE_NAME_MAX + 1];
	unsigned long ignored; /* interfaces left out by max_ifaces */
};

/* Returns a colset with one reference; release with colset_unref(). */
struct colset *colset_new(const struct daydate *date);
struct colset *colset_ref(struct colset *cs);
/* Drops a reference, freeing at the last; NULL does nothing. */
void colset_unref(struct colset *cs);
/* Index of name, or -1. hint is tried first (rows usually keep order). */
long colset_find(const struct colset *cs, const char *name, size_t hint);
/* Appends name (at most IFACE_NAME_MAX bytes) and returns its index. */
size_t colset_add(struct colset *cs, const char *name);

#define ROW_EMPTY (-1) /* a cell with no value */

struct row_net {
	int64_t rx_bps, tx_bps; /* ROW_EMPTY when unknown */
};

/* One row; net[i] belongs to cols->names[i]. */
struct row {
	time_t t;            /* end of the interval, a multiple of it */
	struct daydate date; /* local date of t: the file it goes to */
	int cpu_centi;       /* busy share in 1/100 %, or ROW_EMPTY */
	int64_t mem_total_kib, mem_free_kib, mem_available_kib;
	struct colset *cols; /* one reference held by the row */
	size_t n_net;
	struct row_net net[];
};

/* A row for the first n names of cols, all cells empty, to row_free(). */
struct row *row_new(struct colset *cols, size_t n);
void row_free(struct row *row);
/* Returns a copy of row (sharing its colset) to row_free(). */
struct row *row_dup(const struct row *row);

#endif
