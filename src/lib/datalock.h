/* datalock.h - one writer per data folder: flock on DIR/.lock */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_DATALOCK_H
#define RESMON_DATALOCK_H

#include <sys/types.h>

struct errmsg;

/*
 * Takes the writer lock of the folder open on dirfd (dir_name is for
 * messages) and writes our PID into the lock file so a second recorder
 * can name the holder. The lock lives as long as the returned fd, which
 * the caller closes to release. Returns the fd, or -1 with err set:
 * EWOULDBLOCK "DIR: recorded by another process (pid N)".
 */
int datalock_acquire(int dirfd, const char *dir_name, struct errmsg *err);

/* PID named in DIR/.lock while it is held by another process, else 0. */
pid_t datalock_holder(int dirfd);

#endif
