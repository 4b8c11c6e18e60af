/* render.c - draw into cache_dir once, let nginx send it every time */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "errmsg.h"
#include "rendercache.h"
#include "xalloc.h"

static void
reply_rendering(struct api_req *r, const struct render *rd, const char *name,
    const char *cache)
{
	char uri[sizeof(ACCEL_CACHE) + RENDERCACHE_NAME_MAX];
	char *extra = NULL;

	snprintf(uri, sizeof(uri), "%s%s", ACCEL_CACHE, name);
	if (rd->filename != NULL)
		extra = xasprintf(
		    "Content-Disposition: attachment; filename=\"%s\"\r\n",
		    rd->filename);
	reply_accel(r, uri, rd->ctype, cache, extra);
	free(extra);
}

/* A cache that cannot take the file: 503, the data is fine. */
static void
reply_cache_error(struct api_req *r, const struct errmsg *err)
{
	reply_problem(r, 503, NULL, "Retry-After: 30\r\n", "cache: %s",
	    err->msg);
}

void
render_serve(struct api *api, struct api_req *r, struct render *rd)
{
	char name[RENDERCACHE_NAME_MAX + 1], *tmp = NULL;
	struct errmsg err, draw_err;
	int fresh, fd, drawn;

	if (rendercache_name(name, rd->kind, rd->label, rd->params, rd->ext,
	        &err) == -1) {
		reply_error(r, &err, NULL);
		return;
	}
	fresh = rendercache_fresh(api->cache_dir, name, &rd->src, rd->reuse_s,
	    r->now, &err);
	if (fresh == -1) {
		reply_cache_error(r, &err);
		return;
	}
	if (fresh == 1) {
		reply_rendering(r, rd, name, "hit");
		return;
	}
	fd = rendercache_create(api->cache_dir, &tmp, &err);
	if (fd == -1) {
		reply_cache_error(r, &err);
		return;
	}
	drawn = rd->draw(rd->ctx, fd, tmp, &draw_err);
	if (rendercache_commit(fd, tmp, api->cache_dir, name, &rd->src,
	        drawn == 0, &err) == -1) {
		if (drawn == -1)
			reply_data_error(r, &draw_err, rd->enoent_param);
		else
			reply_cache_error(r, &err);
	} else {
		reply_rendering(r, rd, name, "miss");
	}
	free(tmp);
}
