/* dayreader_int.h - private to dayreader and daytail: a line's cells and
 * the checks a header and a row pass */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYREADER_INT_H
#define RESMON_DAYREADER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct csv_parser;
struct dayheader;
struct errmsg;

/*
 * The longest line taken: a header of some 19,000 interfaces. Without a
 * bound, a file of one endless line (or one open quote) would be held
 * whole, which a reader serving HTTP must not do.
 */
#define DAYLINE_MAX (1024 * 1024)

/* The record libcsv is handing over: its cells packed, each NUL-ended. */
struct dayrecord {
	char *text;
	size_t text_len, text_cap;
	size_t *off, *len;
	size_t n_cells, cells_cap;
	bool ended; /* the record's end was seen */
	bool open;  /* libcsv is inside a quoted cell of it */
};

/*
 * Where a line is, for messages: "NAME:LINE", or, when the line number
 * is unknown because the file was read from its end, "NAME: line at
 * byte OFFSET".
 */
struct dayloc {
	const char *name;
	long lineno;  /* 1-based; 0 when unknown */
	off_t offset; /* of the line's first byte, used when lineno is 0 */
};

/* Longest text dayloc_suffix() writes, NUL included. */
#define DAYLOC_LEN 48

/* Writes what follows NAME in a message (":12", ": line at byte 9") into
 * buf and returns buf. Cannot fail. */
const char *dayloc_suffix(const struct dayloc *loc, char buf[DAYLOC_LEN]);

/*
 * Feeds one physical line s[0..len), its '\n' included, to csv, whose
 * cells go to rec; rec->ended tells whether the record ended with it (a
 * quoted line break continues it). Refuses a '\r' or a blank anywhere in
 * the line first: no cell of a day file holds one. A line that starts a
 * record and holds no quote is cut by hand, with the cells libcsv would
 * give. Returns 0, or -1 with err set: EINVAL "NAME:LINE: problem", or
 * ENOMEM from libcsv.
 */
int dayrecord_feed(struct csv_parser *csv, struct dayrecord *rec, const char *s,
    size_t len, const struct dayloc *loc, struct errmsg *err);

/* The same with every line through libcsv, the parser of record: tests. */
int dayrecord_feed_csv(struct csv_parser *csv, struct dayrecord *rec,
    const char *s, size_t len, const struct dayloc *loc, struct errmsg *err);

/* Forgets the cells, keeping the memory for the next record. */
void dayrecord_clear(struct dayrecord *rec);

/* Frees what rec holds and zeroes it. */
void dayrecord_free(struct dayrecord *rec);

/* Cell i's text, NUL-terminated, owned by rec. */
const char *dayrecord_cell(const struct dayrecord *rec, size_t i);

/*
 * Checks the record (line 1 of name) is a day file header and fills hdr
 * with its interface names, which the caller frees with
 * dayheader_free(). Returns 0, or -1 with err EINVAL "NAME:1: problem"
 * and hdr untouched.
 */
int dayheader_parse(const struct dayrecord *rec, const char *name,
    struct dayheader *hdr, struct errmsg *err);

/* Frees the names hdr holds and zeroes it. */
void dayheader_free(struct dayheader *hdr);

/*
 * Parses a row of DAYCOL_COUNT(hdr->n_ifaces) cells (the caller checked
 * the count): cell[i] gets each cell's text, value[i] its number (NAN
 * when empty; the instant for the time cell), *t and *utcoff_s the time.
 * Returns 0, or -1 with err EINVAL "NAME:LINE: bad COLUMN \"text\"".
 */
int dayrow_parse(const struct dayrecord *rec, const struct dayheader *hdr,
    const struct dayloc *loc, const char **cell, double *value, time_t *t,
    int *utcoff_s, struct errmsg *err);

/*
 * Copies s[0..len) into out for a message: cut short after 40 bytes with
 * "...", control bytes as '?'. Returns out.
 */
#define DAYSHOW_LEN (40 + 4)
const char *dayshow(const char *s, size_t len, char out[DAYSHOW_LEN]);

#endif
