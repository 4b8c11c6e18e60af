/* daylist.h - the day files of a data folder, their summaries cached */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DAYLIST_H
#define RESMON_DAYLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errmsg.h"
#include "timestamp.h"

struct daysummary;

/* "YYYY-MM-DD.csv" */
#define DAYLIST_NAME_LEN (DAYDATE_LEN + 4)

/* One day file; every field is the caller's to read. */
struct dayentry {
	struct daydate date;
	char name[DAYLIST_NAME_LEN + 1];
	off_t size; /* st_size when listed; the summary's when there is one */
	/*
	 * NULL when the file could not be summarised; err then says why:
	 * EINVAL "YYYY-MM-DD.csv:LINE: problem" for a file that cannot be
	 * parsed, another errno value for one that cannot be read.
	 */
	struct daysummary *summary;
	struct errmsg err;
	bool from_cache; /* summary (or err) came from the cache file */
};

/* The day files of a folder in date order, oldest first. */
struct daylist {
	size_t n;
	struct dayentry *days;
	/* What the cache did, for -v and tests. */
	size_t n_from_cache; /* entries taken from the cache */
	size_t n_read;       /* entries summarised by reading their file */
	bool cache_written;  /* the cache file was replaced */
	/*
	 * Code 0, or why the cache was ignored or not written (corrupt,
	 * foreign, unreadable, unwritable): never an error of the listing.
	 */
	struct errmsg cache_err;
};

/*
 * Lists the files of data_dir named exactly YYYY-MM-DD.csv for a real
 * date (dot-files, .bad-* copies and anything else are left out) and
 * summarises each with daysummary_new. A file that cannot be summarised
 * is listed with its error. With cache_dir (may be NULL: no cache),
 * summaries are kept in cache_dir/days-HASH (HASH of data_dir's real
 * path) keyed by inode, size and mtime, so unchanged files are not read
 * again; a missing, corrupt or foreign cache is ignored and one that
 * cannot be written is skipped, as cache_err tells. Returns a list the
 * caller frees with daylist_free(), or NULL with err set when data_dir
 * cannot be listed ("DIR: No such file or directory", code ENOENT).
 */
struct daylist *daylist_new(const char *data_dir, const char *cache_dir,
    struct errmsg *err);

/* Frees l and its summaries; NULL does nothing. */
void daylist_free(struct daylist *l);

/*
 * The cache file daylist_new uses for data_dir in cache_dir:
 * "CACHE_DIR/days-" and 16 hex digits. Returns a path the caller frees
 * with free(), or NULL with err set when data_dir has no real path.
 */
char *daylist_cache_path(const char *data_dir, const char *cache_dir,
    struct errmsg *err);

#endif
