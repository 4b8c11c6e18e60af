/* ctlsock.c - the unix socket under resmond's control protocol */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "ctlsock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "errmsg.h"

static int
ctlsock_addr(const char *path, struct sockaddr_un *sun, struct errmsg *err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((size_t)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s",
	        path) >= sizeof(sun->sun_path))
		return ERRMSG_SET(err, ENAMETOOLONG,
		    "%s: socket path longer than %zu bytes", path,
		    sizeof(sun->sun_path) - 1);
	return 0;
}

static int
ctlsock_socket(const char *path, struct errmsg *err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd == -1)
		return ERRMSG_SET(err, errno, "%s: socket: %s", path,
		    strerror(errno));
	return fd;
}

/* Whether something accepts connections on path now. */
static int
ctlsock_alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), alive;

	if (fd == -1)
		return 0;
	alive = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	(void)close(fd);
	return alive;
}

int
ctlsock_listen(const char *path, struct errmsg *err)
{
	struct sockaddr_un sun;
	int fd;

	if (ctlsock_addr(path, &sun, err) == -1)
		return -1;
	if (ctlsock_alive(&sun))
		return ERRMSG_SET(err, EADDRINUSE,
		    "%s: another resmond answers there", path);
	/* A socket left by a killed daemon: nobody answers, so it goes. */
	if (unlink(path) == -1 && errno != ENOENT)
		return ERRMSG_SET(err, errno, "%s: unlink: %s", path,
		    strerror(errno));
	fd = ctlsock_socket(path, err);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 64) == -1) {
		int saved = errno;

		(void)close(fd);
		return ERRMSG_SET(err, saved, "%s: %s", path, strerror(saved));
	}
	return fd;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline; 0, or -1 with errno. */
static int
wait_fd(int fd, short events, int64_t deadline_ms)
{
	struct pollfd pfd = {fd, events, 0};
	int64_t left;
	int n;

	for (;;) {
		left = deadline_ms - mono_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

ssize_t
ctlsock_call(const char *path, const char *request, char *buf, size_t cap,
    int timeout_ms, struct errmsg *err)
{
	int64_t deadline = mono_ms() + timeout_ms;
	size_t len = strlen(request), sent = 0, got = 0;
	struct sockaddr_un sun;
	ssize_t n;
	int fd;

	if (ctlsock_addr(path, &sun, err) == -1)
		return -1;
	fd = ctlsock_socket(path, err);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    (errno != EINPROGRESS || wait_fd(fd, POLLOUT, deadline) == -1))
		goto fail;
	while (sent < len) {
		n = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
		if (n > 0)
			sent += (size_t)n;
		else if (n == -1 && errno != EAGAIN && errno != EINTR)
			goto fail;
		else if (wait_fd(fd, POLLOUT, deadline) == -1)
			goto fail;
	}
	/* The server closes after its reply: read to end of file. */
	for (;;) {
		if (got + 1 >= cap) {
			errno = EMSGSIZE;
			goto fail;
		}
		n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0)
			break;
		else if (errno != EAGAIN && errno != EINTR)
			goto fail;
		else if (wait_fd(fd, POLLIN, deadline) == -1)
			goto fail;
	}
	buf[got] = '\0';
	(void)close(fd);
	return (ssize_t)got;
fail:
	ERRMSG_SET(err, errno, "%s: %s", path, strerror(errno));
	(void)close(fd);
	return -1;
}
