/* fuzz_dayreader.c - libFuzzer target: a day file, dayreader_read() on a
 * memfd, and dayreader_read_halves() checked against it */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayreader.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "errmsg.h"
#include "fuzzutil.h"
#include "timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the consumer saw; one per thread for the halves. */
struct seen {
	size_t *n_ifaces; /* SIZE_MAX before the header; the halves share it */
	long rows, last_lineno;
	time_t first_t, last_t;
	int last_utcoff_s;
	uint64_t sum; /* of every byte of every cell: touches them all */
};

static int
on_header(void *ctx, const struct dayheader *h, struct errmsg *err)
{
	struct seen *s = ctx;
	size_t i, k;

	(void)err;
	FUZZ_CHECK(*s->n_ifaces == SIZE_MAX);
	*s->n_ifaces = h->n_ifaces;
	for (i = 0; i < h->n_ifaces; i++) {
		FUZZ_CHECK(dayreader_iface_name_ok(h->ifaces[i],
		    strlen(h->ifaces[i])));
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(h->ifaces[k], h->ifaces[i]) != 0);
	}
	return 0;
}

static int
on_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct seen *s = ctx;
	size_t i, k;

	(void)err;
	FUZZ_CHECK(row->n_cells == DAYCOL_COUNT(*s->n_ifaces));
	/* Strictly increasing time, within the file and each half. */
	FUZZ_CHECK(s->rows == 0 || row->t > s->last_t);
	FUZZ_CHECK(row->lineno == 0 || row->lineno > s->last_lineno);
	FUZZ_CHECK(row->cell_len[DAYCOL_TIME] == TIMESTAMP_LEN);
	FUZZ_CHECK(row->value[DAYCOL_TIME] == (double)row->t);
	FUZZ_CHECK(row->utcoff_s > -86400 && row->utcoff_s < 86400);
	for (i = 0; i < row->n_cells; i++) {
		/* Every cell, its bytes, its NUL: ASan sees any overrun. */
		FUZZ_CHECK(strlen(row->cell[i]) == row->cell_len[i]);
		for (k = 0; k < row->cell_len[i]; k++)
			s->sum += (unsigned char)row->cell[i][k];
		if (i == DAYCOL_TIME)
			continue;
		FUZZ_CHECK(isnan(row->value[i]) == (row->cell_len[i] == 0));
		FUZZ_CHECK(isnan(row->value[i]) || row->value[i] >= 0);
	}
	FUZZ_CHECK(
	    isnan(row->value[DAYCOL_CPU]) || row->value[DAYCOL_CPU] <= 100.0);
	if (s->rows == 0)
		s->first_t = row->t;
	s->rows++;
	s->last_t = row->t;
	s->last_lineno = row->lineno;
	s->last_utcoff_s = row->utcoff_s;
	return 0;
}

static void
seen_init(struct seen *s, size_t *n_ifaces)
{
	memset(s, 0, sizeof(*s));
	s->n_ifaces = n_ifaces;
	*n_ifaces = SIZE_MAX;
}

static void
check_stats(const struct dayreader_stats *st, const struct seen *s, off_t size)
{
	FUZZ_CHECK(st->rows == s->rows);
	FUZZ_CHECK(st->has_header == (*s->n_ifaces != SIZE_MAX));
	FUZZ_CHECK(st->valid_end >= 0 && st->valid_end <= size);
	FUZZ_CHECK(st->has_header || (st->rows == 0 && st->valid_end == 0));
	FUZZ_CHECK(st->torn_tail || st->valid_end == size);
	if (s->rows > 0)
		FUZZ_CHECK(st->first_t == s->first_t &&
		           st->last_t == s->last_t &&
		           st->last_utcoff_s == s->last_utcoff_s);
}

/*
 * The halves refuse what one pass refuses (whole is NULL then) and, when
 * they can be read apart, give what one pass gave.
 */
static void
check_halves(int fd, const struct dayreader_stats *whole,
    const struct seen *one)
{
	struct dayreader_consumer first = {on_header, on_row, NULL};
	struct dayreader_consumer second = {NULL, on_row, NULL};
	struct dayreader_stats st;
	struct seen a, b;
	struct errmsg err;
	size_t n_ifaces;
	int rc;

	seen_init(&a, &n_ifaces);
	seen_init(&b, &n_ifaces);
	first.ctx = &a;
	second.ctx = &b;
	rc = dayreader_read_halves(fd, "fuzz.csv", &first, &second, &st, &err);
	if (whole == NULL)
		FUZZ_CHECK(rc == -1);
	if (rc == -1)
		return;
	FUZZ_CHECK(n_ifaces == *one->n_ifaces);
	FUZZ_CHECK(a.rows + b.rows == one->rows);
	FUZZ_CHECK(a.sum + b.sum == one->sum);
	FUZZ_CHECK(a.rows == 0 || b.rows == 0 || b.first_t > a.last_t);
	FUZZ_CHECK(st.rows == whole->rows && st.first_t == whole->first_t &&
	           st.last_t == whole->last_t &&
	           st.last_utcoff_s == whole->last_utcoff_s &&
	           st.valid_end == whole->valid_end &&
	           st.torn_tail == whole->torn_tail &&
	           st.has_header == whole->has_header);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dayreader_consumer c = {on_header, on_row, NULL};
	struct dayreader_stats st;
	struct errmsg err;
	struct seen one;
	size_t n_ifaces;
	int fd, rc;

	fd = fuzz_memfd(data, size);
	seen_init(&one, &n_ifaces);
	c.ctx = &one;
	rc = dayreader_read(fd, "fuzz.csv", &c, &st, &err);
	/* Filled also when the read fails part way. */
	FUZZ_CHECK(st.rows == one.rows);
	if (rc == 0) {
		check_stats(&st, &one, (off_t)size);
		check_halves(fd, &st, &one);
	} else {
		FUZZ_CHECK(err.code == EINVAL);
		FUZZ_CHECK(strncmp(err.msg, "fuzz.csv", 8) == 0);
		check_halves(fd, NULL, &one);
	}
	return 0;
}
