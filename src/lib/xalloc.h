/* xalloc.h - allocation that aborts on exhaustion, the library's one exit */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_XALLOC_H
#define RESMON_XALLOC_H

#include <stddef.h>

/*
 * Out of memory is the only failure the library does not return: a
 * monitor that cannot allocate a few bytes has nothing sane left to do.
 * Each returns memory the caller frees with free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
