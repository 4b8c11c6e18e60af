/* router.c - from a FastCGI request to the one route that answers it */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "apitoken.h"
#include "datearg.h"
#include "dayreader.h"
#include "errmsg.h"
#include "query.h"
#include "statefile.h"
#include "xalloc.h"

enum method { M_GET = 1 << 0, M_POST = 1 << 1 };

#define PARAMS(...) ((const struct query_param[]){__VA_ARGS__, {NULL, false}})
#define NO_PARAMS ((const struct query_param[]){{NULL, false}})
#define PLOT_PARAMS                                                            \
	{"iface", true}, {"panels", false}, {"width", false},                  \
	{                                                                      \
		"height", false                                                \
	}

/*
 * A route is a fixed path, or prefix "{date}" suffix when dated. The
 * query parameters it takes are listed: anything else is a 400.
 */
static const struct route {
	const char *prefix, *suffix; /* suffix NULL: no {date} */
	unsigned methods;
	bool auth;
	const struct query_param *params;
	route_fn *fn;
} routes[] = {
    {"/api/v1/health", NULL, M_GET, false, NO_PARAMS, route_health},
    {"/api/v1/recorder", NULL, M_GET, false, NO_PARAMS, route_recorder},
    {"/api/v1/recorder/start", NULL, M_POST, true, NO_PARAMS,
        route_recorder_start},
    {"/api/v1/recorder/stop", NULL, M_POST, true, NO_PARAMS,
        route_recorder_stop},
    {"/api/v1/current", NULL, M_GET, false, NO_PARAMS, route_current},
    {"/api/v1/days", NULL, M_GET, false, NO_PARAMS, route_days},
    {"/api/v1/days/", ".csv", M_GET, false,
        PARAMS({"from", false}, {"to", false}, {"iface", true}), route_day_csv},
    {"/api/v1/days/", "/plot.png", M_GET, false, PARAMS(PLOT_PARAMS),
        route_day_plot},
    {"/api/v1/days/", "/series", M_GET, false,
        PARAMS({"points", false}, {"iface", true}), route_day_series},
    {"/api/v1/plot.png", NULL, M_GET, false,
        PARAMS({"from", false}, {"to", false}, PLOT_PARAMS), route_range_plot},
    {"/metrics", NULL, M_GET, false, NO_PARAMS, route_metrics},
};

unsigned
api_interval(struct api *api, time_t now)
{
	struct recstate st;

	if (api->state_read_at != now) {
		api->state_read_at = now;
		api->state_interval_s =
		    statefile_load(api->data_dir, &st, NULL) == 0 &&
		            st.interval_s > 0
		        ? st.interval_s
		        : api->interval_s;
	}
	return api->state_interval_s;
}

unsigned
api_reuse_s(struct api *api, const struct api_req *r)
{
	struct daydate today;

	if (daydate_of(r->now, &today) == -1 ||
	    daydate_cmp(&today, &r->day) != 0)
		return 0;
	return api_interval(api, r->now);
}

char *
api_iface_list(const struct api_req *r)
{
	size_t i, n = query_count(r->q, "iface"), len = 1, k, at = 0;
	const char *v;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(query_get_nth(r->q, "iface", i)) + 1;
	s = xmalloc(len);
	for (i = 0; i < n; i++) {
		v = query_get_nth(r->q, "iface", i);
		k = strlen(v);
		memcpy(s + at, v, k);
		at += k;
		s[at++] = i + 1 < n ? ',' : '\0';
	}
	s[at] = '\0';
	return s;
}

int
api_check_ifaces(struct api_req *r)
{
	size_t i, n = query_count(r->q, "iface");
	char shown[ERRMSG_QUOTE_SIZE];
	const char *v;

	for (i = 0; i < n; i++) {
		v = query_get_nth(r->q, "iface", i);
		if (!dayreader_iface_name_ok(v, strlen(v))) {
			reply_problem(r, 400, "iface", NULL,
			    "iface: \"%s\" is not an interface name (1-15 "
			    "bytes, no '/', ':' or white space)",
			    errmsg_quote(v, strlen(v), shown));
			return -1;
		}
	}
	return 0;
}

static const char *
param(FCGX_Request *fcgi, const char *name)
{
	const char *v = FCGX_GetParam(name, fcgi->envp);

	return v != NULL ? v : "";
}

/*
 * Routes are plain ASCII: a path with anything else (an encoded slash,
 * a dot segment, a doubled slash) is refused before it is matched, so
 * no route ever sees one.
 */
static bool
path_ok(const char *p)
{
	const char *s;

	if (*p != '/')
		return false;
	for (s = p; *s != '\0'; s++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/",
		        *s) == NULL)
			return false;
		if (s[0] == '/' && (s[1] == '/' || s[1] == '.'))
			return false;
	}
	return true;
}

/* Whether path is route rt; *date_len gets the {date} part's length. */
static bool
route_match(const struct route *rt, const char *path, const char **date,
    size_t *date_len)
{
	size_t plen = strlen(rt->prefix), len = strlen(path), slen;

	if (rt->suffix == NULL)
		return strcmp(path, rt->prefix) == 0;
	slen = strlen(rt->suffix);
	if (len <= plen + slen || strncmp(path, rt->prefix, plen) != 0 ||
	    strcmp(path + len - slen, rt->suffix) != 0)
		return false;
	*date = path + plen;
	*date_len = len - plen - slen;
	return memchr(*date, '/', *date_len) == NULL;
}

static void
reply_not_allowed(struct api_req *r, unsigned methods)
{
	const char *allow =
	    methods & M_POST ? "Allow: POST\r\n" : "Allow: GET, HEAD\r\n";

	reply_problem(r, 405, NULL, allow, "%s does not take %s", r->path,
	    r->method);
}

static bool
method_ok(const struct api_req *r, unsigned methods)
{
	if (methods & M_POST)
		return strcmp(r->method, "POST") == 0;
	return strcmp(r->method, "GET") == 0 || r->head;
}

static bool
authorized(struct api *api, struct api_req *r)
{
	struct errmsg err;

	if (apitoken_check(api->token, param(r->fcgi, "HTTP_AUTHORIZATION"),
	        &err) == 0)
		return true;
	if (err.code == EACCES)
		reply_problem(r, 401, NULL,
		    "WWW-Authenticate: Bearer realm=\"resmon\"\r\n", "%s",
		    err.msg);
	else
		/* The token file is the operator's to mend: say so. */
		reply_problem(r, 503, NULL, "Retry-After: 60\r\n",
		    "token file unusable: %s", err.msg);
	return false;
}

/*
 * The first name in qs that params lacks, for the problem body when
 * query_parse() blamed a name (it leaves *bad_param NULL then and only
 * its message names it). NULL when that name is escaped or odd: the
 * detail names it then. The caller frees the result.
 */
static char *
unknown_param(const char *qs, const struct query_param *params)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
	                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
	size_t len, i;

	while (*qs != '\0') {
		len = strcspn(qs, "&=");
		if (qs[len] == '=' && len == 0)
			return NULL;
		if (len > 0) {
			if (strspn(qs, plain) < len)
				return NULL;
			for (i = 0; params[i].name != NULL; i++)
				if (strlen(params[i].name) == len &&
				    strncmp(params[i].name, qs, len) == 0)
					break;
			if (params[i].name == NULL)
				return strndup(qs, len < ERRMSG_QUOTE_MAX
				                       ? len
				                       : ERRMSG_QUOTE_MAX);
		}
		qs += strcspn(qs, "&");
		if (*qs == '&')
			qs++;
	}
	return NULL;
}

/* Parses the {date} of the path into r->day; replies 400 on failure. */
static bool
parse_day(struct api_req *r, const char *date, size_t len)
{
	struct errmsg err;
	char *s;
	int rc;

	s = strndup(date, len);
	if (s == NULL) {
		reply_problem(r, 500, NULL, NULL, "out of memory");
		return false;
	}
	rc = datearg_parse(s, r->now, &r->day, &err);
	free(s);
	if (rc == -1)
		reply_problem(r, 400, "date", NULL, "%s", err.msg);
	return rc == 0;
}

static void
dispatch(struct api *api, struct api_req *r)
{
	const struct route *rt = NULL;
	const char *date = NULL, *bad_param;
	size_t i, n_params, date_len = 0;
	struct errmsg err;
	char *unknown;

	if (!path_ok(r->path)) {
		reply_problem(r, 400, NULL, NULL,
		    "bad path: only letters, digits, '-', '.', '_' and single "
		    "'/' between names");
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]) && rt == NULL; i++)
		if (route_match(&routes[i], r->path, &date, &date_len))
			rt = &routes[i];
	if (rt == NULL) {
		reply_problem(r, 404, NULL, NULL, "no route %s", r->path);
		return;
	}
	if (!method_ok(r, rt->methods)) {
		reply_not_allowed(r, rt->methods);
		return;
	}
	if (rt->auth && !authorized(api, r))
		return;
	for (n_params = 0; rt->params[n_params].name != NULL; n_params++)
		continue;
	r->q = query_parse(param(r->fcgi, "QUERY_STRING"), rt->params, n_params,
	    &bad_param, &err);
	if (r->q == NULL) {
		unknown = bad_param == NULL
		              ? unknown_param(param(r->fcgi, "QUERY_STRING"),
		                    rt->params)
		              : NULL;
		reply_problem(r, 400, unknown != NULL ? unknown : bad_param,
		    NULL, "%s", err.msg);
		free(unknown);
		return;
	}
	if (date != NULL && !parse_day(r, date, date_len))
		return;
	rt->fn(api, r);
}

void
api_handle(struct api *api, FCGX_Request *fcgi)
{
	struct api_req r = {.api = api, .fcgi = fcgi};
	const char *uri = param(fcgi, "REQUEST_URI");
	char *path;

	r.method = param(fcgi, "REQUEST_METHOD");
	r.head = strcmp(r.method, "HEAD") == 0;
	r.now = time(NULL);
	path = strndup(uri, strcspn(uri, "?"));
	if (path == NULL) {
		reply_problem(&r, 500, NULL, NULL, "out of memory");
		return;
	}
	r.path = path;
	dispatch(api, &r);
	query_free(r.q);
	free(path);
}
