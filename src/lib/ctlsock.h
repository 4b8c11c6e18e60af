/* ctlsock.h - the unix socket under resmond's control protocol */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_CTLSOCK_H
#define RESMON_CTLSOCK_H

#include <stddef.h>
#include <sys/types.h>

struct errmsg;

/*
 * Listens on the unix socket path (mode 0660; ownership is left to the
 * unit), non-blocking. A stale socket file nobody answers on is replaced;
 * a live one is not (EADDRINUSE). Returns the fd, or -1 with err set
 * (ENAMETOOLONG for a path sun_path cannot hold).
 */
int ctlsock_listen(const char *path, struct errmsg *err);

/*
 * Sends request (one line) to the socket at path and reads the whole
 * reply into buf (NUL-terminated), waiting at most timeout_ms in all.
 * Returns the reply's length, or -1 with err set ("PATH: reason";
 * ECONNREFUSED or ENOENT when nobody listens, ETIMEDOUT, EMSGSIZE).
 */
ssize_t ctlsock_call(const char *path, const char *request, char *buf,
    size_t cap, int timeout_ms, struct errmsg *err);

#endif
