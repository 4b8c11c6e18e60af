/* dayreader.h - one streaming pass over a day file, rows to a consumer */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYREADER_H
#define RESMON_DAYREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct errmsg;

/* Cell indexes of a row; interface i owns DAYCOL_RX(i) and DAYCOL_TX(i). */
enum daycol {
	DAYCOL_TIME,
	DAYCOL_CPU,
	DAYCOL_MEM_TOTAL,
	DAYCOL_MEM_FREE,
	DAYCOL_MEM_AVAILABLE,
	DAYCOL_FIXED /* number of columns before the interfaces */
};
#define DAYCOL_RX(i) (DAYCOL_FIXED + 2 * (i))
#define DAYCOL_TX(i) (DAYCOL_FIXED + 2 * (i) + 1)
#define DAYCOL_COUNT(n_ifaces) (DAYCOL_FIXED + 2 * (n_ifaces))

/* The header's fixed column names, in order (time, cpu_percent, ...). */
extern const char *const daycol_fixed_names[DAYCOL_FIXED];

struct dayheader {
	size_t n_ifaces;
	char **ifaces; /* names in column order, owned by the reader */
};

/* One data row, valid only during the callback. */
struct dayrow {
	long lineno;    /* 1-based line in the file, the header line 1; 0 when
	                   not known (dayreader_read_halves) */
	time_t t;       /* the instant of the time cell */
	int utcoff_s;   /* its offset from UTC */
	size_t n_cells; /* DAYCOL_COUNT(header's n_ifaces) */
	const double
	    *value; /* per cell; NAN for an empty cell; [DAYCOL_TIME] = t */
	const char *const *cell; /* raw text per cell, NUL-terminated */
	const size_t *cell_len;
};

/*
 * What to do with what is read. Either callback may be NULL. A callback
 * returns 0, or -1 with err set to stop the read with that error.
 */
struct dayreader_consumer {
	int (*header)(void *ctx, const struct dayheader *h, struct errmsg *err);
	int (*row)(void *ctx, const struct dayrow *row, struct errmsg *err);
	void *ctx;
};

/* What a read found, filled also when it fails part way. */
struct dayreader_stats {
	bool has_header; /* false for an empty file or a torn first line */
	long rows;       /* rows handed to the consumer */
	off_t valid_end; /* bytes up to the end of the last good line */
	bool torn_tail; /* a last line lacking '\n' or with the wrong cell count
	                 */
	time_t first_t, last_t; /* of the rows handed over; 0 when none */
	int last_utcoff_s;
};

/*
 * Reads the day file open on fd from offset 0 up to the size it has now
 * (a file still being appended to is read as of this moment), in one
 * pass with libcsv, holding one row at a time. name is used in messages
 * ("telemetry/2026-11-27.csv"). Tolerates empty cells, gaps and a torn
 * or short last line (left out, reported in stats); refuses anything else
 * that is wrong with -1 and err set: EINVAL "NAME:LINE: problem" for a
 * bad header, a line with the wrong cell count before the last, a bad
 * time or number, a time not after the previous row's, a line over
 * 1 MiB (no day file has one); an errno value for a failed read; or
 * whatever a callback set. stats may be NULL.
 */
int dayreader_read(int fd, const char *name,
    const struct dayreader_consumer *consumer, struct dayreader_stats *stats,
    struct errmsg *err);

/*
 * Reads as dayreader_read does, with the rows in two halves read at once
 * on two threads (~2x faster on 2 CPUs): the header goes to first's
 * header callback, in this thread; then the file is cut after the first
 * '\n' past the middle of its rows, and the rows before the cut go to
 * first's row callback in this thread while those after go to second's
 * on another, with lineno 0. So the two must share no state but what the
 * header callback set. Returns 0 with stats (may be NULL) as
 * dayreader_read fills them, or -1 with err set when the halves could not
 * be read apart: no header or no line to cut at, no thread, a quote open
 * over the cut, a time not after the one before the cut, or any error
 * dayreader_read gives, maybe with a wrong line. The consumers then
 * hold some rows, not in file order: the caller forgets what they
 * gathered and calls dayreader_read, which reads it all or names the
 * problem exactly.
 */
int dayreader_read_halves(int fd, const char *name,
    const struct dayreader_consumer *first,
    const struct dayreader_consumer *second, struct dayreader_stats *stats,
    struct errmsg *err);

/*
 * Whether s[0..len) is a valid interface name: 1-15 bytes, no '/', ':',
 * blank or NUL.
 */
bool dayreader_iface_name_ok(const char *s, size_t len);

#endif
