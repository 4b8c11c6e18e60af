/* reply.c - the worker's answers: JSON, problem+json, files via nginx */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "errmsg.h"
#include "xalloc.h"

static const struct {
	int status;
	const char *title;
} titles[] = {
    {200, "OK"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {409, "Conflict"},
    {413, "Content Too Large"},
    {415, "Unsupported Media Type"},
    {500, "Internal Server Error"},
    {503, "Service Unavailable"},
};

static const char *
status_title(int status)
{
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			return titles[i].title;
	return "Error";
}

/* Keeps an answer in m; a failure of the server (5xx) is not kept. */
static void
memo_keep(struct now_memo *m, int status, const char *ctype, const char *extra,
    const char *body, size_t len)
{
	free(m->body);
	free(m->extra);
	m->body = NULL;
	m->extra = NULL;
	if (status >= 500 && status != 503) {
		m->at = 0;
		return;
	}
	m->status = status;
	m->ctype = ctype; /* always a string constant */
	m->extra = extra != NULL ? xstrdup(extra) : NULL;
	m->body = xmalloc(len + 1);
	memcpy(m->body, body, len);
	m->len = len;
}

void
reply_send(struct api_req *r, int status, const char *ctype, const char *extra,
    const char *body, size_t len)
{
	FCGX_Stream *out = r->fcgi->out;
	char *head;

	/* libfcgi's own printf knows no %zu: format with the C library's. */
	head = xasprintf("Status: %d %s\r\nContent-Type: %s\r\n"
	                 "Content-Length: %zu\r\nCache-Control: no-store\r\n"
	                 "%s\r\n",
	    status, status_title(status), ctype, len,
	    extra != NULL ? extra : "");
	FCGX_PutS(head, out);
	free(head);
	if (!r->head && len > 0)
		FCGX_PutStr(body, (int)len, out);
	if (r->memo != NULL)
		memo_keep(r->memo, status, ctype, extra, body, len);
}

void
reply_json(struct api_req *r, int status, struct json_object *obj)
{
	size_t len;
	const char *text;

	text = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	reply_send(r, status, "application/json", NULL, text, len);
	json_object_put(obj);
}

/*
 * Drops "DIR/" from the library's messages and names DIR itself by its
 * key ("cache: cache_dir: Read-only file system"): a client names days,
 * not the server's folders.
 */
static void
strip_dir(char *msg, const char *dir, const char *key)
{
	size_t n = strlen(dir), k = strlen(key);
	char *p = msg;

	while (n > 0 && (p = strstr(p, dir)) != NULL) {
		if (p[n] == '/') {
			memmove(p, p + n + 1, strlen(p + n + 1) + 1);
		} else if (k <= n) {
			memcpy(p, key, k);
			memmove(p + k, p + n, strlen(p + n) + 1);
			p += k;
		} else {
			p += n;
		}
	}
}

/*
 * detail in buf, its control bytes and those from 0x80 up written as
 * \xNN: a message may quote a client's bytes as they came (an interface
 * name not in the file), json-c copies bytes from 0x80 up as they are,
 * and a problem body must be UTF-8 (RFC 8259). Cut short rather than
 * overflow buf. Returns buf.
 */
static const char *
ascii_only(const char *detail, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)detail;
	size_t n = 0;

	for (; *s != '\0' && n + 5 <= size; s++) {
		if (*s >= 0x20 && *s < 0x7f) {
			buf[n++] = (char)*s;
			continue;
		}
		buf[n++] = '\\';
		buf[n++] = 'x';
		buf[n++] = hex[*s >> 4];
		buf[n++] = hex[*s & 0xf];
	}
	buf[n] = '\0';
	return buf;
}

struct json_object *
reply_problem_new(int status, const char *param, const char *detail)
{
	struct json_object *obj = json_object_new_object();
	char shown[ERRMSG_MAX * 4];

	json_object_object_add(obj, "type",
	    json_object_new_string("about:blank"));
	json_object_object_add(obj, "title",
	    json_object_new_string(status_title(status)));
	json_object_object_add(obj, "status", json_object_new_int(status));
	json_object_object_add(obj, "detail",
	    json_object_new_string(ascii_only(detail, shown, sizeof(shown))));
	if (param != NULL)
		json_object_object_add(obj, "parameter",
		    json_object_new_string(param));
	return obj;
}

void
reply_problem_send(struct api_req *r, int status, const char *extra,
    struct json_object *obj)
{
	const char *text;
	size_t len;

	text = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	reply_send(r, status, "application/problem+json", extra, text, len);
	json_object_put(obj);
}

void
reply_problem(struct api_req *r, int status, const char *param,
    const char *extra, const char *fmt, ...)
{
	char detail[ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (status >= 500)
		fprintf(stderr, "resmon-fcgi: %s %s: %d %s\n", r->method,
		    r->path, status, detail);
	strip_dir(detail, r->api->data_dir, "data_dir");
	strip_dir(detail, r->api->cache_dir, "cache_dir");
	reply_problem_send(r, status, extra,
	    reply_problem_new(status, param, detail));
}

void
reply_accel(struct api_req *r, const char *uri, const char *ctype,
    const char *cache, const char *extra)
{
	char *head;

	/* nginx serves the file, with its own validators and HEAD. */
	head = xasprintf("Content-Type: %s\r\nX-Accel-Redirect: %s\r\n%s%s%s%s"
	                 "\r\n",
	    ctype, uri, cache != NULL ? "X-Resmon-Cache: " : "",
	    cache != NULL ? cache : "", cache != NULL ? "\r\n" : "",
	    extra != NULL ? extra : "");
	FCGX_PutS(head, r->fcgi->out);
	free(head);
}

void
reply_error(struct api_req *r, const struct errmsg *err, const char *param)
{
	int status;
	const char *extra = NULL;

	switch (err->code) {
	case ENOENT:
		status = 404;
		break;
	case EINVAL:
	case ERANGE:
	case ENAMETOOLONG:
		status = 400;
		break;
	case EBUSY:
		status = 409;
		break;
	case ENOSPC:
	case EDQUOT:
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EAGAIN:
		status = 503;
		extra = "Retry-After: 5\r\n";
		break;
	default:
		status = 500;
		break;
	}
	reply_problem(r, status, param, extra, "%s", err->msg);
}

void
reply_data_error(struct api_req *r, const struct errmsg *err,
    const char *enoent_param)
{
	switch (err->code) {
	case ENOENT:
		reply_problem(r, 404, enoent_param, NULL, "%s", err->msg);
		break;
	case ENOSPC:
	case EDQUOT:
		reply_problem(r, 503, NULL, "Retry-After: 30\r\n", "%s",
		    err->msg);
		break;
	default:
		reply_problem(r, 500, NULL, NULL, "%s", err->msg);
		break;
	}
}
