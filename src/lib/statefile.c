/* statefile.c - what resmond was told over its socket, kept across restarts */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "parse.h"
#include "xalloc.h"

#define STATE_NAME ".state"
#define STATE_MAX 256 /* a longer file is not ours */

int
statefile_load(const char *data_dir, struct recstate *st, struct errmsg *err)
{
	char *path = xasprintf("%s/%s", data_dir, STATE_NAME);
	char buf[STATE_MAX + 1], *line, *nl;
	struct recstate got = {true, 0};
	uint64_t v;
	ssize_t n;
	int fd, lineno = 0, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		goto done;
	}
	n = read(fd, buf, sizeof(buf));
	(void)close(fd);
	if (n == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (n > STATE_MAX) {
		ERRMSG_SET(err, EINVAL, "%s: over %d bytes", path, STATE_MAX);
		goto done;
	}
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		lineno++;
		nl = strchr(line, '\n');
		if (nl == NULL) {
			ERRMSG_SET(err, EINVAL, "%s:%d: no end of line", path,
			    lineno);
			goto done;
		}
		*nl = '\0';
		if (strncmp(line, "recording ", 10) == 0 &&
		    parse_uint(line + 10, 0, 1, &v) == 0)
			got.recording = v == 1;
		else if (strncmp(line, "interval_s ", 11) == 0 &&
		         parse_uint(line + 11, 1, 3600, &v) == 0)
			got.interval_s = (unsigned)v;
		else {
			ERRMSG_SET(err, EINVAL, "%s:%d: bad line \"%.40s\"",
			    path, lineno, line);
			goto done;
		}
	}
	*st = got;
	rc = 0;
done:
	free(path);
	return rc;
}

int
statefile_save(const char *data_dir, const struct recstate *st,
    struct errmsg *err)
{
	char *path = xasprintf("%s/%s", data_dir, STATE_NAME);
	char *tmp = xasprintf("%s/%s.tmp", data_dir, STATE_NAME);
	char buf[64];
	int fd, n, rc = -1;

	n = st->interval_s
	        ? snprintf(buf, sizeof(buf), "recording %d\ninterval_s %u\n",
	              st->recording, st->interval_s)
	        : snprintf(buf, sizeof(buf), "recording %d\n", st->recording);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1) {
		ERRMSG_SET(err, errno, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	errno = 0;
	if (write(fd, buf, (size_t)n) != n || fsync(fd) == -1) {
		ERRMSG_SET(err, errno ? errno : ENOSPC, "%s: %s", tmp,
		    strerror(errno ? errno : ENOSPC));
		(void)close(fd);
		(void)unlink(tmp);
		goto done;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
		(void)unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	free(path);
	free(tmp);
	return rc;
}
