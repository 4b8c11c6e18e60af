/* treeclean.c - walk a folder tree by descriptors and remove what is old */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "treeclean.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "xalloc.h"

/* Levels of ".." climbed at most: PATH_MAX allows no deeper folder. */
#define CLIMB_MAX 4096

/* Flags of every folder opened during a walk. */
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* One folder on the walk's stack. */
struct frame {
	int fd;       /* the root's is the caller's, the others ours */
	char **names; /* its entries, read and sorted before any removal */
	size_t n_names, next;
	size_t path_len; /* of its path in walk.path */
	size_t kept;     /* entries that stay (or appeared to) */
	bool old;        /* its time, read before the walk, is before cutoff */
};

struct walk {
	const struct treeclean_opts *o;
	struct treeclean_stats *stats;
	int64_t cutoff; /* seconds: a time before it is old */
	dev_t dev;      /* the root's file system */
	char *path;
	size_t path_cap;
	struct frame *stack;
	size_t depth, stack_cap; /* frames in use, the root's included */
};

/* Strips trailing slashes but one from a copy of path; caller frees. */
static char *
strip_slashes(const char *path)
{
	char *p = xstrdup(path);
	size_t len = strlen(p);

	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	return p;
}

int
treeclean_open(const char *path, struct errmsg *err)
{
	char *p = strip_slashes(path);
	struct stat st, root;
	int fd, saved;

	fd = open(p, DIR_FLAGS);
	if (fd == -1) {
		saved = errno;
		/* O_DIRECTORY makes a symlink ENOTDIR rather than ELOOP. */
		if ((saved == ENOTDIR || saved == ELOOP) &&
		    lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
			ERRMSG_SET(err, ELOOP, "%s: is a symbolic link", path);
		else
			ERRMSG_SET(err, saved, "%s: %s", path, strerror(saved));
		free(p);
		return -1;
	}
	free(p);
	if (fstat(fd, &st) == -1 || stat("/", &root) == -1) {
		saved = errno;
		(void)close(fd);
		return ERRMSG_SET(err, saved, "%s: stat: %s", path,
		    strerror(saved));
	}
	if (st.st_dev == root.st_dev && st.st_ino == root.st_ino) {
		(void)close(fd);
		return ERRMSG_SET(err, EPERM, "%s: is the root folder", path);
	}
	return fd;
}

int
treeclean_is_within(int fd, const char *dir, struct errmsg *err)
{
	struct stat want, st, up;
	int cur = fd, parent, rc = -1, saved, i;

	if (stat(dir, &want) == -1)
		return ERRMSG_SET(err, errno, "%s: %s", dir, strerror(errno));
	if (fstat(cur, &st) == -1)
		return ERRMSG_SET(err, errno, "fstat: %s", strerror(errno));
	for (i = 0; i < CLIMB_MAX; i++) {
		if (st.st_dev == want.st_dev && st.st_ino == want.st_ino) {
			rc = 1;
			break;
		}
		/* O_PATH: climbing needs search permission only. */
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent == -1 || fstat(parent, &up) == -1) {
			saved = errno;
			if (parent != -1)
				(void)close(parent);
			ERRMSG_SET(err, saved, "..: %s", strerror(saved));
			break;
		}
		if (cur != fd)
			(void)close(cur);
		cur = parent;
		/* Only "/" is its own parent. */
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino) {
			rc = 0;
			break;
		}
		st = up;
	}
	if (i == CLIMB_MAX)
		ERRMSG_SET(err, ELOOP, "..: more than %d levels", CLIMB_MAX);
	if (cur != fd)
		(void)close(cur);
	return rc;
}

static void
report(struct walk *w, enum treeclean_event ev, const struct errmsg *why)
{
	if (ev == TREECLEAN_SKIP)
		w->stats->skipped++;
	else if (ev == TREECLEAN_ERROR)
		w->stats->errors++;
	if (w->o->report != NULL)
		w->o->report(w->o->ctx, ev, w->path, why);
}

/* Reports w->path with the message "PATH: what", code being an errno. */
static void
report_msg(struct walk *w, enum treeclean_event ev, int code, const char *what)
{
	struct errmsg why;

	ERRMSG_SET(&why, code, "%s: %s", w->path, what);
	report(w, ev, &why);
}

/* Reports the failure of call on w->path, errno telling why. */
static void
report_errno(struct walk *w, const char *call)
{
	struct errmsg why;
	int saved = errno;

	ERRMSG_SET(&why, saved, "%s: %s: %s", w->path, call, strerror(saved));
	report(w, TREECLEAN_ERROR, &why);
}

/* Sets w->path to the first len bytes of it plus "/name". */
static void
path_set(struct walk *w, size_t len, const char *name)
{
	size_t name_len = strlen(name), need;
	bool slash = len == 0 || w->path[len - 1] != '/';

	need = len + slash + name_len + 1;
	if (need > w->path_cap) {
		w->path = xreallocarray(w->path, need, 2);
		w->path_cap = need * 2;
	}
	if (slash)
		w->path[len++] = '/';
	memcpy(w->path + len, name, name_len + 1);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Reads the names in the folder open at fd, sorted so that reports come
 * in a stable order, through a descriptor of its own: fd's offset stays
 * put. Returns 0, or -1 with errno set.
 */
static int
read_names(int fd, char ***names, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;
	int saved, lfd;
	DIR *d;

	*names = NULL;
	*n = 0;
	lfd = openat(fd, ".", DIR_FLAGS);
	if (lfd == -1)
		return -1;
	d = fdopendir(lfd);
	if (d == NULL) {
		saved = errno;
		(void)close(lfd);
		errno = saved;
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*names = xreallocarray(*names, cap, sizeof(**names));
		}
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	saved = errno;
	(void)closedir(d);
	if (saved != 0) {
		while (*n > 0)
			free((*names)[--*n]);
		free(*names);
		*names = NULL;
		errno = saved;
		return -1;
	}
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), name_cmp);
	return 0;
}

static bool
is_old(const struct walk *w, const struct stat *st)
{
	return (int64_t)(w->o->atime ? st->st_atim.tv_sec
	                             : st->st_mtim.tv_sec) < w->cutoff;
}

static bool
is_excluded(const struct treeclean_opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n_exclude; i++)
		if (fnmatch(o->exclude[i], name, 0) == 0)
			return true;
	return false;
}

/*
 * Whether the folder open at fd is the root of a mount: a bind mount of
 * the same file system has the same st_dev. Without statx's answer
 * (kernels before 5.8) only the st_dev check stays.
 */
static bool
is_mount_root(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE,
	        &stx) == -1)
		return false;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

static void
frame_push(struct walk *w, int fd, char **names, size_t n, bool old)
{
	struct frame *f;

	if (w->depth == w->stack_cap) {
		w->stack_cap = w->stack_cap == 0 ? 8 : w->stack_cap * 2;
		w->stack =
		    xreallocarray(w->stack, w->stack_cap, sizeof(*w->stack));
	}
	f = &w->stack[w->depth++];
	f->fd = fd;
	f->names = names;
	f->n_names = n;
	f->next = 0;
	f->path_len = strlen(w->path);
	f->kept = 0;
	f->old = old;
}

/* Enters the folder name of f (stat'ed as st), or counts it as kept. */
static void
enter_dir(struct walk *w, struct frame *f, const char *name,
    const struct stat *st)
{
	unsigned max_depth =
	    w->o->max_depth > 0 ? w->o->max_depth : TREECLEAN_MAX_DEPTH;
	struct stat now;
	char **names, what[64];
	size_t n;
	int fd;

	if (w->depth > max_depth) {
		(void)snprintf(what, sizeof(what),
		    "deeper than %u folders, not entered", max_depth);
		report_msg(w, TREECLEAN_ERROR, ELOOP, what);
		f->kept++;
		return;
	}
	fd = openat(f->fd, name, DIR_FLAGS);
	if (fd == -1) {
		if (errno == ENOENT)
			return;
		f->kept++;
		/* A folder swapped for a symlink or a file since fstatat. */
		if (errno == ENOTDIR || errno == ELOOP)
			report_msg(w, TREECLEAN_SKIP, ESTALE,
			    "changed during the walk, not entered");
		else
			report_errno(w, "open");
		return;
	}
	f->kept++; /* until the folder itself is removed */
	if (fstat(fd, &now) == -1) {
		report_errno(w, "fstat");
		(void)close(fd);
		return;
	}
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		report_msg(w, TREECLEAN_SKIP, ESTALE,
		    "changed during the walk, not entered");
		(void)close(fd);
		return;
	}
	if (is_mount_root(fd)) {
		report_msg(w, TREECLEAN_SKIP, EBUSY,
		    "a mount point, not entered");
		(void)close(fd);
		return;
	}
	if (read_names(fd, &names, &n) == -1) {
		report_errno(w, "read folder");
		(void)close(fd);
		return;
	}
	frame_push(w, fd, names, n, is_old(w, st));
}

/* Removes (or, dry, counts) the file name of f, stat'ed as st. */
static void
remove_file(struct walk *w, struct frame *f, const char *name,
    const struct stat *st)
{
	if (!w->o->dry_run && unlinkat(f->fd, name, 0) == -1) {
		if (errno == ENOENT)
			return;
		f->kept++;
		if (errno == EISDIR)
			report_msg(w, TREECLEAN_SKIP, ESTALE,
			    "changed during the walk, kept");
		else if (errno == EBUSY)
			report_msg(w, TREECLEAN_SKIP, EBUSY,
			    "a mount point, kept");
		else
			report_errno(w, "unlink");
		return;
	}
	w->stats->files++;
	/* Data freed: a symlink's size is only its target's length. */
	if (S_ISREG(st->st_mode) && st->st_size > 0)
		w->stats->bytes += (uint64_t)st->st_size;
	report(w, TREECLEAN_FILE, NULL);
}

/* One entry of the folder on top of the stack. */
static void
visit(struct walk *w, struct frame *f, const char *name)
{
	struct stat st;

	path_set(w, f->path_len, name);
	if (is_excluded(w->o, name)) {
		f->kept++;
		return;
	}
	if (fstatat(f->fd, name, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) ==
	    -1) {
		if (errno != ENOENT) {
			f->kept++;
			report_errno(w, "stat");
		}
		return;
	}
	if (st.st_dev != w->dev) {
		f->kept++;
		report_msg(w, TREECLEAN_SKIP, EXDEV,
		    "on another file system, not entered");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		/* e2fsck wants it back where it was (as tmpwatch knows). */
		if (strcmp(name, "lost+found") == 0 && st.st_uid == 0)
			f->kept++;
		else
			enter_dir(w, f, name, &st);
	} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
	           is_old(w, &st))
		remove_file(w, f, name, &st);
	else
		f->kept++;
}

/* Closes the folder on top of the stack and removes it if it is due. */
static void
leave_dir(struct walk *w)
{
	struct frame *f = &w->stack[--w->depth], *parent;
	const char *name;
	size_t i;

	for (i = 0; i < f->n_names; i++)
		free(f->names[i]);
	free(f->names);
	if (w->depth == 0)
		return; /* the root: the caller's descriptor, never removed */
	(void)close(f->fd);
	w->path[f->path_len] = '\0';
	if (f->kept > 0 || !f->old)
		return;
	parent = &w->stack[w->depth - 1];
	name = parent->names[parent->next - 1];
	if (!w->o->dry_run && unlinkat(parent->fd, name, AT_REMOVEDIR) == -1) {
		if (errno == ENOENT)
			parent->kept--;
		/* A new entry, a mount or a swap: it stays, rightly. */
		else if (errno != ENOTEMPTY && errno != EEXIST &&
		         errno != EBUSY && errno != ENOTDIR)
			report_errno(w, "rmdir");
		return;
	}
	parent->kept--;
	w->stats->dirs++;
	report(w, TREECLEAN_DIR, NULL);
}

int
treeclean_walk(int root_fd, const char *root, const struct treeclean_opts *o,
    struct treeclean_stats *stats)
{
	struct walk w;
	struct stat st;
	char **names;
	int64_t age;
	size_t n;
	struct frame *f;
	uint64_t errors = stats->errors;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.stats = stats;
	age = o->age_s > INT64_MAX ? INT64_MAX : (int64_t)o->age_s;
	if (__builtin_sub_overflow((int64_t)o->now, age, &w.cutoff))
		w.cutoff = INT64_MIN;
	w.path = strip_slashes(root);
	w.path_cap = strlen(w.path) + 1;
	if (fstat(root_fd, &st) == -1) {
		report_errno(&w, "fstat");
		goto done;
	}
	w.dev = st.st_dev;
	if (read_names(root_fd, &names, &n) == -1) {
		report_errno(&w, "read folder");
		goto done;
	}
	frame_push(&w, root_fd, names, n, false);
	while (w.depth > 0) {
		f = &w.stack[w.depth - 1];
		if (f->next == f->n_names)
			leave_dir(&w);
		else
			visit(&w, f, f->names[f->next++]);
	}
done:
	free(w.stack);
	free(w.path);
	return stats->errors > errors ? -1 : 0;
}
