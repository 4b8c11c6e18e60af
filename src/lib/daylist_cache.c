/* daylist_cache.c - the file daylist keeps its summaries in, checked */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "daylist.h"
#include "daylist_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dayreader.h"
#include "daysummary.h"
#include "xalloc.h"

/*
 * The cache file, every integer little-endian so a copied file reads
 * the same anywhere (i64 in two's complement):
 *
 *   "RESMONDL" u32 version
 *   u64 st_dev of the data folder, u32 length + its real path
 *   u32 number of entries, the entries in strictly increasing date order
 *   u64 FNV-1a of every byte before it
 *
 * An entry: the date's 10 bytes, the key (u64 inode, i64 size, i64
 * mtime seconds, u32 mtime nanoseconds) and a u8 kind:
 *
 *   CACHE_SUMMARY  i64 valid_end, u8 flags, i64 rows, u8 length (0 or 25)
 *                  + first time, the same for the last time, u32 number
 *                  of interfaces, each u8 length + name
 *   CACHE_ERROR    u16 length + the message of a file that cannot be
 *                  parsed (EINVAL; read errors are not kept)
 *
 * Nothing in it is trusted: lengths are checked against what is left,
 * names and times go through the day file's own checks, and any doubt
 * throws the whole cache away, which only costs a re-read.
 */
#define CACHE_MAGIC "RESMONDL"
#define CACHE_MAGIC_LEN 8
#define CACHE_VERSION 1
/* A century of days with 64 interfaces each makes about 20 MB. */
#define CACHE_MAX (64 * 1024 * 1024)
#define CACHE_SUM_LEN 8

enum cache_kind { CACHE_SUMMARY = 1, CACHE_ERROR = 2 };
#define CACHE_HAS_HEADER 0x01
#define CACHE_TORN_TAIL 0x02

struct outbuf {
	unsigned char *p;
	size_t len, cap;
};

struct cursor {
	const unsigned char *p;
	size_t left;
};

uint64_t
daylist_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* --- encoding ------------------------------------------------------- */

static void
out_bytes(struct outbuf *b, const void *data, size_t n)
{
	if (n > b->cap - b->len) {
		while (n > b->cap - b->len)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

/* Appends the low n_bytes of v, little-endian. */
static void
out_uint(struct outbuf *b, uint64_t v, size_t n_bytes)
{
	unsigned char le[8];
	size_t i;

	for (i = 0; i < n_bytes; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	out_bytes(b, le, n_bytes);
}

static void
out_summary(struct outbuf *b, const struct daysummary *s)
{
	size_t i, len;

	out_uint(b, CACHE_SUMMARY, 1);
	out_uint(b, (uint64_t)s->valid_end, 8);
	out_uint(b,
	    (s->has_header ? CACHE_HAS_HEADER : 0) |
	        (s->torn_tail ? CACHE_TORN_TAIL : 0),
	    1);
	out_uint(b, (uint64_t)s->rows, 8);
	len = strlen(s->first_time);
	out_uint(b, len, 1);
	out_bytes(b, s->first_time, len);
	len = strlen(s->last_time);
	out_uint(b, len, 1);
	out_bytes(b, s->last_time, len);
	out_uint(b, s->n_ifaces, 4);
	for (i = 0; i < s->n_ifaces; i++) {
		/* The reader checked them: 1-15 bytes. */
		len = strlen(s->ifaces[i]);
		out_uint(b, len, 1);
		out_bytes(b, s->ifaces[i], len);
	}
}

/* The cache file's bytes for the cacheable entries of l. */
static void
cache_encode(const struct daylist *l, const struct daylist_slot *slots,
    const char *real_dir, dev_t dev, struct outbuf *b)
{
	const struct dayentry *e;
	size_t i, n = 0, len;

	for (i = 0; i < l->n; i++)
		n += slots[i].cacheable;
	out_bytes(b, CACHE_MAGIC, CACHE_MAGIC_LEN);
	out_uint(b, CACHE_VERSION, 4);
	out_uint(b, (uint64_t)dev, 8);
	out_uint(b, strlen(real_dir), 4);
	out_bytes(b, real_dir, strlen(real_dir));
	out_uint(b, n, 4);
	for (i = 0; i < l->n; i++) {
		if (!slots[i].cacheable)
			continue;
		e = &l->days[i];
		out_bytes(b, e->name, DAYDATE_LEN);
		out_uint(b, slots[i].key.ino, 8);
		out_uint(b, (uint64_t)slots[i].key.size, 8);
		out_uint(b, (uint64_t)slots[i].key.mtime_s, 8);
		out_uint(b, slots[i].key.mtime_ns, 4);
		if (e->summary != NULL) {
			out_summary(b, e->summary);
		} else {
			len = strlen(e->err.msg);
			out_uint(b, CACHE_ERROR, 1);
			out_uint(b, len, 2);
			out_bytes(b, e->err.msg, len);
		}
	}
	out_uint(b, daylist_hash(b->p, b->len), 8);
}

/* --- decoding: every read checked against what is left ---------------- */

static const unsigned char *
in_bytes(struct cursor *c, size_t n)
{
	const unsigned char *p = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

static int
in_uint(struct cursor *c, size_t n_bytes, uint64_t *v)
{
	const unsigned char *p = in_bytes(c, n_bytes);
	size_t i;

	if (p == NULL)
		return -1;
	*v = 0;
	for (i = 0; i < n_bytes; i++)
		*v |= (uint64_t)p[i] << (8 * i);
	return 0;
}

/* An i64 that must be 0..max. */
static int
in_count(struct cursor *c, uint64_t max, int64_t *v)
{
	uint64_t u;

	if (in_uint(c, 8, &u) == -1 || u > max)
		return -1;
	*v = (int64_t)u;
	return 0;
}

/* A time cell of length 0 (no rows) or TIMESTAMP_LEN, as the file had it. */
static int
in_time(struct cursor *c, char buf[TIMESTAMP_LEN + 1], time_t *t, int *off)
{
	const unsigned char *p;
	uint64_t len;

	if (in_uint(c, 1, &len) == -1 || (len != 0 && len != TIMESTAMP_LEN))
		return -1;
	if (len == 0) {
		buf[0] = '\0';
		return 0;
	}
	p = in_bytes(c, TIMESTAMP_LEN);
	if (p == NULL ||
	    timestamp_parse((const char *)p, TIMESTAMP_LEN, t, off) == -1)
		return -1;
	memcpy(buf, p, TIMESTAMP_LEN);
	buf[TIMESTAMP_LEN] = '\0';
	return 0;
}

static int
in_ifaces(struct cursor *c, struct daysummary *s)
{
	const unsigned char *p;
	uint64_t n, len;

	if (in_uint(c, 4, &n) == -1 || (!s->has_header && n != 0) ||
	    n > c->left / 2) /* each name takes at least 2 bytes */
		return -1;
	if (!s->has_header)
		return 0;
	s->ifaces = xcalloc((size_t)n + 1, sizeof(*s->ifaces));
	for (; s->n_ifaces < n; s->n_ifaces++) {
		if (in_uint(c, 1, &len) == -1)
			return -1;
		p = in_bytes(c, (size_t)len);
		if (p == NULL ||
		    !dayreader_iface_name_ok((const char *)p, (size_t)len))
			return -1;
		s->ifaces[s->n_ifaces] = xstrndup((const char *)p, (size_t)len);
	}
	return 0;
}

/* Returns a summary of a file of size bytes, or NULL for a bad entry. */
static struct daysummary *
in_summary(struct cursor *c, int64_t size)
{
	struct daysummary *s = xcalloc(1, sizeof(*s));
	uint64_t flags;
	int64_t rows;

	s->size = (off_t)size;
	if (in_count(c, (uint64_t)size, &s->valid_end) == -1 ||
	    in_uint(c, 1, &flags) == -1 ||
	    (flags & ~(uint64_t)(CACHE_HAS_HEADER | CACHE_TORN_TAIL)) != 0)
		goto fail;
	s->has_header = (flags & CACHE_HAS_HEADER) != 0;
	s->torn_tail = (flags & CACHE_TORN_TAIL) != 0;
	/* A row takes more than one byte: size bounds the count. */
	if (in_count(c, (uint64_t)size < LONG_MAX ? (uint64_t)size : LONG_MAX,
	        &rows) == -1)
		goto fail;
	s->rows = (long)rows;
	if (in_time(c, s->first_time, &s->first_t, &s->first_utcoff_s) == -1 ||
	    in_time(c, s->last_time, &s->last_t, &s->last_utcoff_s) == -1 ||
	    (s->rows == 0) != (s->first_time[0] == '\0') ||
	    (s->rows == 0) != (s->last_time[0] == '\0') ||
	    (s->rows > 0 && !s->has_header) || s->first_t > s->last_t ||
	    in_ifaces(c, s) == -1)
		goto fail;
	return s;
fail:
	daysummary_free(s);
	return NULL;
}

static int
in_error(struct cursor *c, struct errmsg *err)
{
	const unsigned char *p;
	uint64_t len;

	if (in_uint(c, 2, &len) == -1 || len == 0 || len >= ERRMSG_MAX)
		return -1;
	p = in_bytes(c, (size_t)len);
	if (p == NULL || memchr(p, '\0', (size_t)len) != NULL)
		return -1;
	ERRMSG_SET(err, EINVAL, "%.*s", (int)len, (const char *)p);
	return 0;
}

/* Decodes one entry into e and key; returns 0, or -1 for a bad one. */
static int
in_entry(struct cursor *c, const struct daydate *prev, struct dayentry *e,
    struct daylist_key *key)
{
	const unsigned char *p;
	uint64_t u, kind;

	memset(e, 0, sizeof(*e));
	p = in_bytes(c, DAYDATE_LEN);
	if (p == NULL ||
	    daydate_parse((const char *)p, DAYDATE_LEN, &e->date) == -1 ||
	    (prev != NULL && daydate_cmp(prev, &e->date) >= 0))
		return -1;
	memcpy(e->name, p, DAYDATE_LEN);
	memcpy(e->name + DAYDATE_LEN, ".csv", 5);
	if (in_uint(c, 8, &key->ino) == -1 ||
	    in_count(c, INT64_MAX, &key->size) == -1 || in_uint(c, 8, &u) == -1)
		return -1;
	key->mtime_s = (int64_t)u;
	if (in_uint(c, 4, &u) == -1 || u >= 1000000000)
		return -1;
	key->mtime_ns = (uint32_t)u;
	e->size = (off_t)key->size;
	e->from_cache = true;
	if (in_uint(c, 1, &kind) == -1)
		return -1;
	if (kind == CACHE_SUMMARY) {
		e->summary = in_summary(c, key->size);
		return e->summary != NULL ? 0 : -1;
	}
	if (kind == CACHE_ERROR)
		return in_error(c, &e->err);
	return -1;
}

void
daylist_cache_clear(struct daylist_cache *cache)
{
	size_t i;

	for (i = 0; i < cache->n; i++)
		daysummary_free(cache->days[i].summary);
	free(cache->days);
	free(cache->keys);
	free(cache->taken);
	memset(cache, 0, sizeof(*cache));
}

/*
 * Fills cache from the file's bytes; returns 0, or -1 with err set for
 * a cache that is corrupt or another folder's (cache emptied).
 */
static int
cache_decode(const unsigned char *data, size_t len, const char *path,
    const char *real_dir, dev_t dev, struct daylist_cache *cache,
    struct errmsg *err)
{
	struct cursor c = {data, len};
	const unsigned char *p;
	uint64_t u = 0, n, sum;
	size_t cap = 0, bad;

	if (len < CACHE_MAGIC_LEN + CACHE_SUM_LEN ||
	    memcmp(data, CACHE_MAGIC, CACHE_MAGIC_LEN) != 0)
		return ERRMSG_SET(err, EINVAL, "%s: not a day list cache",
		    path);
	c.left -= CACHE_SUM_LEN;
	sum = 0;
	for (u = 0; u < CACHE_SUM_LEN; u++)
		sum |= (uint64_t)data[len - CACHE_SUM_LEN + u] << (8 * u);
	(void)in_bytes(&c, CACHE_MAGIC_LEN);
	if (in_uint(&c, 4, &u) == -1 || u != CACHE_VERSION)
		return ERRMSG_SET(err, EINVAL,
		    "%s: cache version %" PRIu64 ", expected %d", path, u,
		    CACHE_VERSION);
	if (daylist_hash(data, len - CACHE_SUM_LEN) != sum)
		return ERRMSG_SET(err, EINVAL, "%s: bad checksum", path);
	if (in_uint(&c, 8, &u) == -1 || in_uint(&c, 4, &n) == -1 ||
	    (p = in_bytes(&c, (size_t)n)) == NULL)
		goto corrupt;
	if (u != (uint64_t)dev || n != strlen(real_dir) ||
	    memcmp(p, real_dir, (size_t)n) != 0)
		return ERRMSG_SET(err, EINVAL, "%s: cache of another folder",
		    path);
	if (in_uint(&c, 4, &n) == -1)
		goto corrupt;
	for (u = 0; u < n; u++) {
		if (cache->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			cache->days = xreallocarray(cache->days, cap,
			    sizeof(*cache->days));
			cache->keys = xreallocarray(cache->keys, cap,
			    sizeof(*cache->keys));
		}
		if (in_entry(&c,
		        cache->n > 0 ? &cache->days[cache->n - 1].date : NULL,
		        &cache->days[cache->n], &cache->keys[cache->n]) == -1) {
			/* A half-decoded entry may hold a summary. */
			daysummary_free(cache->days[cache->n].summary);
			goto corrupt;
		}
		cache->n++;
	}
	if (c.left != 0)
		goto corrupt;
	cache->taken = xcalloc(cache->n + 1, sizeof(*cache->taken));
	return 0;
corrupt:
	bad = cache->n;
	daylist_cache_clear(cache);
	return ERRMSG_SET(err, EINVAL, "%s: corrupt at entry %zu", path, bad);
}

/*
 * Loads the cache at path into cache. Returns 1 when there was none, 0
 * when loaded, -1 with err set when it was unreadable, corrupt or
 * foreign; cache is empty unless 0.
 */
int
daylist_cache_load(const char *path, const char *real_dir, dev_t dev,
    struct daylist_cache *cache, struct errmsg *err)
{
	unsigned char *data = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t got;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		return ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		ERRMSG_SET(err, errno, "%s: fstat: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CACHE_MAX) {
		ERRMSG_SET(err, EINVAL, "%s: not a day list cache", path);
		goto done;
	}
	data = xmalloc((size_t)st.st_size + 1);
	/* Read to the end, not to st_size: a writer renames, never appends. */
	while ((got = read(fd, data + len, (size_t)st.st_size + 1 - len)) > 0)
		if ((len += (size_t)got) > (size_t)st.st_size) {
			ERRMSG_SET(err, EINVAL, "%s: grew while read", path);
			goto done;
		}
	if (got == -1) {
		ERRMSG_SET(err, errno, "%s: read: %s", path, strerror(errno));
		goto done;
	}
	rc = cache_decode(data, len, path, real_dir, dev, cache, err);
done:
	free(data);
	(void)close(fd);
	return rc;
}

/* Writes b to path through a dot-file and rename(2); 0 or -1 with err. */
static int
write_replace(const char *path, const struct outbuf *b, struct errmsg *err)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	size_t done = 0;
	ssize_t n;
	int fd;

	/* The caller built path as DIR/days-HASH. */
	tmp =
	    xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (done < b->len) {
		n = write(fd, b->p + done, b->len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ERRMSG_SET(err, errno, "%s: write: %s", tmp,
			    strerror(errno));
			goto fail;
		}
		done += (size_t)n;
	}
	/*
	 * No fsync: after a crash a torn cache fails its checksum and is
	 * rebuilt, which is cheaper than a sync on every listing.
	 */
	if (close(fd) == -1) {
		fd = -1;
		ERRMSG_SET(err, errno, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		ERRMSG_SET(err, errno, "%s: rename: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd != -1)
		(void)close(fd);
	(void)unlink(tmp);
	free(tmp);
	return -1;
}

int
daylist_cache_store(const char *path, const char *real_dir, dev_t dev,
    const struct daylist *l, const struct daylist_slot *slots,
    struct errmsg *err)
{
	struct outbuf b = {NULL, 0, 0};
	int rc;

	cache_encode(l, slots, real_dir, dev, &b);
	rc = write_replace(path, &b, err);
	free(b.p);
	return rc;
}
