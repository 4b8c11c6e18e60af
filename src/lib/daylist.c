/* daylist.c - list a data folder's day files, summaries cached by inode */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daylist.h"
#include "daylist_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daysummary.h"
#include "xalloc.h"

/*
 * A file is cached only once its mtime is this far in the past. Kernels
 * stamp mtime from a coarse clock (ext4: a jiffy; FAT: 2 s), so a file
 * rewritten at the same size within one tick would keep its key; a file
 * last changed before the tick of the listing cannot change unseen
 * (git's "racy clean" rule). Today's file is thus always read afresh.
 */
#define RACY_S 2

static char *
cache_path_of(const char *real_dir, const char *cache_dir)
{
	return xasprintf("%s/days-%016" PRIx64, cache_dir,
	    daylist_hash(real_dir, strlen(real_dir)));
}

char *
daylist_cache_path(const char *data_dir, const char *cache_dir,
    struct errmsg *err)
{
	char *real, *path;

	real = realpath(data_dir, NULL);
	if (real == NULL) {
		ERRMSG_SET(err, errno, "%s: %s", data_dir, strerror(errno));
		return NULL;
	}
	path = cache_path_of(real, cache_dir);
	free(real);
	return path;
}

static void
key_of(const struct stat *st, struct daylist_key *key)
{
	key->ino = (uint64_t)st->st_ino;
	key->size = (int64_t)st->st_size;
	key->mtime_s = (int64_t)st->st_mtim.tv_sec;
	key->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
}

static bool
key_equal(const struct daylist_key *a, const struct daylist_key *b)
{
	return a->ino == b->ino && a->size == b->size &&
	       a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns;
}

static int
dayentry_cmp(const void *a, const void *b)
{
	const struct dayentry *x = a, *y = b;

	return daydate_cmp(&x->date, &y->date);
}

static int
cache_key_cmp(const void *key, const void *elem)
{
	const struct dayentry *e = elem;

	return daydate_cmp(key, &e->date);
}

/* Moves the cached entry of e into e when its key still matches. */
static bool
cache_take(struct daylist_cache *cache, struct dayentry *e,
    const struct daylist_key *key)
{
	struct dayentry *hit;
	size_t i;

	if (cache->n == 0)
		return false;
	hit = bsearch(&e->date, cache->days, cache->n, sizeof(*cache->days),
	    cache_key_cmp);
	if (hit == NULL)
		return false;
	i = (size_t)(hit - cache->days);
	if (cache->taken[i] || !key_equal(&cache->keys[i], key))
		return false;
	cache->taken[i] = true;
	e->summary = hit->summary;
	hit->summary = NULL;
	e->err = hit->err;
	e->size = hit->size;
	e->from_cache = true;
	return true;
}

/* Whether mtime is old enough that the file cannot change unseen. */
static bool
settled(const struct daylist_key *key, const struct timespec *now)
{
	return key->mtime_s < (int64_t)now->tv_sec - RACY_S;
}

/*
 * Summarises e's file. Returns 1 when it vanished meanwhile (drop e),
 * else 0 with e's summary or err filled and *slot's key and cacheable set.
 */
static int
read_entry(int dfd, struct dayentry *e, struct daylist_slot *slot,
    const struct timespec *now)
{
	struct daylist_key after;
	struct stat st;
	int fd;

	/* No O_NOFOLLOW: a day moved to another disk may be a symlink. */
	fd = openat(dfd, e->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		ERRMSG_SET(&e->err, errno, "%s: %s", e->name, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) == -1) {
		ERRMSG_SET(&e->err, errno, "%s: fstat: %s", e->name,
		    strerror(errno));
		goto done;
	}
	key_of(&st, &slot->key);
	e->size = st.st_size;
	if (!S_ISREG(st.st_mode)) {
		ERRMSG_SET(&e->err, EINVAL, "%s: not a regular file", e->name);
		goto done;
	}
	e->summary = daysummary_new(fd, e->name, &e->err);
	if (e->summary != NULL)
		e->size = e->summary->size;
	if (fstat(fd, &st) == -1)
		goto done;
	key_of(&st, &after);
	/* Parse errors are as lasting as summaries; read errors are not. */
	slot->cacheable = key_equal(&slot->key, &after) &&
	                  settled(&after, now) &&
	                  (e->summary != NULL || e->err.code == EINVAL);
done:
	(void)close(fd);
	return 0;
}

/* Adds the day files named in dir to l, sorted; 0 or -1 with err. */
static int
list_names(DIR *dir, const char *data_dir, struct daylist *l,
    struct errmsg *err)
{
	struct dayentry *e;
	struct dirent *de;
	struct daydate date;
	size_t cap = 0;

	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (de == NULL)
			break;
		/* Exactly YYYY-MM-DD.csv: not .bad-*, dot-files, backups. */
		if (strlen(de->d_name) != DAYLIST_NAME_LEN ||
		    memcmp(de->d_name + DAYDATE_LEN, ".csv", 4) != 0 ||
		    daydate_parse(de->d_name, DAYDATE_LEN, &date) == -1)
			continue;
		if (l->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			l->days = xreallocarray(l->days, cap, sizeof(*l->days));
		}
		e = &l->days[l->n++];
		memset(e, 0, sizeof(*e));
		e->date = date;
		memcpy(e->name, de->d_name, DAYLIST_NAME_LEN + 1);
	}
	if (errno != 0)
		return ERRMSG_SET(err, errno, "%s: readdir: %s", data_dir,
		    strerror(errno));
	if (l->n > 0)
		qsort(l->days, l->n, sizeof(*l->days), dayentry_cmp);
	return 0;
}

/* Fills every entry from the cache or its file, dropping vanished ones. */
static void
fill_entries(int dfd, struct daylist *l, struct daylist_slot *slots,
    struct daylist_cache *cache)
{
	struct timespec now;
	struct stat st;
	size_t i, kept = 0;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		now.tv_sec = 0; /* cache nothing */
	for (i = 0; i < l->n; i++) {
		struct dayentry *e = &l->days[i];
		struct daylist_slot *slot = &slots[kept];

		memset(slot, 0, sizeof(*slot));
		if (fstatat(dfd, e->name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
			key_of(&st, &slot->key);
			if (cache_take(cache, e, &slot->key)) {
				slot->cacheable = true;
				l->n_from_cache++;
				l->days[kept++] = *e;
				continue;
			}
		}
		if (read_entry(dfd, e, slot, &now) == 1)
			continue;
		l->n_read++;
		l->days[kept++] = *e;
	}
	l->n = kept;
}

/* Replaces the cache file when what it should hold has changed. */
static void
update_cache(struct daylist *l, const struct daylist_slot *slots,
    const struct daylist_cache *cache, bool rejected, const char *path,
    const char *real_dir, dev_t dev)
{
	size_t i, n_store = 0;
	bool dirty = rejected;

	for (i = 0; i < l->n; i++) {
		n_store += slots[i].cacheable;
		if (slots[i].cacheable && !l->days[i].from_cache)
			dirty = true;
	}
	/* Entries of vanished or changed files are dropped. */
	if (n_store != cache->n)
		dirty = true;
	if (!dirty)
		return;
	if (daylist_cache_store(path, real_dir, dev, l, slots, &l->cache_err) ==
	    0)
		l->cache_written = true;
}

struct daylist *
daylist_new(const char *data_dir, const char *cache_dir, struct errmsg *err)
{
	struct daylist_cache cache = {0, NULL, NULL, NULL};
	struct daylist *l = xcalloc(1, sizeof(*l));
	struct daylist_slot *slots = NULL;
	char *real_dir = NULL, *path = NULL;
	bool rejected = false;
	struct stat st;
	DIR *dir;

	dir = opendir(data_dir);
	if (dir == NULL) {
		ERRMSG_SET(err, errno, "%s: %s", data_dir, strerror(errno));
		goto fail;
	}
	if (fstat(dirfd(dir), &st) == -1) {
		ERRMSG_SET(err, errno, "%s: fstat: %s", data_dir,
		    strerror(errno));
		goto fail;
	}
	if (list_names(dir, data_dir, l, err) == -1)
		goto fail;
	if (cache_dir != NULL) {
		real_dir = realpath(data_dir, NULL);
		if (real_dir == NULL)
			ERRMSG_SET(&l->cache_err, errno, "%s: realpath: %s",
			    data_dir, strerror(errno));
		else
			path = cache_path_of(real_dir, cache_dir);
	}
	if (path != NULL && daylist_cache_load(path, real_dir, st.st_dev,
	                        &cache, &l->cache_err) == -1)
		rejected = true;
	slots = xcalloc(l->n + 1, sizeof(*slots));
	fill_entries(dirfd(dir), l, slots, &cache);
	if (path != NULL)
		update_cache(l, slots, &cache, rejected, path, real_dir,
		    st.st_dev);
	daylist_cache_clear(&cache);
	free(slots);
	free(path);
	free(real_dir);
	(void)closedir(dir);
	return l;
fail:
	if (dir != NULL)
		(void)closedir(dir);
	daylist_free(l);
	return NULL;
}

void
daylist_free(struct daylist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		daysummary_free(l->days[i].summary);
	free(l->days);
	free(l);
}
