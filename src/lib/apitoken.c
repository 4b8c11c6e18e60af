/* apitoken.c - create the API token file, check bearer tokens against it */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "apitoken.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "xalloc.h"

/* Bytes read from the file: the token, "\n", one more to see excess. */
#define FILE_MAX (APITOKEN_HEX_LEN + 2)
/*
 * Timestamps move in kernel ticks (a few ms): a file rewritten in place
 * within one tick keeps its size, mtime and ctime. One changed this
 * recently is re-read at every check, as git does for racy index entries.
 */
#define RACY_S 2

/* What tells that the file at path changed since it was read. */
struct filekey {
	dev_t dev;
	ino_t ino;
	off_t size;
	mode_t mode;
	struct timespec mtim, ctim;
};

struct apitoken {
	char *path;
	bool loaded; /* token holds the token of the file that key describes */
	bool racy;   /* changed too recently for key to be trusted */
	struct filekey key;
	char token[FILE_MAX]; /* the one copy kept; wiped when dropped */
};

static void
filekey_of(const struct stat *st, struct filekey *key)
{
	memset(key, 0, sizeof(*key));
	key->dev = st->st_dev;
	key->ino = st->st_ino;
	key->size = st->st_size;
	key->mode = st->st_mode;
	key->mtim = st->st_mtim;
	key->ctim = st->st_ctim;
}

static bool
filekey_equal(const struct filekey *a, const struct filekey *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mode == b->mode && a->mtim.tv_sec == b->mtim.tv_sec &&
	       a->mtim.tv_nsec == b->mtim.tv_nsec &&
	       a->ctim.tv_sec == b->ctim.tv_sec &&
	       a->ctim.tv_nsec == b->ctim.tv_nsec;
}

/* ctime is set to now by every change, utimensat() included. */
static bool
file_is_racy(const struct stat *st)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return true;
	return now.tv_sec < st->st_ctim.tv_sec + RACY_S;
}

/* Never EACCES for a file problem: callers answer 401 for that code. */
static int
open_failed(const char *path, int code, struct errmsg *err)
{
	switch (code) {
	case ENOENT:
		return ERRMSG_SET(err, ENOENT,
		    "%s: missing (resmon-fcgi --init-token creates it)", path);
	case ELOOP:
		return ERRMSG_SET(err, ELOOP,
		    "%s: a symbolic link; name the file itself", path);
	case EACCES:
		return ERRMSG_SET(err, EPERM, "%s: %s", path, strerror(code));
	default:
		return ERRMSG_SET(err, code, "%s: %s", path, strerror(code));
	}
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool
token_valid(const char *buf, size_t len)
{
	size_t i;

	if (len != APITOKEN_HEX_LEN &&
	    !(len == APITOKEN_HEX_LEN + 1 && buf[APITOKEN_HEX_LEN] == '\n'))
		return false;
	for (i = 0; i < APITOKEN_HEX_LEN; i++)
		if (!is_hex(buf[i]))
			return false;
	return true;
}

/*
 * Reads the token at path into buf (FILE_MAX bytes, NUL-terminated
 * after the 64 characters) and its fstat() into *st. Returns 0, or -1
 * with err set and buf wiped.
 */
static int
token_read(const char *path, char *buf, struct stat *st, struct errmsg *err)
{
	size_t len = 0;
	ssize_t n;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO put at path must not hang the worker. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return open_failed(path, errno, err);
	if (fstat(fd, st) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st->st_mode)) {
		ERRMSG_SET(err, EINVAL, "%s: not a regular file", path);
		goto done;
	}
	if ((st->st_mode & 0007) != 0) {
		ERRMSG_SET(err, EPERM,
		    "%s: %s others (mode %04o); chmod 0640 it", path,
		    (st->st_mode & 0004) ? "readable by" : "open to",
		    (unsigned)(st->st_mode & 07777));
		goto done;
	}
	while (len < FILE_MAX) {
		n = read(fd, buf + len, FILE_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!token_valid(buf, len)) {
		ERRMSG_SET(err, EINVAL, "%s: not %d hex characters", path,
		    APITOKEN_HEX_LEN);
		goto done;
	}
	buf[APITOKEN_HEX_LEN] = '\0';
	rc = 0;
done:
	/* Read-only: close() has nothing left to report. */
	(void)close(fd);
	if (rc == -1)
		explicit_bzero(buf, FILE_MAX);
	return rc;
}

static int
random_fill(unsigned char *buf, size_t size, struct errmsg *err)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = getrandom(buf + len, size - len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ERRMSG_SET(err, errno, "getrandom: %s",
			    strerror(errno));
		len += (size_t)n;
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = write(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		len += (size_t)n;
	}
	return 0;
}

/* root:resmon 0640 so that the worker's group reads it (SPEC §3). */
static int
token_set_owner(int fd)
{
	struct group *gr;

	if (geteuid() == 0 && (gr = getgrnam(APITOKEN_GROUP)) != NULL &&
	    fchown(fd, 0, gr->gr_gid) == -1)
		return -1;
	/* fchmod, not open()'s mode, which the umask would narrow. */
	return fchmod(fd, 0640);
}

static int
dir_sync(const char *dir, struct errmsg *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return ERRMSG_SET(err, errno, "%s: %s", dir, strerror(errno));
	if (fsync(fd) == -1) {
		ERRMSG_SET(err, errno, "%s: fsync: %s", dir, strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return ERRMSG_SET(err, errno, "%s: %s", dir, strerror(errno));
	return 0;
}

/* Writes a fresh token to tmp, open as fd. Returns 0, or -1 with err. */
static int
token_write(int fd, const char *tmp, struct errmsg *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[APITOKEN_HEX_LEN / 2];
	char text[APITOKEN_HEX_LEN + 1];
	size_t i;
	int rc = -1;

	if (random_fill(raw, sizeof(raw), err) == -1)
		goto done;
	for (i = 0; i < sizeof(raw); i++) {
		text[2 * i] = hex[raw[i] >> 4];
		text[2 * i + 1] = hex[raw[i] & 0xf];
	}
	text[APITOKEN_HEX_LEN] = '\n';
	if (token_set_owner(fd) == -1 ||
	    write_all(fd, text, sizeof(text)) == -1 || fsync(fd) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(text, sizeof(text));
	return rc;
}

/*
 * Creates path through a dot-file beside it; link(2), unlike rename(2),
 * fails with EEXIST rather than replace a file another creator made in
 * the meantime. *made tells whether this call's file is in place.
 */
static int
token_create(const char *path, bool *made, struct errmsg *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	char *dir = slash == NULL   ? xstrdup(".")
	            : slash == path ? xstrdup("/")
	                            : xstrndup(path, (size_t)(slash - path));
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
	int fd, linked, rc = -1;

	*made = false;
	if (*base == '\0') {
		ERRMSG_SET(err, EINVAL, "%s: not a file name", path);
		goto done;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			ERRMSG_SET(err, ENOENT,
			    "%s: no folder %s; create it first", path, dir);
		else
			ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	if (token_write(fd, tmp, err) == -1) {
		(void)close(fd);
		goto unlink;
	}
	if (close(fd) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		goto unlink;
	}
	linked = link(tmp, path);
	if (linked == -1 && errno != EEXIST) {
		ERRMSG_SET(err, errno, "link %s to %s: %s", tmp, path,
		    strerror(errno));
		goto unlink;
	}
	*made = linked == 0;
	if (unlink(tmp) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	if (*made && dir_sync(dir, err) == -1)
		goto done;
	rc = 0;
	goto done;
unlink:
	(void)unlink(tmp);
done:
	free(dir);
	free(tmp);
	return rc;
}

int
apitoken_init_file(const char *path, bool *created, struct errmsg *err)
{
	char buf[FILE_MAX];
	struct errmsg e;
	struct stat st;
	bool made = false;
	int rc = -1;

	if (token_read(path, buf, &st, &e) == 0)
		rc = 0;
	else if (e.code == ENOENT && token_create(path, &made, &e) == 0)
		/* Someone else's file, if not ours: check it as any other. */
		rc = made ? 0 : token_read(path, buf, &st, &e);
	explicit_bzero(buf, sizeof(buf));
	if (rc == -1) {
		if (err != NULL)
			*err = e;
		return -1;
	}
	if (created != NULL)
		*created = made;
	return 0;
}

struct apitoken *
apitoken_new(const char *path)
{
	struct apitoken *t = xcalloc(1, sizeof(*t));

	t->path = xstrdup(path);
	return t;
}

static void
token_forget(struct apitoken *t)
{
	explicit_bzero(t->token, sizeof(t->token));
	t->loaded = false;
}

void
apitoken_free(struct apitoken *t)
{
	if (t == NULL)
		return;
	token_forget(t);
	free(t->path);
	free(t);
}

/* Re-reads the file if it changed; a file that fails is never cached. */
static int
token_refresh(struct apitoken *t, struct errmsg *err)
{
	struct filekey key;
	struct stat st;

	if (lstat(t->path, &st) == -1) {
		token_forget(t);
		return open_failed(t->path, errno, err);
	}
	filekey_of(&st, &key);
	if (t->loaded && !t->racy && filekey_equal(&key, &t->key))
		return 0;
	token_forget(t);
	if (token_read(t->path, t->token, &st, err) == -1)
		return -1;
	filekey_of(&st, &t->key);
	t->racy = file_is_racy(&st);
	t->loaded = true;
	return 0;
}

/*
 * Compares all APITOKEN_HEX_LEN bytes whatever the input: no early exit
 * tells an attacker how long a prefix was right. Only given's length,
 * which the attacker knows, changes which branch the loop takes.
 */
static bool
token_equal(const char *token, const char *given)
{
	size_t n = strlen(given), i;
	volatile unsigned char diff = n != APITOKEN_HEX_LEN;

	for (i = 0; i < APITOKEN_HEX_LEN; i++)
		diff |= (unsigned char)token[i] ^
		        (unsigned char)(i < n ? given[i] : '\0');
	return diff == 0;
}

int
apitoken_check(struct apitoken *t, const char *authorization,
    struct errmsg *err)
{
	const char *given;

	if (token_refresh(t, err) == -1)
		return -1;
	if (authorization == NULL || *authorization == '\0')
		return ERRMSG_SET(err, EACCES, "missing bearer token");
	/* RFC 7235 §2.1: the scheme is case-insensitive, then 1*SP. */
	if (strncasecmp(authorization, "Bearer", 6) != 0 ||
	    (authorization[6] != ' ' && authorization[6] != '\0'))
		return ERRMSG_SET(err, EACCES, "not a bearer token");
	for (given = authorization + 6; *given == ' '; given++)
		continue;
	if (*given == '\0')
		return ERRMSG_SET(err, EACCES, "missing bearer token");
	if (!token_equal(t->token, given))
		return ERRMSG_SET(err, EACCES, "wrong token");
	return 0;
}
