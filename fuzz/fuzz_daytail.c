/* fuzz_daytail.c - libFuzzer target: the last row of a day file,
 * daytail_read() on a memfd, checked against dayreader_read() */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daytail.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dayreader.h"
#include "errmsg.h"
#include "fuzzutil.h"
#include "timestamp.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The last row one full pass saw, its cells joined by NULs. */
struct last {
	size_t n_ifaces;
	long rows;
	char *cells;
	size_t cells_len;
};

static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	(void)err;
	((struct last *)ctx)->n_ifaces = h->n_ifaces;
	return 0;
}

/* Cells joined, each followed by its NUL; the caller frees. */
static char *
join_cells(const struct dayrow *row, size_t *len)
{
	size_t i, n = 0;
	char *buf;

	for (i = 0; i < row->n_cells; i++)
		n += row->cell_len[i] + 1;
	buf = xmalloc(n + 1);
	n = 0;
	for (i = 0; i < row->n_cells; i++) {
		memcpy(buf + n, row->cell[i], row->cell_len[i] + 1);
		n += row->cell_len[i] + 1;
	}
	*len = n;
	return buf;
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct last *l = ctx;

	(void)err;
	free(l->cells);
	l->cells = join_cells(row, &l->cells_len);
	l->rows++;
	return 0;
}

/* What daytail found is well formed, every cell touched. */
static void
check_tail(const struct daytail *dt, size_t size)
{
	const struct dayheader *h = daytail_header(dt);
	const struct dayrow *row = daytail_row(dt);
	size_t i;

	if (h == NULL) {
		FUZZ_CHECK(row == NULL && daytail_row_offset(dt) == -1);
		return;
	}
	for (i = 0; i < h->n_ifaces; i++)
		FUZZ_CHECK(dayreader_iface_name_ok(h->ifaces[i],
		    strlen(h->ifaces[i])));
	if (row == NULL) {
		FUZZ_CHECK(daytail_row_offset(dt) == -1);
		return;
	}
	FUZZ_CHECK(daytail_row_offset(dt) > 0 &&
	           (size_t)daytail_row_offset(dt) < size);
	FUZZ_CHECK(row->n_cells == DAYCOL_COUNT(h->n_ifaces));
	FUZZ_CHECK(row->lineno == 0);
	FUZZ_CHECK(row->cell_len[DAYCOL_TIME] == TIMESTAMP_LEN);
	FUZZ_CHECK(row->value[DAYCOL_TIME] == (double)row->t);
	for (i = 0; i < row->n_cells; i++) {
		FUZZ_CHECK(strlen(row->cell[i]) == row->cell_len[i]);
		if (i != DAYCOL_TIME)
			FUZZ_CHECK(
			    isnan(row->value[i]) == (row->cell_len[i] == 0));
	}
}

/*
 * Where one full pass reads the file and what follows its last good line
 * holds no quote (a quote can open a record that swallows later lines,
 * which the tail, read backwards, cannot know), the tail reads it too
 * and finds the same header and last row.
 */
static void
check_against_reader(const uint8_t *data, size_t size, int fd,
    const struct daytail *dt, int tail_rc)
{
	struct dayreader_consumer c = {on_header, on_row, NULL};
	const struct dayrow *row = daytail_row(dt);
	struct dayreader_stats st;
	struct last l = {0, 0, NULL, 0};
	struct errmsg err;
	size_t len;
	char *cells;

	c.ctx = &l;
	if (dayreader_read(fd, "fuzz.csv", &c, &st, &err) == -1 ||
	    memchr(data + st.valid_end, '"', size - (size_t)st.valid_end) !=
	        NULL) {
		free(l.cells);
		return;
	}
	FUZZ_CHECK(tail_rc == 0);
	FUZZ_CHECK((daytail_header(dt) != NULL) == st.has_header);
	if (st.has_header)
		FUZZ_CHECK(daytail_header(dt)->n_ifaces == l.n_ifaces);
	FUZZ_CHECK((row != NULL) == (st.rows > 0));
	if (row != NULL) {
		FUZZ_CHECK(
		    row->t == st.last_t && row->utcoff_s == st.last_utcoff_s);
		cells = join_cells(row, &len);
		FUZZ_CHECK(
		    len == l.cells_len && memcmp(cells, l.cells, len) == 0);
		free(cells);
	}
	free(l.cells);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daytail *dt = daytail_new();
	struct errmsg err;
	off_t offset;
	time_t t;
	int fd, rc;

	fd = fuzz_memfd(data, size);
	rc = daytail_read(dt, fd, "fuzz.csv", &err);
	if (rc == 0) {
		check_tail(dt, size);
		check_against_reader(data, size, fd, dt, rc);
		/* Read again into the same reader: the same answer. */
		offset = daytail_row_offset(dt);
		t = daytail_row(dt) != NULL ? daytail_row(dt)->t : 0;
		FUZZ_CHECK(daytail_read(dt, fd, "fuzz.csv", &err) == 0);
		FUZZ_CHECK(daytail_row_offset(dt) == offset);
		FUZZ_CHECK(daytail_row(dt) == NULL || daytail_row(dt)->t == t);
	} else {
		FUZZ_CHECK(err.code == EINVAL);
		FUZZ_CHECK(strncmp(err.msg, "fuzz.csv", 8) == 0);
		FUZZ_CHECK(
		    daytail_header(dt) == NULL && daytail_row(dt) == NULL);
		check_against_reader(data, size, fd, dt, rc);
	}
	daytail_free(dt);
	return 0;
}
