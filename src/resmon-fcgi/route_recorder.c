/* route_recorder.c - GET /api/v1/recorder, POST .../start and .../stop */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "api.h"
#include "apijson.h"
#include "ctlproto.h"
#include "ctlsock.h"
#include "errmsg.h"
#include "parse.h"

/* A start body is {"interval_s": N} at most: anything longer is wrong. */
#define BODY_MAX 1024
#define CALL_TIMEOUT_MS 3000

/* Sends req to resmond and answers with the recorder object. */
static void
call_resmond(struct api *api, struct api_req *r, const struct ctl_request *req)
{
	char line[CTLPROTO_MAX_REQUEST], *reply;
	struct ctl_status st;
	struct errmsg err;
	ssize_t len;

	reply = malloc(CTLPROTO_MAX_REPLY);
	if (reply == NULL) {
		reply_problem(r, 500, NULL, NULL, "out of memory");
		return;
	}
	ctlproto_format_request(req, line, sizeof(line));
	len = ctlsock_call(api->socket_path, line, reply, CTLPROTO_MAX_REPLY,
	    CALL_TIMEOUT_MS, &err);
	/* What health and metrics said of resmond may have just changed. */
	api->memo[MEMO_HEALTH].at = 0;
	api->memo[MEMO_METRICS].at = 0;
	if (len == -1) {
		api->recording = -1;
		api->ping_at = r->now;
		/* The day files are still served: only control is gone. */
		reply_problem(r, 503, NULL, "Retry-After: 5\r\n",
		    "recorder unreachable: %s", err.msg);
	} else if (ctlproto_parse_reply(reply, (size_t)len, &st, &err) == -1) {
		if (err.code == EBUSY)
			reply_problem(r, 409, NULL, NULL, "%s", err.msg);
		else
			reply_problem(r, err.code == EINVAL ? 400 : 500, NULL,
			    NULL, "recorder: %s", err.msg);
	} else {
		api->recording = st.recording;
		api->ping_at = r->now;
		reply_json(r, 200, apijson_status(&st));
	}
	free(reply);
}

void
route_recorder(struct api *api, struct api_req *r)
{
	struct ctl_request req = {.cmd = CTL_STATUS};

	call_resmond(api, r, &req);
}

void
route_recorder_stop(struct api *api, struct api_req *r)
{
	struct ctl_request req = {.cmd = CTL_STOP};

	call_resmond(api, r, &req);
}

/* "application/json", maybe with parameters ("; charset=utf-8"). */
static bool
is_json_type(const char *ctype)
{
	size_t n = strlen("application/json");

	return strncasecmp(ctype, "application/json", n) == 0 &&
	       (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

/* The whole of text as strict JSON (no trailing bytes), or NULL. */
static struct json_object *
parse_json(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;

	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (obj != NULL &&
	    (json_tokener_get_error(tok) != json_tokener_success ||
	        json_tokener_get_parse_end(tok) != len)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/*
 * Reads the body of start into *interval_s (0 when absent). Returns 0,
 * or -1 after answering 400, 413 or 415.
 */
static int
read_start_body(struct api_req *r, unsigned *interval_s)
{
	const char *clen = FCGX_GetParam("CONTENT_LENGTH", r->fcgi->envp);
	const char *ctype = FCGX_GetParam("CONTENT_TYPE", r->fcgi->envp);
	struct json_object *obj, *val;
	char body[BODY_MAX + 1], shown[ERRMSG_QUOTE_SIZE], *name;
	uint64_t len = 0;
	int n, rc = -1;

	*interval_s = 0;
	if (clen != NULL && *clen != '\0' &&
	    parse_uint(clen, 0, UINT64_MAX, &len) == -1) {
		reply_problem(r, 400, NULL, NULL, "bad Content-Length");
		return -1;
	}
	if (len == 0)
		return 0;
	if (len > BODY_MAX) {
		reply_problem(r, 413, NULL, NULL,
		    "body of %llu bytes: at most %d", (unsigned long long)len,
		    BODY_MAX);
		return -1;
	}
	if (ctype == NULL || !is_json_type(ctype)) {
		reply_problem(r, 415, NULL, NULL,
		    "body must be application/json, not %s",
		    ctype != NULL && *ctype != '\0' ? ctype : "untyped");
		return -1;
	}
	n = FCGX_GetStr(body, (int)len, r->fcgi->in);
	if (n != (int)len) {
		reply_problem(r, 400, NULL, NULL,
		    "body shorter than %llu bytes", (unsigned long long)len);
		return -1;
	}
	body[n] = '\0';
	obj = parse_json(body, (size_t)n);
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		reply_problem(r, 400, NULL, NULL,
		    "body is not a JSON object like {\"interval_s\": 10}");
		goto out;
	}
	json_object_object_foreach(obj, key, v)
	{
		(void)v;
		if (strcmp(key, "interval_s") != 0) {
			name = apijson_utf8(key);
			reply_problem(r, 400, name, NULL,
			    "unknown field \"%s\" (only interval_s)",
			    errmsg_quote(key, strlen(key), shown));
			free(name);
			goto out;
		}
	}
	if (json_object_object_get_ex(obj, "interval_s", &val)) {
		errno = 0;
		if (!json_object_is_type(val, json_type_int) ||
		    json_object_get_int64(val) < 1 ||
		    json_object_get_int64(val) > 3600) {
			reply_problem(r, 400, "interval_s", NULL,
			    "interval_s must be a whole number of seconds, "
			    "1-3600");
			goto out;
		}
		*interval_s = (unsigned)json_object_get_int64(val);
	}
	rc = 0;
out:
	json_object_put(obj);
	return rc;
}

void
route_recorder_start(struct api *api, struct api_req *r)
{
	struct ctl_request req = {.cmd = CTL_START};

	if (read_start_body(r, &req.interval_s) == 0)
		call_resmond(api, r, &req);
}
