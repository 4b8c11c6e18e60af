/* treeclean.h - remove old files from a folder tree, tmpwatch-style (SPEC §5)
 */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_TREECLEAN_H
#define RESMON_TREECLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct errmsg;

/* Folders entered below a root at most: one descriptor each stays open. */
#define TREECLEAN_MAX_DEPTH 128

/* What the walk reports through treeclean_opts.report. */
enum treeclean_event {
	TREECLEAN_FILE, /* a file or symlink removed (or, dry, that would be) */
	TREECLEAN_DIR,  /* a folder left empty removed (or would be) */
	TREECLEAN_SKIP, /* not entered or kept: another file system, a */
	                /* mount, a name that changed during the walk */
	TREECLEAN_ERROR, /* a removal or a read failed; the run fails */
};

/*
 * The rules, tmpwatch's with --mtime (or --atime) except where said:
 * - A regular file or a symlink (the link itself, never its target) goes
 *   when its time is before now - age_s; other kinds stay (tmpwatch also
 *   removes sockets).
 * - A folder below the root goes when its time, read before its content
 *   was walked, is before the cutoff and nothing is left in it after the
 *   walk: removing files sets a folder's mtime to now, so reading it
 *   afterwards would keep every folder one more round. Unlike tmpwatch,
 *   folder times are not put back after the walk.
 * - Names matching an exclude glob (fnmatch(3) on the name alone) stay;
 *   an excluded folder is not entered.
 * - Nothing on another file system than the root, no mount point (bind
 *   mounts included, where statx(2) tells) and no folder called
 *   lost+found owned by root is entered.
 * - Everything is opened and removed relative to its folder's
 *   descriptor (openat, fstatat, unlinkat) with O_NOFOLLOW, so the walk
 *   never follows a symlink and never enters a folder swapped for one.
 * - A name that vanishes during the walk is no error; a folder that got
 *   a new entry stays (rmdir's ENOTEMPTY is no error either).
 */
struct treeclean_opts {
	time_t now;
	uint64_t age_s;
	bool atime;   /* judge by access time, not modification time */
	bool dry_run; /* remove nothing, report what would go */
	char *const *exclude;
	size_t n_exclude;
	unsigned max_depth; /* 0 for TREECLEAN_MAX_DEPTH */
	/*
	 * Called for each event with the path (the root as given, then
	 * "/name" per level); why is set for TREECLEAN_SKIP and
	 * TREECLEAN_ERROR, else NULL. Both live only during the call. May be
	 * NULL.
	 */
	void (*report)(void *ctx, enum treeclean_event ev, const char *path,
	    const struct errmsg *why);
	void *ctx;
};

/* Counts of one walk, added to by treeclean_walk. */
struct treeclean_stats {
	uint64_t files, dirs; /* removed (or would be), symlinks as files */
	uint64_t bytes;       /* sizes of the regular files among them */
	uint64_t skipped, errors;
};

/*
 * Opens the folder path for a walk, without following a symlink at its
 * end (trailing slashes do not change that). Returns a descriptor the
 * caller closes, or -1 with err set: ELOOP "PATH: is a symbolic link",
 * ENOTDIR, ENOENT and other errno values of open(2), or EPERM "PATH: is
 * the root folder" for "/" however it is spelt.
 */
int treeclean_open(const char *path, struct errmsg *err);

/*
 * Whether the folder open at fd is the folder dir (symlinks in dir are
 * followed) or lies below it, judged by climbing ".." from fd to "/", so
 * no spelling or symlink of either path fools it. Returns 1 or 0, or -1
 * with err set when dir cannot be opened or the climb fails.
 */
int treeclean_is_within(int fd, const char *dir, struct errmsg *err);

/*
 * Walks the folder open at root_fd (from treeclean_open; it stays open
 * and is never removed) whose path, for reports, is root, by the rules
 * above, adding to *stats. Uses an explicit stack, so no tree can
 * overflow the C stack; a folder deeper than max_depth is an error and
 * not entered, which bounds the descriptors held. Returns 0, or -1 when
 * any error was reported (stats->errors > 0 then).
 */
int treeclean_walk(int root_fd, const char *root,
    const struct treeclean_opts *o, struct treeclean_stats *stats);

#endif
