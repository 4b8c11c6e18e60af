/* test_treeclean.c - removing old files from temporary trees, and only those */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "treeclean.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

#define DAY 86400
#define OLD (2 * DAY) /* older than the age of every walk here */
#define NEW 60

/* A tree per test: ROOT/ is cleaned, OUTSIDE/ must never be touched. */
struct world {
	char *tmp, *root, *outside;
	time_t now;
	/* What the walk reported: "F rel", "D rel", "S msg", "E msg". */
	char **events;
	size_t n_events;
	/* Called after each report, to change the tree meanwhile. */
	void (*on_event)(struct world *w, enum treeclean_event ev,
	    const char *rel);
};

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof(*w));

	w->tmp = testutil_mkdtemp();
	w->root = xasprintf("%s/root", w->tmp);
	w->outside = xasprintf("%s/outside", w->tmp);
	assert_int_equal(mkdir(w->root, 0755), 0);
	assert_int_equal(mkdir(w->outside, 0755), 0);
	w->now = time(NULL);
	*state = w;
	return 0;
}

static void
events_clear(struct world *w)
{
	while (w->n_events > 0)
		free(w->events[--w->n_events]);
	free(w->events);
	w->events = NULL;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	events_clear(w);
	testutil_rm_rf(w->tmp);
	free(w->tmp);
	free(w->root);
	free(w->outside);
	free(w);
	return 0;
}

/* "ROOT/rel", or ROOT for "". Caller frees. */
static char *
at(const struct world *w, const char *rel)
{
	return *rel == '\0' ? xstrdup(w->root)
	                    : xasprintf("%s/%s", w->root, rel);
}

/* Sets both times of path (not following a symlink) to age_s ago. */
static void
age_path(const struct world *w, const char *path, time_t age_s)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = w->now - age_s;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) == -1)
		fail_msg("utimensat %s: %s", path, strerror(errno));
}

static void
age(const struct world *w, const char *rel, time_t age_s)
{
	char *path = at(w, rel);

	age_path(w, path, age_s);
	free(path);
}

/* ROOT/rel with size bytes, both times age_s ago. */
static void
mkfile(const struct world *w, const char *rel, size_t size, time_t age_s)
{
	char *path = at(w, rel), *data = xcalloc(1, size + 1);

	memset(data, 'x', size);
	testutil_write_file(path, data, size);
	age_path(w, path, age_s);
	free(data);
	free(path);
}

/* ROOT/rel as a folder; age it with age() once its content is made. */
static void
mkfolder(const struct world *w, const char *rel)
{
	char *path = at(w, rel);

	if (mkdir(path, 0755) == -1)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	free(path);
}

/* ROOT/rel as a symlink to target, its own times age_s ago. */
static void
mklink(const struct world *w, const char *rel, const char *target, time_t age_s)
{
	char *path = at(w, rel);

	if (symlink(target, path) == -1)
		fail_msg("symlink %s: %s", path, strerror(errno));
	age_path(w, path, age_s);
	free(path);
}

static bool
exists(const struct world *w, const char *rel)
{
	struct stat st;
	char *path = at(w, rel);
	int rc = lstat(path, &st);

	free(path);
	return rc == 0;
}

static void
on_report(void *ctx, enum treeclean_event ev, const char *path,
    const struct errmsg *why)
{
	static const char kinds[] = "FDSE";
	struct world *w = ctx;
	size_t len = strlen(w->root);
	const char *rel;

	assert_int_equal(strncmp(path, w->root, len), 0);
	rel = path[len] == '/' ? path + len + 1 : path + len;
	assert_true(ev == TREECLEAN_FILE || ev == TREECLEAN_DIR ? why == NULL
	                                                        : why != NULL);
	w->events =
	    xreallocarray(w->events, w->n_events + 1, sizeof(*w->events));
	w->events[w->n_events++] =
	    xasprintf("%c %s", kinds[ev], why != NULL ? why->msg : rel);
	if (w->on_event != NULL)
		w->on_event(w, ev, rel);
}

/* The events joined by "|", for one comparison. Caller frees. */
static char *
events_joined(const struct world *w)
{
	char *s = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < w->n_events; i++) {
		next = xasprintf("%s%s%s", s, i > 0 ? "|" : "", w->events[i]);
		free(s);
		s = next;
	}
	return s;
}

static void
assert_events(const struct world *w, const char *want)
{
	char *got = events_joined(w);

	if (strcmp(got, want) != 0)
		fail_msg("events\n  got  %s\n  want %s", got, want);
	free(got);
}

static void
opts_init(struct world *w, struct treeclean_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->now = w->now;
	o->age_s = DAY;
	o->report = on_report;
	o->ctx = w;
}

/* Walks ROOT (as path root_arg if not NULL) and returns the walk's result. */
static int
walk_as(struct world *w, const struct treeclean_opts *o,
    struct treeclean_stats *st, const char *root_arg)
{
	struct errmsg err;
	int fd, rc;

	memset(st, 0, sizeof(*st));
	events_clear(w);
	fd = treeclean_open(w->root, &err);
	if (fd == -1)
		fail_msg("treeclean_open: %s", err.msg);
	rc = treeclean_walk(fd, root_arg != NULL ? root_arg : w->root, o, st);
	assert_int_equal(close(fd), 0);
	return rc;
}

static int
walk(struct world *w, const struct treeclean_opts *o,
    struct treeclean_stats *st)
{
	return walk_as(w, o, st, NULL);
}

static void
test_treeclean_removes_old_files_and_keeps_new_ones(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfile(w, "old.png", 100, OLD);
	mkfile(w, "new.png", 10, NEW);
	mkfile(w, "just-over.csv", 7, DAY + 1);
	mkfile(w, "just-under.csv", 7, DAY - 1);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F just-over.csv|F old.png");
	assert_false(exists(w, "old.png"));
	assert_false(exists(w, "just-over.csv"));
	assert_true(exists(w, "new.png"));
	assert_true(exists(w, "just-under.csv"));
	assert_int_equal(st.files, 2);
	assert_int_equal(st.bytes, 107);
	assert_int_equal(st.dirs, 0);
	assert_int_equal(st.errors, 0);
}

static void
test_treeclean_judges_by_access_time_with_atime(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;
	struct timespec ts[2];
	char *path;

	mkfile(w, "read-lately", 1, OLD);
	mkfile(w, "written-lately", 1, OLD);
	path = at(w, "read-lately");
	ts[0].tv_sec = w->now - NEW; /* atime */
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 0;
	ts[1].tv_nsec = UTIME_OMIT;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
	path = at(w, "written-lately");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = w->now - NEW; /* mtime */
	ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	free(path);
	opts_init(w, &o);
	o.atime = true;
	o.dry_run = true;
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F written-lately");
	o.atime = false;
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F read-lately");
}

static void
test_treeclean_removes_old_symlink_but_not_its_target(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;
	char *target = xasprintf("%s/precious", w->outside);
	char *target_dir = xasprintf("%s/dir", w->outside);
	char *inside = xasprintf("%s/dir/old-file", w->outside);
	struct stat sb;

	testutil_write_file(target, "keep", 4);
	age_path(w, target, OLD);
	assert_int_equal(mkdir(target_dir, 0755), 0);
	testutil_write_file(inside, "keep", 4);
	age_path(w, inside, OLD);
	mklink(w, "to-file", target, OLD);
	mklink(w, "to-dir", target_dir, OLD);
	mklink(w, "new-link", target, NEW);
	mklink(w, "dangling", "/nonexistent/resmon-test", OLD);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F dangling|F to-dir|F to-file");
	assert_false(exists(w, "to-file"));
	assert_false(exists(w, "to-dir"));
	assert_true(exists(w, "new-link"));
	assert_int_equal(lstat(target, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(lstat(inside, &sb), 0);
	free(target);
	free(target_dir);
	free(inside);
}

static void
test_treeclean_removes_old_folder_it_emptied_but_never_root(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfolder(w, "a");
	mkfolder(w, "a/b");
	mkfile(w, "a/b/old", 5, OLD);
	mkfile(w, "a/old", 5, OLD);
	mkfolder(w, "empty-old");
	age(w, "a/b", OLD);
	age(w, "a", OLD);
	age(w, "empty-old", OLD);
	age(w, "", OLD);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F a/b/old|D a/b|F a/old|D a|D empty-old");
	assert_false(exists(w, "a"));
	assert_false(exists(w, "empty-old"));
	assert_true(exists(w, ""));
	assert_int_equal(st.files, 2);
	assert_int_equal(st.dirs, 3);
}

static void
test_treeclean_keeps_folder_that_is_new_or_not_empty(void **state)
{
	struct world *w = *state;
	char *fifo = at(w, "fifo-dir/fifo");
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfolder(w, "new-dir");
	mkfile(w, "new-dir/old", 1, OLD);
	mkfolder(w, "old-dir");
	mkfile(w, "old-dir/old", 1, OLD);
	mkfile(w, "old-dir/new", 1, NEW);
	mkfolder(w, "fifo-dir");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	age_path(w, fifo, OLD);
	age(w, "new-dir", NEW);
	age(w, "old-dir", OLD);
	age(w, "fifo-dir", OLD);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F new-dir/old|F old-dir/old");
	assert_true(exists(w, "new-dir"));
	assert_true(exists(w, "old-dir/new"));
	assert_true(exists(w, "fifo-dir/fifo"));
	free(fifo);
}

static void
test_treeclean_keeps_excluded_names_and_skips_excluded_folders(void **state)
{
	struct world *w = *state;
	char *exclude[] = {"*.keep", "pinned"};
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfile(w, "a.keep", 1, OLD);
	mkfile(w, "a.png", 1, OLD);
	mkfolder(w, "pinned");
	mkfile(w, "pinned/old", 1, OLD);
	mkfolder(w, "sub");
	mkfile(w, "sub/b.keep", 1, OLD);
	mkfile(w, "sub/pinned", 1, OLD);
	mkfile(w, "sub/c.png", 1, OLD);
	age(w, "pinned", OLD);
	age(w, "sub", OLD);
	opts_init(w, &o);
	o.exclude = exclude;
	o.n_exclude = 2;
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F a.png|F sub/c.png");
	assert_true(exists(w, "a.keep"));
	assert_true(exists(w, "pinned/old"));
	assert_true(exists(w, "sub/b.keep"));
	assert_true(exists(w, "sub/pinned"));
}

static void
test_treeclean_dry_run_removes_nothing_and_reports_same_paths(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats dry, real;
	char *dry_events, *real_events;

	mkfolder(w, "x");
	mkfolder(w, "x/y");
	mkfile(w, "x/y/old", 3, OLD);
	mkfile(w, "x/old", 4, OLD);
	mkfolder(w, "z");
	mkfile(w, "z/new", 1, NEW);
	mkfile(w, "z/old", 5, OLD);
	mklink(w, "link", "/etc/passwd", OLD);
	mkfile(w, "top", 6, OLD);
	age(w, "x/y", OLD);
	age(w, "x", OLD);
	age(w, "z", OLD);
	opts_init(w, &o);
	o.dry_run = true;
	assert_int_equal(walk(w, &o, &dry), 0);
	dry_events = events_joined(w);
	assert_true(exists(w, "x/y/old"));
	assert_true(exists(w, "x/y"));
	assert_true(exists(w, "link"));
	assert_true(exists(w, "top"));
	o.dry_run = false;
	assert_int_equal(walk(w, &o, &real), 0);
	real_events = events_joined(w);
	assert_string_equal(dry_events, real_events);
	assert_string_equal(real_events,
	    "F link|F top|F x/old|F x/y/old|D x/y|D x|F z/old");
	assert_int_equal(dry.files, real.files);
	assert_int_equal(dry.bytes, real.bytes);
	assert_int_equal(dry.dirs, real.dirs);
	assert_false(exists(w, "x"));
	assert_true(exists(w, "z/new"));
	free(dry_events);
	free(real_events);
}

/* Removes the files "b" and "c" of the folder of the first removal. */
static void
remove_siblings(struct world *w, enum treeclean_event ev, const char *rel)
{
	char *b, *c;

	if (ev != TREECLEAN_FILE || strcmp(rel, "d/a") != 0)
		return;
	b = at(w, "d/b");
	c = at(w, "d/c");
	assert_int_equal(unlink(b), 0);
	testutil_rm_rf(c);
	free(b);
	free(c);
}

static void
test_treeclean_takes_vanished_names_for_no_error(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfolder(w, "d");
	mkfile(w, "d/a", 1, OLD);
	mkfile(w, "d/b", 1, OLD);
	mkfolder(w, "d/c");
	mkfile(w, "d/c/old", 1, OLD);
	age(w, "d/c", OLD);
	age(w, "d", OLD);
	w->on_event = remove_siblings;
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F d/a|D d");
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.files, 1);
	assert_false(exists(w, "d"));
}

/* Puts a new file into "e" once its old one is gone. */
static void
add_file(struct world *w, enum treeclean_event ev, const char *rel)
{
	char *path;

	if (ev != TREECLEAN_FILE || strcmp(rel, "e/old") != 0)
		return;
	path = at(w, "e/arrived");
	testutil_write_file(path, "new", 3);
	free(path);
}

static void
test_treeclean_keeps_folder_that_got_new_file_meanwhile(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfolder(w, "e");
	mkfile(w, "e/old", 1, OLD);
	age(w, "e", OLD);
	w->on_event = add_file;
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_events(w, "F e/old");
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.dirs, 0);
	assert_true(exists(w, "e/arrived"));
}

/* Swaps the folder "b" for a symlink to OUTSIDE once "a" is gone. */
static void
swap_for_link(struct world *w, enum treeclean_event ev, const char *rel)
{
	char *b = at(w, "b"), *moved = xasprintf("%s/moved-b", w->tmp);

	if (ev == TREECLEAN_FILE && strcmp(rel, "a") == 0) {
		assert_int_equal(rename(b, moved), 0);
		assert_int_equal(symlink(w->outside, b), 0);
		age_path(w, b, OLD);
	}
	free(b);
	free(moved);
}

static void
test_treeclean_never_enters_folder_swapped_for_symlink(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;
	char *victim = xasprintf("%s/victim", w->outside);
	struct stat sb;

	testutil_write_file(victim, "keep", 4);
	age_path(w, victim, OLD);
	mkfile(w, "a", 1, OLD);
	mkfolder(w, "b");
	mkfile(w, "b/old", 1, OLD);
	age(w, "b", OLD);
	w->on_event = swap_for_link;
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	/* The link itself is old, so it goes; what it points to stays. */
	assert_events(w, "F a|F b");
	assert_int_equal(lstat(victim, &sb), 0);
	free(victim);
}

static void
test_treeclean_reports_paths_without_double_slash(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;
	char *slashed = xasprintf("%s//", w->root);

	mkfolder(w, "s");
	mkfile(w, "s/old", 1, OLD);
	opts_init(w, &o);
	assert_int_equal(walk_as(w, &o, &st, slashed), 0);
	assert_events(w, "F s/old");
	free(slashed);
}

/* Makes ROOT/d1/d2/.../dN with an old file at every level. */
static void
mkchain(const struct world *w, int n)
{
	char *rel = xstrdup(""), *next, *file;
	int i;

	for (i = 1; i <= n; i++) {
		next = xasprintf("%s%sd", rel, i > 1 ? "/" : "");
		free(rel);
		rel = next;
		mkfolder(w, rel);
		file = xasprintf("%s/f", rel);
		mkfile(w, file, 1, OLD);
		free(file);
	}
	free(rel);
}

static void
test_treeclean_stops_at_depth_limit_with_error(void **state)
{
	struct world *w = *state;
	char *want;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkchain(w, 4);
	opts_init(w, &o);
	o.max_depth = 2;
	assert_int_equal(walk(w, &o, &st), -1);
	want = xasprintf("E %s/d/d/d: deeper than 2 folders, not entered|"
	                 "F d/d/f|F d/f",
	    w->root);
	assert_events(w, want);
	free(want);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.files, 2);
	assert_true(exists(w, "d/d/d/f"));
}

static void
test_treeclean_walks_deep_tree_without_recursion(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkchain(w, TREECLEAN_MAX_DEPTH);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	assert_int_equal(st.files, TREECLEAN_MAX_DEPTH);
	assert_int_equal(st.errors, 0);
	assert_false(exists(w, "d/f"));
	/* The folders were new, so they stay, empty. */
	assert_true(exists(w, "d/d"));
}

static void
test_treeclean_reports_error_when_out_of_descriptors(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;
	struct rlimit saved, low;
	struct errmsg err;
	int fd, probe, rc;

	mkfolder(w, "a");
	mkfile(w, "a/old", 1, OLD);
	mkfile(w, "old", 1, OLD);
	opts_init(w, &o);
	events_clear(w);
	memset(&st, 0, sizeof(st));
	fd = treeclean_open(w->root, &err);
	assert_true(fd >= 0);
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(probe > fd);
	assert_int_equal(close(probe), 0);
	/* One descriptor to spare: enough to list ROOT and open a. */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = (rlim_t)probe + 1;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	rc = treeclean_walk(fd, w->root, &o, &st);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(rc, -1);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.files, 1);
	assert_true(w->n_events == 2);
	assert_non_null(strstr(w->events[0], "/a: read folder: "));
	assert_string_equal(w->events[1], "F old");
	assert_true(exists(w, "a/old"));
}

static void
test_treeclean_keeps_lost_and_found_only_when_root_owns_it(void **state)
{
	struct world *w = *state;
	struct treeclean_opts o;
	struct treeclean_stats st;

	mkfolder(w, "lost+found");
	mkfile(w, "lost+found/#1234", 1, OLD);
	age(w, "lost+found", OLD);
	opts_init(w, &o);
	assert_int_equal(walk(w, &o, &st), 0);
	/* Run by a user, the folder is the user's: a name alone saves none. */
	if (getuid() == 0) {
		assert_events(w, "");
		assert_true(exists(w, "lost+found/#1234"));
	} else {
		assert_events(w, "F lost+found/#1234|D lost+found");
	}
}

static void
test_treeclean_open_refuses_symlink_even_with_slash(void **state)
{
	struct world *w = *state;
	char *link = xasprintf("%s/link", w->tmp);
	char *slashed = xasprintf("%s/link/", w->tmp);
	struct errmsg err;

	assert_int_equal(symlink(w->root, link), 0);
	assert_int_equal(treeclean_open(link, &err), -1);
	assert_int_equal(err.code, ELOOP);
	assert_non_null(strstr(err.msg, "link: is a symbolic link"));
	assert_int_equal(treeclean_open(slashed, &err), -1);
	assert_int_equal(err.code, ELOOP);
	free(link);
	free(slashed);
}

static void
test_treeclean_open_refuses_root_folder_however_spelt(void **state)
{
	static const char *const roots[] = {"/", "//", "/.", "/..", "/etc/.."};
	struct errmsg err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		assert_int_equal(treeclean_open(roots[i], &err), -1);
		assert_int_equal(err.code, EPERM);
		assert_non_null(strstr(err.msg, "is the root folder"));
	}
}

static void
test_treeclean_open_fails_for_missing_folder_or_file(void **state)
{
	struct world *w = *state;
	char *gone = xasprintf("%s/gone", w->tmp);
	struct errmsg err;

	assert_int_equal(treeclean_open(gone, &err), -1);
	assert_int_equal(err.code, ENOENT);
	mkfile(w, "file", 1, NEW);
	free(gone);
	gone = at(w, "file");
	assert_int_equal(treeclean_open(gone, &err), -1);
	assert_int_equal(err.code, ENOTDIR);
	free(gone);
}

static void
test_treeclean_is_within_climbs_to_cache_folder(void **state)
{
	struct world *w = *state;
	char *sub = at(w, "sub"), *link = xasprintf("%s/cache-link", w->tmp);
	char *gone = xasprintf("%s/gone", w->tmp);
	struct errmsg err;
	int root_fd, sub_fd, out_fd;

	mkfolder(w, "sub");
	assert_int_equal(symlink(w->root, link), 0);
	root_fd = treeclean_open(w->root, &err);
	sub_fd = treeclean_open(sub, &err);
	out_fd = treeclean_open(w->outside, &err);
	assert_true(root_fd >= 0 && sub_fd >= 0 && out_fd >= 0);
	assert_int_equal(treeclean_is_within(root_fd, w->root, &err), 1);
	assert_int_equal(treeclean_is_within(sub_fd, w->root, &err), 1);
	assert_int_equal(treeclean_is_within(sub_fd, link, &err), 1);
	assert_int_equal(treeclean_is_within(out_fd, w->root, &err), 0);
	assert_int_equal(treeclean_is_within(root_fd, sub, &err), 0);
	assert_int_equal(treeclean_is_within(root_fd, gone, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(close(root_fd), 0);
	assert_int_equal(close(sub_fd), 0);
	assert_int_equal(close(out_fd), 0);
	free(sub);
	free(link);
	free(gone);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_treeclean_removes_old_files_and_keeps_new_ones),
	    T(test_treeclean_judges_by_access_time_with_atime),
	    T(test_treeclean_removes_old_symlink_but_not_its_target),
	    T(test_treeclean_removes_old_folder_it_emptied_but_never_root),
	    T(test_treeclean_keeps_folder_that_is_new_or_not_empty),
	    T(test_treeclean_keeps_excluded_names_and_skips_excluded_folders),
	    T(test_treeclean_dry_run_removes_nothing_and_reports_same_paths),
	    T(test_treeclean_takes_vanished_names_for_no_error),
	    T(test_treeclean_keeps_folder_that_got_new_file_meanwhile),
	    T(test_treeclean_never_enters_folder_swapped_for_symlink),
	    T(test_treeclean_reports_paths_without_double_slash),
	    T(test_treeclean_stops_at_depth_limit_with_error),
	    T(test_treeclean_walks_deep_tree_without_recursion),
	    T(test_treeclean_reports_error_when_out_of_descriptors),
	    T(test_treeclean_keeps_lost_and_found_only_when_root_owns_it),
	    T(test_treeclean_open_refuses_symlink_even_with_slash),
	    T(test_treeclean_open_refuses_root_folder_however_spelt),
	    T(test_treeclean_open_fails_for_missing_folder_or_file),
	    T(test_treeclean_is_within_climbs_to_cache_folder),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
