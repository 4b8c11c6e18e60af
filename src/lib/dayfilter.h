/* dayfilter.h - a day file narrowed to a time range and some interfaces */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYFILTER_H
#define RESMON_DAYFILTER_H

#include <time.h>

struct errmsg;
struct dayreader_stats;

/*
 * What GET /api/v1/days/{date}.csv?from=&to=&iface= serves: a day file in
 * the same format (SPEC §2) holding the rows with from <= time < to and,
 * after the five fixed columns, the chosen interfaces' columns in the
 * file's order. Cells are copied as written, never reformatted.
 */
struct dayfilter;

/* Returns a filter keeping every row and interface; free with dayfilter_free().
 */
struct dayfilter *dayfilter_new(void);

/* Frees f; NULL does nothing. */
void dayfilter_free(struct dayfilter *f);

/* Keeps only rows with from <= time < to; to <= from keeps none. */
void dayfilter_set_range(struct dayfilter *f, time_t from, time_t to);

/*
 * Keeps the interface named name (copied), exactly; the first call drops
 * every interface not added. Adding a name twice keeps it once. Returns
 * 0, or -1 with err EINVAL for a name that is no interface name.
 */
int dayfilter_add_iface(struct dayfilter *f, const char *name,
    struct errmsg *err);

/*
 * Reads the day file open on in_fd in one pass (dayreader_read; in_name
 * for messages) and writes the narrowed file to out_fd (out_name for
 * messages): the header, then whole rows, several per write(2) from a
 * 64 KiB buffer. An input without a header gives an empty output. A torn
 * last line is left out, as readers do. Returns 0, or -1 with err set:
 * ENOENT "IN_NAME: no interface \"x\"" before anything is written, what
 * dayreader_read sets, or an errno value from write(2). After a failure
 * out_fd holds a prefix of whole lines at most: write to a temporary
 * file and rename it when this returns 0. stats may be NULL.
 */
int dayfilter_write(struct dayfilter *f, int in_fd, const char *in_name,
    int out_fd, const char *out_name, struct dayreader_stats *stats,
    struct errmsg *err);

/* Rows the last dayfilter_write() wrote. Cannot fail. */
long dayfilter_rows_written(const struct dayfilter *f);

#endif
