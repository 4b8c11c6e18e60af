/* route_plot.c - a day's plot and a range's, drawn once into cache_dir */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "datearg.h"
#include "dayreader.h"
#include "errmsg.h"
#include "parse.h"
#include "plot.h"
#include "query.h"
#include "xalloc.h"

struct plot_req {
	struct plot_opts o;
	const char **ifaces;
	char host[256];
};

static int
draw_plot(void *ctx, int fd, const char *tmp_path, struct errmsg *err)
{
	struct plot_req *p = ctx;

	(void)tmp_path;
	return plot_write(&p->o, fd, err);
}

/* Parses a size parameter into *px; -1 after answering 400. */
static int
size_param(struct api_req *r, const char *name, unsigned min, unsigned max,
    unsigned *px)
{
	const char *v = query_get(r->q, name);
	char shown[ERRMSG_QUOTE_SIZE];
	uint64_t n;

	if (v == NULL)
		return 0;
	if (parse_uint(v, min, max, &n) == 0) {
		*px = (unsigned)n;
		return 0;
	}
	reply_problem(r, 400, name, NULL, "%s: \"%s\" is not %u-%u pixels",
	    name, errmsg_quote(v, strlen(v), shown), min, max);
	return -1;
}

/*
 * Fills p from the query: iface, panels, width, height. Returns 0, or
 * -1 after answering 400.
 */
static int
plot_params(struct api *api, struct api_req *r, struct plot_req *p)
{
	const char *v;
	struct errmsg err;
	size_t i, n = query_count(r->q, "iface");

	plot_opts_init(&p->o);
	p->o.data_dir = api->data_dir;
	if (gethostname(p->host, sizeof(p->host)) == 0) {
		p->host[sizeof(p->host) - 1] = '\0';
		p->o.host = p->host;
	}
	p->ifaces = xreallocarray(NULL, n + 1, sizeof(*p->ifaces));
	if (api_check_ifaces(r) == -1)
		return -1;
	for (i = 0; i < n; i++)
		p->ifaces[i] = query_get_nth(r->q, "iface", i);
	p->o.ifaces = p->ifaces;
	p->o.n_ifaces = n;
	v = query_get(r->q, "panels");
	if (v != NULL && plot_parse_panels(v, &p->o.panels, &err) == -1) {
		reply_problem(r, 400, "panels", NULL, "panels: %s", err.msg);
		return -1;
	}
	if (size_param(r, "width", PLOT_WIDTH_MIN, PLOT_WIDTH_MAX,
	        &p->o.width) == -1 ||
	    size_param(r, "height", PLOT_HEIGHT_MIN, PLOT_HEIGHT_MAX,
	        &p->o.height) == -1)
		return -1;
	return 0;
}

/* The canonical parameter text of p, for its cache name. */
static char *
plot_key(const struct api_req *r, const struct plot_req *p)
{
	char *ifaces = api_iface_list(r), *s;

	s = xasprintf("w=%u;h=%u;p=%u;i=%s", p->o.width, p->o.height,
	    p->o.panels, ifaces);
	free(ifaces);
	return s;
}

/*
 * Adds the day files from..to to rd's sources and sets the redraw rule
 * (today's at most once per interval). Returns 0, or -1 after answering
 * 404 when none exists.
 */
static int
plot_sources(struct api *api, struct api_req *r, const struct daydate *from,
    const struct daydate *to, struct render *rd)
{
	char day[DAYDATE_LEN + 1], last[DAYDATE_LEN + 1], *path;
	struct daydate d, today;
	struct errmsg err;
	long i, found = 0;
	bool has_today = false;

	(void)daydate_of(r->now, &today);
	for (i = daydate_to_days(from); i <= daydate_to_days(to); i++) {
		daydate_from_days(i, &d);
		has_today |= daydate_cmp(&d, &today) == 0;
		daydate_format(&d, day);
		path = xasprintf("%s/%s.csv", api->data_dir, day);
		if (rendercache_add_src(&rd->src, path, &err) == 0)
			found++;
		free(path);
	}
	if (found == 0) {
		daydate_format(from, day);
		if (daydate_cmp(from, to) == 0) {
			reply_problem(r, 404, NULL, NULL, "no day file for %s",
			    day);
		} else {
			daydate_format(to, last);
			reply_problem(r, 404, NULL, NULL,
			    "no day file from %s to %s", day, last);
		}
		return -1;
	}
	rd->reuse_s = has_today ? api_interval(api, r->now) : 0;
	return 0;
}

/* Draws (or takes from the cache) the plot of p from..to. */
static void
plot_serve(struct api *api, struct api_req *r, struct plot_req *p,
    const char *label)
{
	struct render rd;

	memset(&rd, 0, sizeof(rd));
	rd.kind = "plot";
	rd.label = label;
	rd.ext = "png";
	rd.ctype = "image/png";
	rd.draw = draw_plot;
	rd.ctx = p;
	rd.enoent_param = p->o.n_ifaces > 0 ? "iface" : NULL;
	if (plot_sources(api, r, &p->o.from, &p->o.to, &rd) == -1)
		return;
	rd.params = plot_key(r, p);
	render_serve(api, r, &rd);
	free((char *)rd.params);
}

void
route_day_plot(struct api *api, struct api_req *r)
{
	char day[DAYDATE_LEN + 1];
	struct plot_req p;

	memset(&p, 0, sizeof(p));
	if (plot_params(api, r, &p) == 0) {
		p.o.from = p.o.to = r->day;
		daydate_format(&r->day, day);
		plot_serve(api, r, &p, day);
	}
	free(p.ifaces);
}

/* Parses the date parameter name into *d; -1 after answering 400. */
static int
date_param(struct api_req *r, const char *name, struct daydate *d)
{
	const char *v = query_get(r->q, name);
	struct errmsg err;

	if (v == NULL) {
		reply_problem(r, 400, name, NULL,
		    "%s: missing (a date: YYYY-MM-DD, DD-MM-YYYY, today or "
		    "yesterday)",
		    name);
		return -1;
	}
	if (datearg_parse(v, r->now, d, &err) == 0)
		return 0;
	reply_problem(r, 400, name, NULL, "%s: %s", name, err.msg);
	return -1;
}

void
route_range_plot(struct api *api, struct api_req *r)
{
	char label[2 * DAYDATE_LEN + 2], from[DAYDATE_LEN + 1];
	char to[DAYDATE_LEN + 1];
	struct plot_req p;
	struct errmsg err;

	memset(&p, 0, sizeof(p));
	if (plot_params(api, r, &p) == -1 ||
	    date_param(r, "from", &p.o.from) == -1 ||
	    date_param(r, "to", &p.o.to) == -1)
		goto out;
	if (datearg_range(&p.o.from, &p.o.to, NULL, &err) == -1) {
		reply_problem(r, 400, "to", NULL, "%s", err.msg);
		goto out;
	}
	daydate_format(&p.o.from, from);
	daydate_format(&p.o.to, to);
	snprintf(label, sizeof(label), "%s_%s", from, to);
	plot_serve(api, r, &p, label);
out:
	free(p.ifaces);
}
