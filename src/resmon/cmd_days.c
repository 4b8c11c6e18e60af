/* cmd_days.c - resmon days: the data folder's day files, a table or JSON */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "apijson.h"
#include "conf.h"
#include "daylist.h"
#include "daysummary.h"
#include "errmsg.h"
#include "parse.h"
#include "resmon.h"
#include "units.h"
#include "xalloc.h"

#define DEFAULT_WIDTH 80
/* "HH:MM:SS" of a time cell "YYYY-MM-DDTHH:MM:SS+hh:mm" */
#define CLOCK_OFF 11
#define CLOCK_LEN 8

struct days_opts {
	const char *data_dir;
	bool json;
};

static void
days_usage(FILE *fp)
{
	fprintf(fp, "usage: resmon days [-d DIR] [--json] [-v]\n");
}

/* Returns 0, or the exit status after printing why, or -1 after --help. */
static int
days_parse(int argc, char **argv, struct days_opts *o)
{
	static const struct option longopts[] = {
	    {"data-dir", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "d:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->data_dir = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			days_usage(stdout);
			return -1;
		case 'V':
			printf("resmon %s\n", PACKAGE_VERSION);
			return -1;
		default:
			days_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx_msg("days: unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * $XDG_CACHE_HOME/resmon, else ~/.cache/resmon, made 0700 as the XDG
 * base directory spec asks. Returns a path the caller frees, or NULL
 * with err set: then the listing goes without a cache.
 */
static char *
days_cache_dir(struct errmsg *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base, *dir;

	/* The spec says to ignore a relative XDG_CACHE_HOME. */
	if (xdg != NULL && xdg[0] == '/')
		base = xstrdup(xdg);
	else if (home != NULL && home[0] == '/')
		base = xasprintf("%s/.cache", home);
	else {
		ERRMSG_SET(err, ENOENT,
		    "no XDG_CACHE_HOME or HOME for a cache");
		return NULL;
	}
	dir = xasprintf("%s/resmon", base);
	if ((mkdir(base, 0700) == -1 && errno != EEXIST) ||
	    (mkdir(dir, 0700) == -1 && errno != EEXIST)) {
		ERRMSG_SET(err, errno, "%s: mkdir: %s", dir, strerror(errno));
		free(dir);
		dir = NULL;
	}
	free(base);
	return dir;
}

/* Columns of stdout: the terminal's, else $COLUMNS, else 80. */
static size_t
days_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	uint64_t v;

	if (isatty(STDOUT_FILENO) == 1 &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env != NULL && parse_uint(env, 1, 100000, &v) == 0)
		return (size_t)v;
	return DEFAULT_WIDTH;
}

/*
 * Writes s with every byte but printable ASCII as '?': names and
 * messages come from files, and must not drive the terminal.
 */
static void
put_safe(const char *s, size_t len, FILE *fp)
{
	size_t i;

	for (i = 0; i < len; i++)
		fputc(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', fp);
}

/* Columns of "+N". */
static size_t
more_len(size_t n)
{
	size_t len = 2;

	while (n >= 10) {
		n /= 10;
		len++;
	}
	return len;
}

/*
 * Prints names comma-joined in at most budget columns, else as many as
 * fit before "…+N" (N names left out); "-" for none.
 */
static void
put_ifaces(char *const *names, size_t n, size_t budget, const char *ellipsis,
    FILE *fp)
{
	size_t i, k, used = 0, len, total = n > 0 ? n - 1 : 0;
	size_t ell_cols = strcmp(ellipsis, "...") == 0 ? 3 : 1;

	if (n == 0) {
		fputc('-', fp);
		return;
	}
	for (i = 0; i < n; i++)
		total += strlen(names[i]);
	k = n;
	if (total > budget)
		for (k = 0; k < n; k++) {
			len = used + (k > 0) + strlen(names[k]);
			if (len + ell_cols + more_len(n - k - 1) > budget)
				break;
			used = len;
		}
	for (i = 0; i < k; i++) {
		if (i > 0)
			fputc(',', fp);
		put_safe(names[i], strlen(names[i]), fp);
	}
	if (k < n)
		fprintf(fp, "%s+%zu", ellipsis, n - k);
}

/* "HH:MM:SS" of a time cell, or "-". */
static void
put_clock(const char *time_cell, FILE *fp)
{
	if (time_cell[0] == '\0')
		fprintf(fp, "%-*s", CLOCK_LEN, "-");
	else
		put_safe(time_cell + CLOCK_OFF, CLOCK_LEN, fp);
}

static void
print_table(const struct daylist *l, FILE *fp)
{
	const char *codeset, *ellipsis = "...";
	int size_w = 4, rows_w = 4, n;
	char size[UNITS_LEN], rows[32];
	const struct dayentry *e;
	size_t i, width, prefix;

	if (setlocale(LC_CTYPE, "") != NULL) {
		codeset = nl_langinfo(CODESET);
		if (codeset != NULL && strcmp(codeset, "UTF-8") == 0)
			ellipsis = "\u2026";
	}
	for (i = 0; i < l->n; i++) {
		units_bytes(l->days[i].size < 0 ? 0 : (uint64_t)l->days[i].size,
		    size);
		n = (int)strlen(size);
		size_w = n > size_w ? n : size_w;
		if (l->days[i].summary != NULL) {
			n = snprintf(rows, sizeof(rows), "%ld",
			    l->days[i].summary->rows);
			rows_w = n > rows_w ? n : rows_w;
		}
	}
	fprintf(fp, "%-*s  %*s  %*s  %-*s  %-*s  interfaces\n", DAYDATE_LEN,
	    "date", size_w, "size", rows_w, "rows", CLOCK_LEN, "first",
	    CLOCK_LEN, "last");
	width = days_width();
	prefix = DAYDATE_LEN + 2 + (size_t)size_w + 2 + (size_t)rows_w + 2 +
	         CLOCK_LEN + 2 + CLOCK_LEN + 2;
	for (i = 0; i < l->n; i++) {
		e = &l->days[i];
		units_bytes(e->size < 0 ? 0 : (uint64_t)e->size, size);
		fprintf(fp, "%.*s  %*s  ", DAYDATE_LEN, e->name, size_w, size);
		if (e->summary == NULL) {
			/* Not cut to the width: the reason is the point. */
			fprintf(fp, "%*s  %-*s  %-*s  error: ", rows_w, "-",
			    CLOCK_LEN, "-", CLOCK_LEN, "-");
			put_safe(e->err.msg, strlen(e->err.msg), fp);
			fputc('\n', fp);
			continue;
		}
		fprintf(fp, "%*ld  ", rows_w, e->summary->rows);
		put_clock(e->summary->first_time, fp);
		fputs("  ", fp);
		put_clock(e->summary->last_time, fp);
		fputs("  ", fp);
		put_ifaces(e->summary->ifaces, e->summary->n_ifaces,
		    width > prefix ? width - prefix : 0, ellipsis, fp);
		fputc('\n', fp);
	}
}

static void
print_json(const struct daylist *l, FILE *fp)
{
	struct json_object *o = apijson_daylist(l);

	fputs(json_object_to_json_string_ext(o,
	          JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
	    fp);
	fputc('\n', fp);
	json_object_put(o);
}

int
cmd_days(int argc, char **argv)
{
	struct days_opts o;
	struct errmsg err, cache_err;
	struct daylist *l = NULL;
	char *cache_dir = NULL;
	struct conf cf;
	int status;

	conf_init(&cf);
	status = days_parse(argc, argv, &o);
	if (status == 0)
		status = resmon_data_dir(o.data_dir, &cf, &o.data_dir);
	if (status != 0)
		goto done;
	memset(&cache_err, 0, sizeof(cache_err));
	cache_dir = days_cache_dir(&cache_err);
	l = daylist_new(o.data_dir, cache_dir, &err);
	if (l == NULL) {
		warn_err(&err);
		status = EXIT_FAILURE;
		goto done;
	}
	if (o.json)
		print_json(l, stdout);
	else
		print_table(l, stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnx_msg("stdout: %s", strerror(errno));
		status = EXIT_FAILURE;
		goto done;
	}
	if (verbose) {
		if (cache_err.code == 0)
			cache_err = l->cache_err;
		if (cache_err.code != 0)
			warnx_msg("cache: %s", cache_err.msg);
		warnx_msg("%zu day files: %zu from the cache, %zu read%s", l->n,
		    l->n_from_cache, l->n_read,
		    l->cache_written ? ", cache updated" : "");
	}
done:
	daylist_free(l);
	free(cache_dir);
	conf_free(&cf);
	return status == -1 ? EXIT_SUCCESS : status;
}
