/* daycheck.c - strict day file validator for crash tests, not the reader */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "timestamp.h"

/*
 * The recorder's own reader forgives a torn last line; a crash test
 * needs the opposite: after kill -9 every byte on disk must already be
 * a whole, valid row (SPEC §2). So this is a second, deliberately
 * separate implementation: a hand loop over lines with its own CSV
 * splitting and header rules, and stricter than the reader where the
 * writer's format is exact (cpu_percent "%.2f", no leading zeros, no
 * quoted numbers). It shares only timestamp_parse and parse_uint_n.
 *
 * daycheck FILE...: exit 0 when every file is valid; otherwise the
 * first problem of each bad file as "FILE:LINE: problem" on stderr and
 * exit 1, also for a file that cannot be read; 2 for bad usage.
 */

#define FIXED_COLS 5
#define IFACE_NAME_MAX 15

static const char *const fixed_names[FIXED_COLS] = {
    "time",
    "cpu_percent",
    "mem_total_kib",
    "mem_free_kib",
    "mem_available_kib",
};

struct cells {
	size_t n, cap;
	size_t *off, *len;
	char *text; /* unquoted contents, NUL after each */
	size_t text_cap;
	bool *quoted;
};

struct check {
	const char *path;
	long lineno;
	size_t n_cols;
	char **ifaces;
	size_t n_ifaces;
	bool has_prev, has_date;
	time_t prev_t;
	char prev_time[TIMESTAMP_LEN + 1];
	char date[DAYDATE_LEN + 1]; /* from the file name, when it is one */
};

static void problem(const struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(const struct check *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%ld: ", c->path, c->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *
must(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "daycheck: out of memory\n");
		exit(2);
	}
	return p;
}

/*
 * Splits one line (without its '\n') into cells, RFC 4180: a quoted
 * cell may hold ',' and '""'. Returns NULL, or what is wrong.
 */
static const char *
split(const char *s, size_t len, struct cells *cl)
{
	size_t i = 0, t = 0;
	bool q;

	if (cl->text_cap < len + 1) {
		cl->text_cap = len + 1;
		cl->text = must(realloc(cl->text, cl->text_cap));
	}
	cl->n = 0;
	for (;;) {
		if (cl->n == cl->cap) {
			cl->cap = cl->cap ? 2 * cl->cap : 32;
			cl->off =
			    must(realloc(cl->off, cl->cap * sizeof(size_t)));
			cl->len =
			    must(realloc(cl->len, cl->cap * sizeof(size_t)));
			cl->quoted =
			    must(realloc(cl->quoted, cl->cap * sizeof(bool)));
		}
		cl->off[cl->n] = t;
		q = i < len && s[i] == '"';
		cl->quoted[cl->n] = q;
		if (q) {
			for (i++;; i++) {
				if (i == len)
					return "quote not closed";
				if (s[i] == '"' && i + 1 < len &&
				    s[i + 1] == '"')
					cl->text[t++] = s[i++];
				else if (s[i] == '"')
					break;
				else
					cl->text[t++] = s[i];
			}
			i++;
			if (i < len && s[i] != ',')
				return "text after a closing quote";
		} else {
			for (; i < len && s[i] != ','; i++) {
				if (s[i] == '"')
					return "quote inside an unquoted cell";
				cl->text[t++] = s[i];
			}
		}
		cl->len[cl->n] = t - cl->off[cl->n];
		cl->text[t++] = '\0';
		cl->n++;
		if (i == len)
			return NULL;
		i++; /* the ',' */
	}
}

static const char *
cell(const struct cells *cl, size_t i)
{
	return cl->text + cl->off[i];
}

static bool
iface_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > IFACE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (strchr("/: \t\n\v\f\r", s[i]) != NULL || s[i] == '\0')
			return false;
	return true;
}

static bool
header_ok(struct check *c, const struct cells *cl)
{
	size_t i, j, nlen;
	const char *name;

	if (cl->n < FIXED_COLS) {
		problem(c, "header has %zu columns, expected at least %d",
		    cl->n, FIXED_COLS);
		return false;
	}
	for (i = 0; i < FIXED_COLS; i++) {
		if (strcmp(cell(cl, i), fixed_names[i]) != 0 ||
		    cl->len[i] != strlen(fixed_names[i])) {
			problem(c, "column %zu is \"%s\", expected \"%s\"",
			    i + 1, cell(cl, i), fixed_names[i]);
			return false;
		}
	}
	if ((cl->n - FIXED_COLS) % 2 != 0) {
		problem(c, "%zu columns: interface columns come in pairs",
		    cl->n);
		return false;
	}
	c->n_ifaces = (cl->n - FIXED_COLS) / 2;
	c->ifaces = must(calloc(c->n_ifaces + 1, sizeof(char *)));
	for (i = 0; i < c->n_ifaces; i++) {
		const char *rx = cell(cl, FIXED_COLS + 2 * i);
		const char *tx = cell(cl, FIXED_COLS + 2 * i + 1);

		if (strncmp(rx, "net_rx_bps:", 11) != 0) {
			problem(c, "column %zu is \"%s\", expected net_rx_bps:",
			    FIXED_COLS + 2 * i + 1, rx);
			return false;
		}
		name = rx + 11;
		nlen = cl->len[FIXED_COLS + 2 * i] - 11;
		if (!iface_name_ok(name, nlen)) {
			problem(c, "bad interface name \"%s\"", name);
			return false;
		}
		if (strncmp(tx, "net_tx_bps:", 11) != 0 ||
		    cl->len[FIXED_COLS + 2 * i + 1] != nlen + 11 ||
		    memcmp(tx + 11, name, nlen) != 0) {
			problem(c,
			    "column %zu is \"%s\", expected "
			    "\"net_tx_bps:%s\"",
			    FIXED_COLS + 2 * i + 2, tx, name);
			return false;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(c->ifaces[j], name) == 0) {
				problem(c, "interface \"%s\" appears twice",
				    name);
				return false;
			}
		}
		c->ifaces[i] = must(strdup(name));
	}
	c->n_cols = cl->n;
	return true;
}

/* "0" or a digit 1-9 then digits: how %llu prints. */
static bool
plain_uint(const char *s, size_t len)
{
	uint64_t v;

	if (len > 1 && s[0] == '0')
		return false;
	return parse_uint_n(s, len, 0, UINT64_MAX, &v) == 0;
}

/* Exactly what "%.2f" prints for 0-100. */
static bool
cpu_ok(const char *s, size_t len)
{
	uint64_t ip, fp;

	if (len < 4 || s[len - 3] != '.' || !plain_uint(s, len - 3) ||
	    parse_uint_n(s, len - 3, 0, 100, &ip) == -1 ||
	    parse_uint_n(s + len - 2, 2, 0, 99, &fp) == -1)
		return false;
	return ip < 100 || fp == 0;
}

static bool
row_ok(struct check *c, const struct cells *cl)
{
	size_t i;
	time_t t;
	const char *col;

	if (cl->n != c->n_cols) {
		problem(c, "%zu cells, header has %zu", cl->n, c->n_cols);
		return false;
	}
	/* The writer quotes no number: none needs it. */
	for (i = 0; i < cl->n; i++) {
		if (cl->quoted[i]) {
			problem(c, "cell %zu is quoted", i + 1);
			return false;
		}
	}
	if (timestamp_parse(cell(cl, 0), cl->len[0], &t, NULL) == -1) {
		problem(c, "bad time \"%s\"", cell(cl, 0));
		return false;
	}
	if (c->has_prev && t <= c->prev_t) {
		problem(c, "time %s is not after the previous row's %s",
		    cell(cl, 0), c->prev_time);
		return false;
	}
	/* The date part of a local time is the local date: its file's. */
	if (c->has_date && memcmp(cell(cl, 0), c->date, DAYDATE_LEN) != 0) {
		problem(c, "time %s is not on %s", cell(cl, 0), c->date);
		return false;
	}
	c->has_prev = true;
	c->prev_t = t;
	memcpy(c->prev_time, cell(cl, 0), TIMESTAMP_LEN + 1);
	if (!cpu_ok(cell(cl, 1), cl->len[1])) {
		problem(c, "cpu_percent \"%s\" is not %%.2f in 0-100",
		    cell(cl, 1));
		return false;
	}
	for (i = 2; i < cl->n; i++) {
		if (cl->len[i] == 0 || plain_uint(cell(cl, i), cl->len[i]))
			continue;
		col = i < FIXED_COLS ? fixed_names[i]
		                     : c->ifaces[(i - FIXED_COLS) / 2];
		problem(c, "%s%s \"%s\" is not empty or an integer",
		    i < FIXED_COLS              ? ""
		    : (i - FIXED_COLS) % 2 == 0 ? "net_rx_bps:"
		                                : "net_tx_bps:",
		    col, cell(cl, i));
		return false;
	}
	return true;
}

/* Takes the day from a file named YYYY-MM-DD.csv. */
static void
date_from_name(struct check *c)
{
	const char *base = strrchr(c->path, '/');
	struct daydate d;

	base = base != NULL ? base + 1 : c->path;
	if (strlen(base) == DAYDATE_LEN + 4 &&
	    strcmp(base + DAYDATE_LEN, ".csv") == 0 &&
	    daydate_parse(base, DAYDATE_LEN, &d) == 0) {
		memcpy(c->date, base, DAYDATE_LEN);
		c->date[DAYDATE_LEN] = '\0';
		c->has_date = true;
	}
}

/* Returns 0 valid, or 1 invalid or unreadable, having said why. */
static int
check_file(const char *path, struct cells *cl)
{
	struct check c;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;
	const char *why;
	int rc = 0;
	FILE *f;

	memset(&c, 0, sizeof(c));
	c.path = path;
	date_from_name(&c);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "daycheck: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		c.lineno++;
		if (line[len - 1] != '\n') {
			problem(&c, "last line lacks \\n");
			rc = 1;
			break;
		}
		len--;
		if (len > 0 && line[len - 1] == '\r') {
			problem(&c, "line ends in \\r\\n");
			rc = 1;
		} else if (memchr(line, '\0', (size_t)len) != NULL) {
			problem(&c, "NUL byte in line");
			rc = 1;
		} else if ((why = split(line, (size_t)len, cl)) != NULL) {
			problem(&c, "%s", why);
			rc = 1;
		} else if (c.lineno == 1 ? !header_ok(&c, cl)
		                         : !row_ok(&c, cl)) {
			rc = 1;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "daycheck: %s: %s\n", path, strerror(errno));
		rc = 1;
	} else if (rc == 0 && c.lineno == 0) {
		c.lineno = 1;
		problem(&c, "no header: empty file");
		rc = 1;
	}
	(void)fclose(f);
	free(line);
	for (i = 0; i < c.n_ifaces; i++)
		free(c.ifaces[i]);
	free(c.ifaces);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cells cl;
	int i, bad = 0;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: daycheck FILE...\n");
		return 2;
	}
	memset(&cl, 0, sizeof(cl));
	for (i = 1; i < argc; i++)
		bad |= check_file(argv[i], &cl);
	free(cl.off);
	free(cl.len);
	free(cl.quoted);
	free(cl.text);
	return bad;
}
