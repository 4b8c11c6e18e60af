/* dayrecord.c - cut one physical line of a day file into a record's cells */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <csv.h>

#include "dayreader_int.h"
#include "errmsg.h"
#include "xalloc.h"

static void
on_cell(void *data, size_t len, void *ctx)
{
	struct dayrecord *rec = ctx;
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
	((struct dayrecord *)ctx)->ended = true;
}

void
dayrecord_clear(struct dayrecord *rec)
{
	rec->text_len = 0;
	rec->n_cells = 0;
	rec->ended = false;
	rec->open = false;
}

void
dayrecord_free(struct dayrecord *rec)
{
	free(rec->text);
	free(rec->off);
	free(rec->len);
	memset(rec, 0, sizeof(*rec));
}

const char *
dayrecord_cell(const struct dayrecord *rec, size_t i)
{
	return rec->text + rec->off[i];
}

/*
 * No cell of a day file holds a blank or a '\r' (names refuse white space,
 * the rest are numbers and times), so a line with one is refused whole,
 * before libcsv would trim the blanks off a cell or end a record at the
 * '\r'. Its is_space/is_term hooks would do the same from inside, but
 * cost an indirect call per byte: ~25 ms a 10 MB day against ~1 ms here.
 */
static int
line_check(const char *s, size_t len, const struct dayloc *loc,
    struct errmsg *err)
{
	char at[DAYLOC_LEN];

	if (memchr(s, '\r', len) != NULL)
		return ERRMSG_SET(err, EINVAL,
		    "%s%s: carriage return in line: lines end in \\n only",
		    loc->name, dayloc_suffix(loc, at));
	if (memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL)
		return ERRMSG_SET(err, EINVAL,
		    "%s%s: blank in line: cells hold no spaces or tabs",
		    loc->name, dayloc_suffix(loc, at));
	return 0;
}

static int
feed_csv(struct csv_parser *csv, struct dayrecord *rec, const char *s,
    size_t len, const struct dayloc *loc, struct errmsg *err)
{
	char at[DAYLOC_LEN];
	size_t n = csv_parse(csv, s, len, on_cell, on_row, rec);

	/* Every line ends in '\n': unended, the record is inside quotes. */
	rec->open = !rec->ended;
	if (n == len)
		return 0;
	if (csv_error(csv) == CSV_EPARSE)
		return ERRMSG_SET(err, EINVAL,
		    "%s%s: bad quoting: a quote inside an unquoted cell or "
		    "after a closing one",
		    loc->name, dayloc_suffix(loc, at));
	return ERRMSG_SET(err, ENOMEM, "%s%s: %s", loc->name,
	    dayloc_suffix(loc, at), csv_strerror(csv_error(csv)));
}

/*
 * Cuts s[0..len), which ends in its only '\n' and holds no quote, blank
 * or '\r', into cells at each ',', as on_cell and on_row would get them:
 * the bytes between commas, NULs included; no cell for an empty line.
 */
static void
cut_by_hand(struct dayrecord *rec, const char *s, size_t len)
{
	const char *end = s + len - 1, *comma;
	size_t cap, need = len; /* the line's bytes, each ',' and '\n' a NUL */
	char *t;

	if (need > rec->text_cap - rec->text_len) {
		cap = rec->text_cap ? 2 * rec->text_cap : 256;
		while (cap - rec->text_len < need)
			cap *= 2;
		rec->text = xreallocarray(rec->text, cap, 1);
		rec->text_cap = cap;
	}
	rec->ended = true;
	if (len == 1)
		return;
	t = rec->text + rec->text_len;
	for (;;) {
		comma = memchr(s, ',', (size_t)(end - s));
		if (comma == NULL)
			comma = end;
		if (rec->n_cells == rec->cells_cap) {
			cap = rec->cells_cap ? 2 * rec->cells_cap : 16;
			rec->off =
			    xreallocarray(rec->off, cap, sizeof(*rec->off));
			rec->len =
			    xreallocarray(rec->len, cap, sizeof(*rec->len));
			rec->cells_cap = cap;
		}
		rec->off[rec->n_cells] = rec->text_len;
		rec->len[rec->n_cells] = (size_t)(comma - s);
		rec->n_cells++;
		memcpy(t, s, (size_t)(comma - s));
		t += comma - s;
		*t++ = '\0';
		rec->text_len += (size_t)(comma - s) + 1;
		if (comma == end)
			return;
		s = comma + 1;
	}
}

/*
 * libcsv walks a line a byte at a time through a state machine with a
 * callback per cell: ~4x the cost of cutting by hand, which gives the
 * same cells wherever it is used. A line that starts a record and holds
 * no quote can only be plain cells between commas (blanks and '\r' are
 * refused), and leaves libcsv at the start of a record as it found it.
 * Any other line, and every line of a record a quote keeps open, goes to
 * libcsv: it stays the parser of record. test_dayrecord compares both.
 */
int
dayrecord_feed(struct csv_parser *csv, struct dayrecord *rec, const char *s,
    size_t len, const struct dayloc *loc, struct errmsg *err)
{
	if (line_check(s, len, loc, err) == -1)
		return -1;
	if (!rec->open && len > 0 && s[len - 1] == '\n' &&
	    memchr(s, '"', len) == NULL) {
		cut_by_hand(rec, s, len);
		return 0;
	}
	return feed_csv(csv, rec, s, len, loc, err);
}

int
dayrecord_feed_csv(struct csv_parser *csv, struct dayrecord *rec, const char *s,
    size_t len, const struct dayloc *loc, struct errmsg *err)
{
	if (line_check(s, len, loc, err) == -1)
		return -1;
	return feed_csv(csv, rec, s, len, loc, err);
}
