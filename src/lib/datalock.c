/* datalock.c - one writer per data folder: flock on DIR/.lock */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "datalock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "errmsg.h"
#include "parse.h"

#define LOCK_NAME ".lock"

static pid_t
datalock_read_pid(int fd)
{
	char buf[32];
	uint64_t pid;
	ssize_t n;
	size_t len;

	n = pread(fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return 0;
	len = (size_t)n;
	if (buf[len - 1] == '\n')
		len--;
	if (parse_uint_n(buf, len, 1, INT32_MAX, &pid) == -1)
		return 0;
	return (pid_t)pid;
}

int
datalock_acquire(int dirfd, const char *dir_name, struct errmsg *err)
{
	char pid[32];
	int fd, n;

	fd = openat(dirfd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1)
		return ERRMSG_SET(err, errno, "%s/%s: %s", dir_name, LOCK_NAME,
		    strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;
		pid_t holder = datalock_read_pid(fd);

		(void)close(fd);
		if (saved != EWOULDBLOCK)
			return ERRMSG_SET(err, saved, "%s/%s: flock: %s",
			    dir_name, LOCK_NAME, strerror(saved));
		return ERRMSG_SET(err, EWOULDBLOCK,
		    "%s: recorded by another process (pid %ld)", dir_name,
		    (long)holder);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)n, 0) != n) {
		int saved = errno;

		(void)close(fd);
		return ERRMSG_SET(err, saved, "%s/%s: %s", dir_name, LOCK_NAME,
		    strerror(saved));
	}
	return fd;
}

pid_t
datalock_holder(int dirfd)
{
	pid_t pid = 0;
	int fd;

	fd = openat(dirfd, LOCK_NAME, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return 0;
	/* A shared lock we can take means nobody holds the exclusive one. */
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK)
		pid = datalock_read_pid(fd);
	(void)close(fd);
	return pid;
}
