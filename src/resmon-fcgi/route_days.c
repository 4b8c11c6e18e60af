/* route_days.c - the day files: the list, a day's CSV and its series */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "apijson.h"
#include "dayfilter.h"
#include "daylist.h"
#include "dayreader.h"
#include "dayreduce.h"
#include "errmsg.h"
#include "parse.h"
#include "query.h"
#include "timearg.h"
#include "xalloc.h"

#define SERIES_POINTS 1440

void
route_days(struct api *api, struct api_req *r)
{
	struct daylist *l;
	struct errmsg err;

	l = daylist_new(api->data_dir, api->cache_dir, &err);
	if (l == NULL) {
		/* No folder is the server's trouble, not a missing day. */
		reply_problem(r, 503, NULL, "Retry-After: 30\r\n",
		    "data folder cannot be listed: %s", err.msg);
		return;
	}
	reply_json(r, 200, apijson_daylist(l));
	daylist_free(l);
}

/* data_dir/YYYY-MM-DD.csv of the route's day; the caller frees it. */
static char *
day_path(const struct api *api, const struct api_req *r)
{
	char day[DAYDATE_LEN + 1];

	daydate_format(&r->day, day);
	return xasprintf("%s/%s.csv", api->data_dir, day);
}

/*
 * Sets *t from parameter name (a time on the route's day), or to dflt
 * when absent. Returns 0, or -1 after answering 400.
 */
static int
time_param(struct api_req *r, const char *name, time_t dflt, time_t *t)
{
	const char *v = query_get(r->q, name);
	struct errmsg err;

	*t = dflt;
	if (v == NULL || timearg_parse(v, &r->day, t, &err) == 0)
		return 0;
	reply_problem(r, 400, name, NULL, "%s: %s", name, err.msg);
	return -1;
}

struct csv_draw {
	struct dayfilter *f;
	const char *path;
};

static int
draw_csv(void *ctx, int fd, const char *tmp_path, struct errmsg *err)
{
	struct csv_draw *c = ctx;
	int in, rc;

	in = open(c->path, O_RDONLY | O_CLOEXEC);
	if (in == -1)
		return ERRMSG_SET(err, errno, "%s: %s", c->path,
		    strerror(errno));
	rc = dayfilter_write(c->f, in, c->path, fd, tmp_path, NULL, err);
	(void)close(in);
	return rc;
}

void
route_day_csv(struct api *api, struct api_req *r)
{
	char day[DAYDATE_LEN + 1], *path, *ifaces = NULL, *params = NULL;
	char filename[DAYDATE_LEN + 5], uri[sizeof(ACCEL_DATA) + 16];
	char disposition[96];
	struct csv_draw c = {.f = NULL};
	struct render rd;
	struct errmsg err;
	struct stat st;
	time_t from, to;
	size_t i;

	daydate_format(&r->day, day);
	snprintf(filename, sizeof(filename), "%s.csv", day);
	path = day_path(api, r);
	memset(&rd, 0, sizeof(rd));
	if (rendercache_add_src(&rd.src, path, &err) == -1) {
		reply_problem(r, err.code == ENOENT ? 404 : 500, NULL, NULL,
		    "no day file for %s%s", day,
		    err.code == ENOENT ? "" : ": cannot stat it");
		goto out;
	}
	if (query_get(r->q, "from") == NULL && query_get(r->q, "to") == NULL &&
	    query_count(r->q, "iface") == 0) {
		/*
		 * The whole file: nginx sends it as it is. It follows links
		 * and redirects to folders: name only a file that is one.
		 */
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			reply_problem(r, 404, NULL, NULL,
			    "no day file for %s: not a regular file", day);
			goto out;
		}
		snprintf(uri, sizeof(uri), "%s%s", ACCEL_DATA, filename);
		snprintf(disposition, sizeof(disposition),
		    "Content-Disposition: attachment; filename=\"%s\"\r\n",
		    filename);
		reply_accel(r, uri, "text/csv; charset=utf-8", NULL,
		    disposition);
		goto out;
	}
	if (time_param(r, "from", 0, &from) == -1 ||
	    time_param(r, "to", (time_t)LONG_MAX, &to) == -1 ||
	    api_check_ifaces(r) == -1)
		goto out;
	c.f = dayfilter_new();
	c.path = path;
	dayfilter_set_range(c.f, from, to);
	for (i = 0; i < query_count(r->q, "iface"); i++)
		if (dayfilter_add_iface(c.f, query_get_nth(r->q, "iface", i),
		        &err) == -1) {
			reply_problem(r, 400, "iface", NULL, "%s", err.msg);
			goto out;
		}
	ifaces = api_iface_list(r);
	params = xasprintf("from=%lld;to=%lld;iface=%s", (long long)from,
	    (long long)to, ifaces);
	rd.kind = "csv";
	rd.label = day;
	rd.params = params;
	rd.ext = "csv";
	rd.ctype = "text/csv; charset=utf-8";
	rd.filename = filename;
	rd.reuse_s = api_reuse_s(api, r);
	rd.draw = draw_csv;
	rd.ctx = &c;
	rd.enoent_param = "iface";
	render_serve(api, r, &rd);
out:
	dayfilter_free(c.f);
	free(ifaces);
	free(params);
	free(path);
}

/* A column of the reduction as {"min":[...],"max":[...],"mean":[...]}. */
static struct json_object *
series_column(const struct dayreduce *red, size_t col)
{
	struct json_object *o, *min, *max, *mean;
	struct dayreduce_stat st;
	size_t i, n = dayreduce_n_buckets(red);

	min = json_object_new_array_ext((int)n);
	max = json_object_new_array_ext((int)n);
	mean = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		if (!dayreduce_get(red, col, i, &st)) {
			json_object_array_add(min, NULL);
			json_object_array_add(max, NULL);
			json_object_array_add(mean, NULL);
			continue;
		}
		json_object_array_add(min, json_object_new_double(st.min));
		json_object_array_add(max, json_object_new_double(st.max));
		json_object_array_add(mean, json_object_new_double(st.mean));
	}
	o = json_object_new_object();
	json_object_object_add(o, "min", min);
	json_object_object_add(o, "max", max);
	json_object_object_add(o, "mean", mean);
	return o;
}

static struct json_object *
series_json(const struct api_req *r, const struct dayreduce *red)
{
	static const char *const fixed[] = {"cpu_percent", "mem_total_kib",
	    "mem_free_kib", "mem_available_kib"};
	struct json_object *o, *t, *series;
	char day[DAYDATE_LEN + 1], ts[TIMESTAMP_LEN + 1], *name, *key;
	size_t i, n = dayreduce_n_buckets(red), k, iface;
	const char *want;

	daydate_format(&r->day, day);
	o = json_object_new_object();
	json_object_object_add(o, "date", json_object_new_string(day));
	if (timestamp_format(dayreduce_bucket_start(red, 0), ts, NULL) == 0)
		json_object_object_add(o, "start", json_object_new_string(ts));
	if (timestamp_format(dayreduce_bucket_start(red, n), ts, NULL) == 0)
		json_object_object_add(o, "end", json_object_new_string(ts));
	json_object_object_add(o, "points", json_object_new_int64((int64_t)n));
	t = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++)
		json_object_array_add(t,
		    json_object_new_int64(dayreduce_bucket_start(red, i)));
	json_object_object_add(o, "t", t);
	series = json_object_new_object();
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		json_object_object_add(series, fixed[i],
		    series_column(red, DAYCOL_CPU + i));
	k = query_count(r->q, "iface");
	for (i = 0; i < (k > 0 ? k : dayreduce_n_ifaces(red)); i++) {
		want = k > 0 ? query_get_nth(r->q, "iface", i)
		             : dayreduce_iface(red, i);
		if (dayreduce_find_iface(red, want, &iface) == -1)
			continue;
		key = apijson_utf8(want);
		name = xasprintf("net_rx_bps:%s", key);
		free(key);
		json_object_object_add(series, name,
		    series_column(red, DAYCOL_RX(iface)));
		name[4] = 't';
		json_object_object_add(series, name,
		    series_column(red, DAYCOL_TX(iface)));
		free(name);
	}
	json_object_object_add(o, "series", series);
	return o;
}

void
route_day_series(struct api *api, struct api_req *r)
{
	const char *v = query_get(r->q, "points");
	char shown[ERRMSG_QUOTE_SIZE];
	struct dayreduce *red = NULL;
	uint64_t points = SERIES_POINTS;
	time_t start, end;
	struct errmsg err;
	char *path;
	size_t i, iface;
	int fd;

	path = day_path(api, r);
	if (v != NULL &&
	    parse_uint(v, 1, DAYREDUCE_MAX_BUCKETS, &points) == -1) {
		reply_problem(r, 400, "points", NULL,
		    "points: \"%s\" is not a whole number 1-%d",
		    errmsg_quote(v, strlen(v), shown), DAYREDUCE_MAX_BUCKETS);
		goto out;
	}
	if (api_check_ifaces(r) == -1)
		goto out;
	if (timearg_parse("00:00", &r->day, &start, &err) == -1 ||
	    timearg_parse("24:00", &r->day, &end, &err) == -1 ||
	    (red = dayreduce_new(start, end, points, &err)) == NULL) {
		reply_error(r, &err, NULL);
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		reply_problem(r, errno == ENOENT ? 404 : 500, NULL, NULL,
		    "no day file for %s", path + strlen(api->data_dir) + 1);
		goto out;
	}
	if (dayreduce_read(red, fd, path, NULL, &err) == -1) {
		(void)close(fd);
		reply_data_error(r, &err, NULL);
		goto out;
	}
	(void)close(fd);
	for (i = 0; i < query_count(r->q, "iface"); i++) {
		v = query_get_nth(r->q, "iface", i);
		if (dayreduce_find_iface(red, v, &iface) == -1) {
			reply_problem(r, 404, "iface", NULL,
			    "no interface \"%s\" on that day", v);
			goto out;
		}
	}
	reply_json(r, 200, series_json(r, red));
out:
	dayreduce_free(red);
	free(path);
}
