/* daylist_int.h - private to daylist: the cache file of summaries */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYLIST_INT_H
#define RESMON_DAYLIST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct daylist;
struct dayentry;
struct errmsg;

/* What says a file is unchanged since it was summarised. */
struct daylist_key {
	uint64_t ino;
	int64_t size;
	int64_t mtime_s;
	uint32_t mtime_ns;
};

/* Beside each entry of a daylist: its key and whether to keep it. */
struct daylist_slot {
	struct daylist_key key;
	bool cacheable;
};

/* A loaded cache: n entries in strictly increasing date order. */
struct daylist_cache {
	size_t n;
	struct dayentry *days; /* summary or err of each, from_cache set */
	struct daylist_key *keys;
	bool *taken; /* moved into a listing already */
};

/* FNV-1a (64 bits) of len bytes. Cannot fail. */
uint64_t daylist_hash(const void *data, size_t len);

/*
 * Loads the cache file at path, written for the folder real_dir on
 * device dev, into cache. Returns 1 when there is none, 0 when loaded,
 * -1 with err set when it is unreadable, corrupt or another folder's;
 * cache is empty unless 0 and freed with daylist_cache_clear().
 */
int daylist_cache_load(const char *path, const char *real_dir, dev_t dev,
    struct daylist_cache *cache, struct errmsg *err);

/*
 * Replaces the cache file at path, through a dot-file and rename(2),
 * with the entries of l whose slot is cacheable. Returns 0, or -1 with
 * err set (the old file is then left as it was).
 */
int daylist_cache_store(const char *path, const char *real_dir, dev_t dev,
    const struct daylist *l, const struct daylist_slot *slots,
    struct errmsg *err);

/* Frees what cache holds and empties it; cannot fail. */
void daylist_cache_clear(struct daylist_cache *cache);

#endif
