/* rendercache.h - plots and narrowed CSVs kept in cache_dir (SPEC §3) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_RENDERCACHE_H
#define RESMON_RENDERCACHE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct errmsg;

/*
 * A rendering is one file per day and parameter set, named by the
 * caller (rendercache_name). Its mtime is set to the mtime its source
 * day files had when it was drawn, so "the day file changed since" is
 * one comparison, nginx's Last-Modified and ETag follow the data, and
 * a file the recorder appended to within the same clock tick is never
 * taken as fresh (see rendercache_commit). Its ctime tells when it was
 * drawn, for the once-per-interval rule of today's file.
 */

/* The newest mtime of the sources (day files) a rendering is drawn from. */
struct rendercache_src {
	struct timespec mtime; /* zero before the first rendercache_add_src */
};

/* Longest name rendercache_name makes. */
#define RENDERCACHE_NAME_MAX 96

/*
 * Writes "KIND-LABEL-HASH.EXT" into name: HASH is 16 hex digits of the
 * canonical parameter text params (the caller makes equal parameter sets
 * give equal text). kind, label and ext are the caller's constants and
 * dates. Returns 0, or -1 with err ENAMETOOLONG.
 */
int rendercache_name(char name[RENDERCACHE_NAME_MAX + 1], const char *kind,
    const char *label, const char *params, const char *ext, struct errmsg *err);

/*
 * Adds the day file at path to src (stat(2)). Returns 0, or -1 with err
 * set (ENOENT for a missing file).
 */
int rendercache_add_src(struct rendercache_src *src, const char *path,
    struct errmsg *err);

/*
 * Whether cache_dir/name may be served for src: it exists and was drawn
 * from sources as they are now, or, with reuse_s > 0, it was drawn less
 * than reuse_s seconds before now (today's file: at most one drawing
 * per interval). Returns 1 (fresh), 0 (absent or stale), or -1 with err
 * set for a cache that cannot be looked at (not ENOENT).
 */
int rendercache_fresh(const char *cache_dir, const char *name,
    const struct rendercache_src *src, unsigned reuse_s, time_t now,
    struct errmsg *err);

/*
 * Opens a new hidden file in cache_dir to draw into. Returns its fd and
 * sets *tmp_path (the caller frees it), or -1 with err set (ENOSPC,
 * EACCES...).
 */
int rendercache_create(const char *cache_dir, char **tmp_path,
    struct errmsg *err);

/*
 * Finishes a drawing: sets its mtime from src (a little older when the
 * source changed less than RENDERCACHE_TICK_NS before now, since a
 * later write in the same tick would keep that mtime), closes fd and
 * renames tmp_path to cache_dir/name. On failure, or with ok false,
 * the temporary file is removed. Returns 0, or -1 with err set.
 */
int rendercache_commit(int fd, const char *tmp_path, const char *cache_dir,
    const char *name, const struct rendercache_src *src, bool ok,
    struct errmsg *err);

/* Coarser than the kernel's file time tick (a jiffy, 1-10 ms). */
#define RENDERCACHE_TICK_NS 50000000L

#endif
