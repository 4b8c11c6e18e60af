/* api.h - what the routes of resmon-fcgi share: the worker and a request */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_FCGI_API_H
#define RESMON_FCGI_API_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <fcgiapp.h>

#include "rendercache.h"
#include "timestamp.h"

struct apitoken;
struct json_object;
struct query;

/*
 * An answer of /current, /metrics or /health, kept for the rest of its
 * second while today's day file is unchanged: nothing it says can differ
 * then, and a dashboard or a scrape storm costs one stat(2) a request.
 */
struct now_memo {
	time_t at; /* the second it was made in; 0: empty */
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int status;
	const char *ctype;
	char *extra, *body;
	size_t len;
};

enum { MEMO_CURRENT, MEMO_METRICS, MEMO_HEALTH, MEMO_COUNT };

/* One per worker process: set up before the first request. */
struct api {
	const char *data_dir, *cache_dir, *socket_path, *token_path;
	unsigned interval_s; /* the configuration's; DATA_DIR/.state wins */
	struct apitoken *token;
	/*
	 * What a request learns of the recorder holds for the rest of that
	 * second: a busy worker asks once a second, not once a request.
	 */
	time_t state_read_at, ping_at;
	unsigned state_interval_s;
	int recording; /* 1, 0, or -1: resmond unreachable */
	struct now_memo memo[MEMO_COUNT];
};

/* One request, valid while it is answered. */
struct api_req {
	const struct api *api;
	FCGX_Request *fcgi;
	const char *method;
	bool head;          /* HEAD: headers as for GET, no body */
	const char *path;   /* raw, before '?' (checked by the router) */
	struct query *q;    /* the parsed query string */
	struct daydate day; /* the route's {date} */
	time_t now;
	struct now_memo *memo; /* reply_send keeps what it sends here */
};

/* A route's answer; every route sends exactly one reply. */
typedef void route_fn(struct api *api, struct api_req *r);

route_fn route_health, route_recorder, route_recorder_start,
    route_recorder_stop, route_current, route_metrics, route_days,
    route_day_csv, route_day_series, route_day_plot, route_range_plot;

/* reply.c: every answer goes out through these. */

/*
 * Sends status, Content-Type ctype, Content-Length and body (none for
 * HEAD). extra is NULL or header lines, each ending in "\r\n".
 */
void reply_send(struct api_req *r, int status, const char *ctype,
    const char *extra, const char *body, size_t len);

/* Sends obj (then released) as application/json. */
void reply_json(struct api_req *r, int status, struct json_object *obj);

/*
 * Sends an application/problem+json answer (RFC 9457): the status's
 * title and detail; param names the bad parameter (NULL: none); extra
 * as for reply_send (Allow, WWW-Authenticate, Retry-After).
 */
void reply_problem(struct api_req *r, int status, const char *param,
    const char *extra, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The problem object reply_problem sends, for a route that adds members
 * (the age of stale data); send it with reply_problem_send, which
 * releases it.
 */
struct json_object *reply_problem_new(int status, const char *param,
    const char *detail);
void reply_problem_send(struct api_req *r, int status, const char *extra,
    struct json_object *obj);

/*
 * Hands a file to nginx: X-Accel-Redirect to uri (an internal location)
 * with ctype; cache is "hit", "miss" or NULL (X-Resmon-Cache); extra as
 * for reply_send.
 */
void reply_accel(struct api_req *r, const char *uri, const char *ctype,
    const char *cache, const char *extra);

/*
 * Answers an errno-coded failure of the library (err->code) with the
 * status the code means: ENOENT 404, EINVAL 400, EBUSY 409, ENOSPC and
 * unreachable resmond 503, others 500. param as for reply_problem.
 */
struct errmsg;
void reply_error(struct api_req *r, const struct errmsg *err,
    const char *param);

/* render.c: what the worker draws into cache_dir and nginx serves. */
struct render {
	const char *kind, *label; /* cache name: KIND-LABEL-HASH.EXT */
	const char *params;       /* canonical text of the parameters */
	const char *ext, *ctype;
	const char *filename; /* Content-Disposition attachment; NULL: none */
	struct rendercache_src src; /* the day files drawn from */
	unsigned reuse_s;           /* today: redraw at most this often */
	/* Writes the rendering to fd; returns 0, or -1 with err set. */
	int (
	    *draw)(void *ctx, int fd, const char *tmp_path, struct errmsg *err);
	void *ctx;
	/* Names the parameter of a 404 from draw() (an iface not there). */
	const char *enoent_param;
};

/*
 * Answers with cache_dir's rendering of rd through X-Accel-Redirect,
 * drawing it first when it is missing or stale (X-Resmon-Cache: miss),
 * or with the problem draw() or the cache met.
 */
void render_serve(struct api *api, struct api_req *r, struct render *rd);

/* Where nginx's internal locations map the two folders (nginx/). */
#define ACCEL_DATA "/_resmon/data/"
#define ACCEL_CACHE "/_resmon/cache/"

/*
 * Answers a failure met while reading day files or drawing, once the
 * parameters were checked: ENOENT 404 (no such day, interface or rows),
 * ENOSPC 503, anything else (a day file that cannot be parsed) 500.
 */
void reply_data_error(struct api_req *r, const struct errmsg *err,
    const char *enoent_param);

/* Checks every iface= value is an interface name: -1 after a 400. */
int api_check_ifaces(struct api_req *r);

/* The iface= values joined by ',' (cache names); the caller frees it. */
char *api_iface_list(const struct api_req *r);

/* router.c */
void api_handle(struct api *api, FCGX_Request *fcgi);

/* The interval rows are recorded at: DATA_DIR/.state, else the config. */
unsigned api_interval(struct api *api, time_t now);

/* Whether resmond records: 1, 0, or -1 when it cannot be reached. */
int api_recording(struct api *api, time_t now);

/*
 * How long a rendering of the route's day may be served after its day
 * file changed: an interval for today's (it changes every row), 0 else.
 */
unsigned api_reuse_s(struct api *api, const struct api_req *r);

#endif
