/* fuzz_query.c - libFuzzer target: an API query string, query_parse(), and
 * the parsers the router hands its values to */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "query.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datearg.h"
#include "dayreader.h"
#include "errmsg.h"
#include "fuzzutil.h"
#include "parse.h"
#include "timearg.h"
#include "timestamp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The parameter lists of the routes in src/resmon-fcgi/router.c, whose
 * route table and path check are static there: this target drives what
 * the router feeds untrusted text to, query_parse() and then datearg,
 * timearg, parse_uint and the interface-name check. The input is the
 * query string; after a NUL, one byte picks the route.
 */
#define PLOT_PARAMS                                                            \
	{"iface", true}, {"panels", false}, {"width", false},                  \
	{                                                                      \
		"height", false                                                \
	}
static const struct query_param csv_params[] = {{"from", false}, {"to", false},
    {"iface", true}};
static const struct query_param day_plot_params[] = {PLOT_PARAMS};
static const struct query_param series_params[] = {{"points", false},
    {"iface", true}};
static const struct query_param range_plot_params[] = {{"from", false},
    {"to", false}, PLOT_PARAMS};
static const struct {
	const struct query_param *params;
	size_t n;
} routes[] = {
    {NULL, 0},
    {csv_params, sizeof(csv_params) / sizeof(csv_params[0])},
    {day_plot_params, sizeof(day_plot_params) / sizeof(day_plot_params[0])},
    {series_params, sizeof(series_params) / sizeof(series_params[0])},
    {range_plot_params,
        sizeof(range_plot_params) / sizeof(range_plot_params[0])},
};

/* 2026-03-01T00:30:00+01:00; the day is when Berlin skips an hour. */
#define NOW ((time_t)1772321400)
static const struct daydate day = {2026, 3, 29};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_set_tz("Europe/Berlin");
	return 0;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* from= and to= are times on a day's routes, dates on the range plot. */
static void
follow_time(const char *v)
{
	struct daydate d;
	struct errmsg err;
	time_t t;

	if (datearg_parse(v, NOW, &d, &err) == -1)
		/* The router puts it in a JSON problem body. */
		FUZZ_CHECK(fuzz_printable(err.msg));
	if (timearg_parse(v, &day, &t, &err) == -1)
		FUZZ_CHECK(fuzz_printable(err.msg));
}

static void
follow_values(const struct query *q)
{
	static const char *const numbers[] = {"width", "height", "points"};
	const char *v;
	uint64_t n;
	size_t i;

	for (i = 0; i < 2; i++)
		if ((v = query_get(q, i == 0 ? "from" : "to")) != NULL)
			follow_time(v);
	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if ((v = query_get(q, numbers[i])) != NULL &&
		    parse_uint(v, 1, 10000, &n) == 0)
			FUZZ_CHECK(n >= 1 && n <= 10000);
	for (i = 0; (v = query_get_nth(q, "iface", i)) != NULL; i++)
		(void)dayreader_iface_name_ok(v, strlen(v));
}

static void
check_parsed(const struct query *q, const struct query_param *params,
    size_t n_params)
{
	const char *v;
	size_t i, k, count;

	for (i = 0; i < n_params; i++) {
		count = query_count(q, params[i].name);
		FUZZ_CHECK(params[i].repeatable || count <= 1);
		FUZZ_CHECK(query_get(q, params[i].name) ==
		           query_get_nth(q, params[i].name, 0));
		FUZZ_CHECK(query_get_nth(q, params[i].name, count) == NULL);
		for (k = 0; k < count; k++) {
			v = query_get_nth(q, params[i].name, k);
			FUZZ_CHECK(v != NULL && *v != '\0');
			FUZZ_CHECK(!has_control(v));
		}
	}
	FUZZ_CHECK(query_get(q, "nope") == NULL);
	follow_values(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bad = "untouched";
	const struct query_param *params;
	const uint8_t *tail;
	struct errmsg err;
	struct query *q;
	size_t tail_len, n, r;
	char *qs;

	qs = fuzz_split(data, size, &tail, &tail_len);
	r = tail_len > 0 ? tail[0] % (sizeof(routes) / sizeof(routes[0]))
	                 : sizeof(routes) / sizeof(routes[0]) - 1;
	params = routes[r].params;
	n = routes[r].n;
	q = query_parse(qs, params, n, &bad, &err);
	if (q != NULL) {
		FUZZ_CHECK(bad == NULL);
		check_parsed(q, params, n);
		query_free(q);
	} else {
		FUZZ_CHECK(err.code == EINVAL);
		/* Promised safe for a JSON problem body. */
		FUZZ_CHECK(fuzz_printable(err.msg));
		if (bad != NULL) {
			/* The name of one of params, never text of qs. */
			for (r = 0; r < n && params[r].name != bad; r++)
				continue;
			FUZZ_CHECK(r < n);
		}
	}
	free(qs);
	return 0;
}
