/* apitoken.h - the API's bearer token: create its file, check a request */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_APITOKEN_H
#define RESMON_APITOKEN_H

#include <stdbool.h>

struct errmsg;

/* The token is this many lower-case hex characters (32 random bytes). */
#define APITOKEN_HEX_LEN 64
/* apitoken_init_file() gives the file to root and this group, if any. */
#define APITOKEN_GROUP "resmon"

/*
 * Error codes of both calls below, for the caller to map (SPEC §3):
 *   EACCES  only from apitoken_check(): the request's Authorization
 *           header is missing, not Bearer, or the wrong token; the
 *           message ("missing bearer token", "wrong token") never holds
 *           the token and fits a 401 detail with WWW-Authenticate: Bearer
 *   ENOENT  no token file (or, for init, no folder for it)
 *   EPERM   the file is open to others (mode & 0007), or the process
 *           may not read it (an open() EACCES is reported as EPERM so
 *           that it can never be taken for a 401)
 *   ELOOP   the path is a symbolic link (opened with O_NOFOLLOW)
 *   EINVAL  not a regular file, or not 64 hex characters and an
 *           optional "\n"
 *   other   errno of a failed system call
 * The worker answers 401 for EACCES and 503 (its token is unusable) for
 * anything else, and logs the message of the latter.
 */

/*
 * Creates path, when missing, holding APITOKEN_HEX_LEN lower-case hex
 * characters from getrandom(2) and "\n", mode 0640, owned by root and
 * group APITOKEN_GROUP when run as root and that group exists. It is
 * written to a dot-file in the same folder, synced, then linked into
 * place: a crash never leaves half a token, and a concurrent creator's
 * file is never overwritten. An existing file is left as it is, but
 * checked like apitoken_check() reads it. *created (may be NULL) tells
 * whether this call made the file. Returns 0, or -1 with err set.
 */
int apitoken_init_file(const char *path, bool *created, struct errmsg *err);

/*
 * Returns a checker for the token file at path (copied), read at the
 * first apitoken_check(); free it with apitoken_free(). Cannot fail.
 */
struct apitoken *apitoken_new(const char *path);

/* Wipes the token from memory and frees t; NULL does nothing. */
void apitoken_free(struct apitoken *t);

/*
 * Checks the value of a request's Authorization header (NULL when it
 * had none) against the token file: "Bearer", in any case, one or more
 * spaces, then the token exactly. The file is stat()ed on every call and
 * re-read when its inode, size, mode, mtime or ctime changed (and while
 * it changed too recently for those to be trusted); a file that fails
 * the checks is refused until it is fixed. The comparison takes the same
 * time wherever the tokens differ. Returns 0 when the token matches, or
 * -1 with err set as listed above.
 */
int apitoken_check(struct apitoken *t, const char *authorization,
    struct errmsg *err);

#endif
