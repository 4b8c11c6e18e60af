/* route_now.c - the host now: /api/v1/current, /metrics, /api/v1/health */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "apijson.h"
#include "ctlproto.h"
#include "ctlsock.h"
#include "dayreader.h"
#include "daytail.h"
#include "errmsg.h"
#include "timestamp.h"
#include "xalloc.h"

#define PING_TIMEOUT_MS 1000
#define SECONDS_PER_DAY 86400

/* The newest complete row, read from the end of its day file. */
struct newest {
	struct daytail *dt;
	const struct dayheader *h;
	const struct dayrow *row; /* NULL: no row today or yesterday */
	long age_s;
	unsigned interval_s;
	bool stale; /* older than twice the interval (SPEC §3) */
};

/* Reads the last complete row of the day file of date into dt. */
static int
read_tail(struct api *api, const struct daydate *date, struct daytail *dt,
    struct errmsg *err)
{
	char day[DAYDATE_LEN + 1], *path;
	int fd, rc;

	daydate_format(date, day);
	path = xasprintf("%s/%s.csv", api->data_dir, day);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		rc = ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	} else {
		rc = daytail_read(dt, fd, path, err);
		(void)close(fd);
	}
	free(path);
	return rc;
}

/*
 * Finds the newest row: in today's file, else in yesterday's (just after
 * midnight today's has none yet). Returns 0 (n->row NULL when there is
 * none), or -1 with err set for a file that cannot be read.
 */
static int
newest_find(struct api *api, time_t now, struct newest *n, struct errmsg *err)
{
	struct daydate date;
	int pass;

	*n = (struct newest){.interval_s = api_interval(api, now)};
	n->dt = daytail_new();
	if (daydate_of(now, &date) == -1)
		return ERRMSG_SET(err, EOVERFLOW, "clock out of range");
	for (pass = 0; pass < 2 && n->row == NULL; pass++) {
		if (pass == 1)
			daydate_from_days(daydate_to_days(&date) - 1, &date);
		if (read_tail(api, &date, n->dt, err) == -1) {
			if (err->code != ENOENT)
				return -1;
			continue;
		}
		n->h = daytail_header(n->dt);
		n->row = daytail_row(n->dt);
	}
	if (n->row != NULL) {
		n->age_s = now > n->row->t ? (long)(now - n->row->t) : 0;
		n->stale = n->age_s > 2 * (long)n->interval_s;
	}
	return 0;
}

static void
newest_free(struct newest *n)
{
	daytail_free(n->dt);
}

/* A cell as a JSON number: the text as written, or null when empty. */
static struct json_object *
cell_json(const struct dayrow *row, size_t col, bool integer)
{
	if (isnan(row->value[col]))
		return NULL;
	if (integer)
		return json_object_new_int64((int64_t)row->value[col]);
	return json_object_new_double_s(row->value[col], row->cell[col]);
}

static struct json_object *
row_json(const struct newest *n)
{
	const struct dayrow *row = n->row;
	struct json_object *o, *ifaces, *iface;
	char *key;
	size_t i;

	o = json_object_new_object();
	json_object_object_add(o, "time",
	    json_object_new_string_len(row->cell[DAYCOL_TIME],
	        (int)row->cell_len[DAYCOL_TIME]));
	json_object_object_add(o, "age_s", json_object_new_int64(n->age_s));
	json_object_object_add(o, "interval_s",
	    json_object_new_int64(n->interval_s));
	json_object_object_add(o, "cpu_percent",
	    cell_json(row, DAYCOL_CPU, false));
	json_object_object_add(o, "mem_total_kib",
	    cell_json(row, DAYCOL_MEM_TOTAL, true));
	json_object_object_add(o, "mem_free_kib",
	    cell_json(row, DAYCOL_MEM_FREE, true));
	json_object_object_add(o, "mem_available_kib",
	    cell_json(row, DAYCOL_MEM_AVAILABLE, true));
	ifaces = json_object_new_object();
	for (i = 0; i < n->h->n_ifaces; i++) {
		iface = json_object_new_object();
		json_object_object_add(iface, "rx_bps",
		    cell_json(row, DAYCOL_RX(i), true));
		json_object_object_add(iface, "tx_bps",
		    cell_json(row, DAYCOL_TX(i), true));
		key = apijson_utf8(n->h->ifaces[i]);
		json_object_object_add(ifaces, key, iface);
		free(key);
	}
	json_object_object_add(o, "interfaces", ifaces);
	return o;
}

/* 503 for no fresh row, with the age when there is an old one. */
static void
reply_stale(struct api_req *r, const struct newest *n)
{
	struct json_object *obj;
	char detail[ERRMSG_MAX];

	if (n->row == NULL) {
		reply_problem(r, 503, NULL, "Retry-After: 5\r\n",
		    "no rows today or yesterday: is the recorder running?");
		return;
	}
	snprintf(detail, sizeof(detail),
	    "newest row %.*s is %ld s old, more than twice the %u s "
	    "interval: is the recorder running?",
	    (int)n->row->cell_len[DAYCOL_TIME], n->row->cell[DAYCOL_TIME],
	    n->age_s, n->interval_s);
	obj = reply_problem_new(503, NULL, detail);
	json_object_object_add(obj, "age_s", json_object_new_int64(n->age_s));
	json_object_object_add(obj, "time",
	    json_object_new_string_len(n->row->cell[DAYCOL_TIME],
	        (int)n->row->cell_len[DAYCOL_TIME]));
	reply_problem_send(r, 503, "Retry-After: 5\r\n", obj);
}

/*
 * Answers from api's memo of route when it was made this second from
 * today's file as it is now; else arms r->memo so that the answer made
 * next is kept. Returns whether it answered.
 */
static bool
memo_answer(struct api *api, struct api_req *r, int route)
{
	struct now_memo *m = &api->memo[route];
	char day[DAYDATE_LEN + 1], *path;
	struct daydate today;
	struct stat st;
	bool found;

	if (daydate_of(r->now, &today) == -1)
		return false;
	daydate_format(&today, day);
	path = xasprintf("%s/%s.csv", api->data_dir, day);
	found = stat(path, &st) == 0;
	free(path);
	/* Just after midnight the newest row is in yesterday's file. */
	if (!found) {
		m->at = 0;
		return false;
	}
	if (m->at == r->now && m->body != NULL && m->ino == st.st_ino &&
	    m->size == st.st_size && m->mtime.tv_sec == st.st_mtim.tv_sec &&
	    m->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		reply_send(r, m->status, m->ctype, m->extra, m->body, m->len);
		return true;
	}
	m->at = r->now;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtime = st.st_mtim;
	r->memo = m;
	return false;
}

void
route_current(struct api *api, struct api_req *r)
{
	struct newest n;
	struct errmsg err;

	if (memo_answer(api, r, MEMO_CURRENT))
		return;
	if (newest_find(api, r->now, &n, &err) == -1)
		reply_error(r, &err, NULL);
	else if (n.row == NULL || n.stale)
		reply_stale(r, &n);
	else
		reply_json(r, 200, row_json(&n));
	newest_free(&n);
}

int
api_recording(struct api *api, time_t now)
{
	char line[CTLPROTO_MAX_REQUEST], *reply;
	struct ctl_request req = {.cmd = CTL_STATUS};
	struct ctl_status st;
	ssize_t len;

	if (api->ping_at == now)
		return api->recording;
	api->ping_at = now;
	api->recording = -1;
	reply = xmalloc(CTLPROTO_MAX_REPLY);
	ctlproto_format_request(&req, line, sizeof(line));
	len = ctlsock_call(api->socket_path, line, reply, CTLPROTO_MAX_REPLY,
	    PING_TIMEOUT_MS, NULL);
	if (len >= 0 &&
	    ctlproto_parse_reply(reply, (size_t)len, &st, NULL) == 0)
		api->recording = st.recording;
	free(reply);
	return api->recording;
}

/* A growing text buffer for the metrics page. */
struct text {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = 2 * t->cap + (size_t)n;
		t->s = xreallocarray(t->s, t->cap, 1);
	}
	t->len += (size_t)n;
}

static void
metric_head(struct text *t, const char *name, const char *help)
{
	text_add(t, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A label value in the exposition format: \, " and newline escaped. */
static void
text_add_label(struct text *t, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			text_add(t, "\\%c", *v);
		else if (*v == '\n')
			text_add(t, "\\n");
		else
			text_add(t, "%c", *v);
	}
}

static void
metrics_net(struct text *t, const struct newest *n, const char *name,
    const char *help, bool rx)
{
	const struct dayrow *row = n->row;
	char *label;
	size_t i, col;

	metric_head(t, name, help);
	for (i = 0; i < n->h->n_ifaces; i++) {
		col = rx ? DAYCOL_RX(i) : DAYCOL_TX(i);
		if (isnan(row->value[col]))
			continue;
		text_add(t, "%s{interface=\"", name);
		label = apijson_utf8(n->h->ifaces[i]);
		text_add_label(t, label);
		free(label);
		text_add(t, "\"} %.0f\n", row->value[col]);
	}
}

static void
metrics_row(struct text *t, const struct newest *n)
{
	static const struct {
		const char *name, *help;
		size_t col;
	} mem[] = {
	    {"resmon_memory_total_bytes", "MemTotal of /proc/meminfo.",
	        DAYCOL_MEM_TOTAL},
	    {"resmon_memory_free_bytes", "MemFree of /proc/meminfo.",
	        DAYCOL_MEM_FREE},
	    {"resmon_memory_available_bytes", "MemAvailable of /proc/meminfo.",
	        DAYCOL_MEM_AVAILABLE},
	};
	const struct dayrow *row = n->row;
	size_t i;

	if (!isnan(row->value[DAYCOL_CPU])) {
		metric_head(t, "resmon_cpu_busy_ratio",
		    "Busy share of all CPUs over the newest interval, 0-1.");
		text_add(t, "resmon_cpu_busy_ratio %.4f\n",
		    row->value[DAYCOL_CPU] / 100.0);
	}
	for (i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		if (isnan(row->value[mem[i].col]))
			continue;
		metric_head(t, mem[i].name, mem[i].help);
		text_add(t, "%s %.0f\n", mem[i].name,
		    row->value[mem[i].col] * 1024.0);
	}
	metrics_net(t, n, "resmon_network_receive_bits_per_second",
	    "Bits received per second over the newest interval.", true);
	metrics_net(t, n, "resmon_network_transmit_bits_per_second",
	    "Bits sent per second over the newest interval.", false);
}

void
route_metrics(struct api *api, struct api_req *r)
{
	struct text t = {.s = xmalloc(4096), .cap = 4096};
	struct newest n;
	struct errmsg err;
	int recording;

	if (memo_answer(api, r, MEMO_METRICS)) {
		free(t.s);
		return;
	}
	if (newest_find(api, r->now, &n, &err) == -1) {
		reply_error(r, &err, NULL);
		goto out;
	}
	metric_head(&t, "resmon_up",
	    "1 when the newest row is younger than twice the interval.");
	text_add(&t, "resmon_up %d\n", n.row != NULL && !n.stale);
	if (n.row != NULL) {
		metric_head(&t, "resmon_last_sample_timestamp_seconds",
		    "Time of the newest row, Unix seconds.");
		text_add(&t, "resmon_last_sample_timestamp_seconds %lld\n",
		    (long long)n.row->t);
	}
	if (n.row != NULL && !n.stale) {
		recording = api_recording(api, r->now);
		if (recording >= 0) {
			metric_head(&t, "resmon_recording",
			    "1 when resmond records (absent: unreachable).");
			text_add(&t, "resmon_recording %d\n", recording);
		}
		metrics_row(&t, &n);
	}
	reply_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", NULL,
	    t.s, t.len);
out:
	newest_free(&n);
	free(t.s);
}

/* "+04:00" for an offset in seconds east of UTC. */
static void
format_offset(int off_s, char buf[8])
{
	int a = off_s < 0 ? -off_s : off_s;

	snprintf(buf, 8, "%c%02d:%02d", off_s < 0 ? '-' : '+', a / 3600 % 100,
	    a / 60 % 60);
}

void
route_health(struct api *api, struct api_req *r)
{
	struct json_object *o;
	char ts[TIMESTAMP_LEN + 1], off[8];
	struct newest n;
	struct errmsg err;
	struct tm tm;
	bool readable;

	if (memo_answer(api, r, MEMO_HEALTH))
		return;
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "version",
	    json_object_new_string(PACKAGE_VERSION));
	if (timestamp_format(r->now, ts, NULL) == 0)
		json_object_object_add(o, "time", json_object_new_string(ts));
	if (localtime_r(&r->now, &tm) != NULL) {
		json_object_object_add(o, "zone",
		    json_object_new_string(tm.tm_zone));
		format_offset((int)tm.tm_gmtoff, off);
		json_object_object_add(o, "utc_offset",
		    json_object_new_string(off));
	}
	readable = access(api->data_dir, R_OK | X_OK) == 0;
	json_object_object_add(o, "data_dir_readable",
	    json_object_new_boolean(readable));
	json_object_object_add(o, "recorder_reachable",
	    json_object_new_boolean(api_recording(api, r->now) >= 0));
	if (newest_find(api, r->now, &n, &err) == -1)
		json_object_object_add(o, "data_error",
		    json_object_new_string(err.msg));
	if (n.row != NULL) {
		format_offset(n.row->utcoff_s, off);
		json_object_object_add(o, "newest_row",
		    json_object_new_string_len(n.row->cell[DAYCOL_TIME],
		        (int)n.row->cell_len[DAYCOL_TIME]));
		json_object_object_add(o, "newest_row_age_s",
		    json_object_new_int64(n.age_s));
		json_object_object_add(o, "data_utc_offset",
		    json_object_new_string(off));
		/* The recorder's zone gave the row its offset: ours must give
		 * the same offset for the same instant, or "today" differs. */
		json_object_object_add(o, "tz_mismatch",
		    json_object_new_boolean(
		        localtime_r(&n.row->t, &tm) == NULL ||
		        tm.tm_gmtoff != n.row->utcoff_s));
	} else {
		json_object_object_add(o, "newest_row", NULL);
		json_object_object_add(o, "newest_row_age_s", NULL);
		json_object_object_add(o, "data_utc_offset", NULL);
		json_object_object_add(o, "tz_mismatch",
		    json_object_new_boolean(false));
	}
	json_object_object_add(o, "stale",
	    json_object_new_boolean(n.row == NULL || n.stale));
	newest_free(&n);
	reply_json(r, 200, o);
}
