/* rendercache.c - plots and narrowed CSVs kept in cache_dir (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "rendercache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "xalloc.h"

/* FNV-1a: names only need to tell parameter sets apart, not resist
 * anyone (the parameters are validated before they get here). */
static uint64_t
hash_text(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
rendercache_name(char name[RENDERCACHE_NAME_MAX + 1], const char *kind,
    const char *label, const char *params, const char *ext, struct errmsg *err)
{
	int n;

	n = snprintf(name, RENDERCACHE_NAME_MAX + 1, "%s-%s-%016llx.%s", kind,
	    label, (unsigned long long)hash_text(params), ext);
	if (n < 0 || n > RENDERCACHE_NAME_MAX)
		return ERRMSG_SET(err, ENAMETOOLONG,
		    "cache name for %s-%s too long", kind, label);
	return 0;
}

static int
ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

int
rendercache_add_src(struct rendercache_src *src, const char *path,
    struct errmsg *err)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	if (ts_cmp(&st.st_mtim, &src->mtime) > 0)
		src->mtime = st.st_mtim;
	return 0;
}

int
rendercache_fresh(const char *cache_dir, const char *name,
    const struct rendercache_src *src, unsigned reuse_s, time_t now,
    struct errmsg *err)
{
	struct stat st;
	char *path;
	int error = 0;

	path = xasprintf("%s/%s", cache_dir, name);
	if (stat(path, &st) == -1) {
		error = errno;
		if (error != ENOENT)
			ERRMSG_SET(err, error, "%s: %s", path, strerror(error));
	}
	free(path);
	if (error != 0)
		return error == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (ts_cmp(&st.st_mtim, &src->mtime) == 0)
		return 1;
	/* ctime is when the drawing was renamed into place. */
	return reuse_s > 0 && st.st_ctim.tv_sec <= now &&
	       now - st.st_ctim.tv_sec < (time_t)reuse_s;
}

int
rendercache_create(const char *cache_dir, char **tmp_path, struct errmsg *err)
{
	char *path;
	int fd;

	path = xasprintf("%s/.render-XXXXXX", cache_dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s", cache_dir, strerror(errno));
		free(path);
		return -1;
	}
	/* nginx (another user) reads it; mkostemp makes 0600. */
	if (fchmod(fd, 0644) == -1) {
		ERRMSG_SET(err, errno, "%s: chmod: %s", path, strerror(errno));
		(void)unlink(path);
		(void)close(fd);
		free(path);
		return -1;
	}
	*tmp_path = path;
	return fd;
}

/* The mtime to give a drawing of src, as of the real time now. */
static struct timespec
drawn_mtime(const struct rendercache_src *src, const struct timespec *now)
{
	struct timespec t = src->mtime;
	long long age_ns;

	age_ns = (long long)(now->tv_sec - t.tv_sec) * 1000000000LL +
	         (now->tv_nsec - t.tv_nsec);
	if (age_ns >= RENDERCACHE_TICK_NS)
		return t;
	/* A write later in this tick would not move the source's mtime:
	 * make the drawing older than it, so the next request redraws. */
	if (t.tv_nsec > 0) {
		t.tv_nsec--;
	} else {
		t.tv_sec--;
		t.tv_nsec = 999999999L;
	}
	return t;
}

int
rendercache_commit(int fd, const char *tmp_path, const char *cache_dir,
    const char *name, const struct rendercache_src *src, bool ok,
    struct errmsg *err)
{
	struct timespec now, times[2];
	char *path = NULL;

	if (!ok)
		goto fail;
	if (clock_gettime(CLOCK_REALTIME, &now) == -1) {
		ERRMSG_SET(err, errno, "clock_gettime: %s", strerror(errno));
		goto fail;
	}
	times[0].tv_sec = 0;
	times[0].tv_nsec = UTIME_OMIT;
	times[1] = drawn_mtime(src, &now);
	if (futimens(fd, times) == -1) {
		ERRMSG_SET(err, errno, "%s: futimens: %s", tmp_path,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		ERRMSG_SET(err, errno, "%s: %s", tmp_path, strerror(errno));
		goto fail;
	}
	fd = -1;
	path = xasprintf("%s/%s", cache_dir, name);
	if (rename(tmp_path, path) == -1) {
		ERRMSG_SET(err, errno, "%s: rename: %s", path, strerror(errno));
		goto fail;
	}
	free(path);
	return 0;
fail:
	if (fd != -1)
		(void)close(fd);
	(void)unlink(tmp_path);
	free(path);
	return -1;
}
