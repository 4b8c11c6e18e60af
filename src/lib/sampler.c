/* sampler.c - keep stat, meminfo, net/dev open and re-read them with pread */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "xalloc.h"

#define SAMPLER_BUF_START 4096
/*
 * Room for ~500,000 interfaces or ~100,000 CPUs. A file still growing
 * past this is not the kernel's (a test root pointing at /dev/zero) and
 * is refused instead of taking all memory.
 */
#define SAMPLER_FILE_MAX ((size_t)64 << 20)

enum sampler_which {
	SAMPLER_STAT,
	SAMPLER_MEMINFO,
	SAMPLER_NETDEV,
	SAMPLER_NFILES
};

/* Below the proc root, and as the parsers name them in messages. */
static const char *const sampler_rel[SAMPLER_NFILES] = {"stat", "meminfo",
    "net/dev"};
static const char *const sampler_kname[SAMPLER_NFILES] = {"/proc/stat",
    "/proc/meminfo", "/proc/net/dev"};

struct sampler_file {
	char *path;
	int fd;
	char *buf; /* grows, never shrinks: the next tick needs as much */
	size_t cap, len;
};

struct sampler {
	struct sampler_file f[SAMPLER_NFILES];
};

struct sampler *
sampler_open(const char *proc_root, struct errmsg *err)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	struct sampler_file *f;
	int i, saved;

	for (i = 0; i < SAMPLER_NFILES; i++)
		s->f[i].fd = -1;
	for (i = 0; i < SAMPLER_NFILES; i++) {
		f = &s->f[i];
		f->path = xasprintf("%s/%s", proc_root, sampler_rel[i]);
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (f->fd == -1) {
			saved = errno;
			(void)ERRMSG_SET(err, saved, "%s: %s", f->path,
			    strerror(saved));
			sampler_close(s);
			return NULL;
		}
		f->cap = SAMPLER_BUF_START;
		f->buf = xmalloc(f->cap);
	}
	return s;
}

void
sampler_close(struct sampler *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < SAMPLER_NFILES; i++) {
		/* Nothing was written, so a failing close loses nothing. */
		if (s->f[i].fd != -1)
			(void)close(s->f[i].fd);
		free(s->f[i].path);
		free(s->f[i].buf);
	}
	free(s);
}

/*
 * Reads f from offset 0 until end of file or, with first_line_only, until
 * a whole first line is in. Returns 0, or -1 with err set.
 *
 * A short read is no end of file: seq_file hands out at most about a page
 * per call (/proc/net/dev with 121 interfaces, 15 KiB, took four preads),
 * so the loop runs until pread returns 0. Asking at the offset where the
 * last read ended lets seq_file go on walking its records; offset 0
 * starts it afresh.
 */
static int
sampler_fill(struct sampler_file *f, int first_line_only, struct errmsg *err)
{
	size_t len = 0;
	ssize_t n;
	int saved;

	for (;;) {
		if (len == f->cap) {
			if (f->cap >= SAMPLER_FILE_MAX)
				return ERRMSG_SET(err, EFBIG,
				    "%s: larger than %zu MiB", f->path,
				    SAMPLER_FILE_MAX >> 20);
			f->buf = xreallocarray(f->buf, f->cap, 2);
			f->cap *= 2;
		}
		n = pread(f->fd, f->buf + len, f->cap - len, (off_t)len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			return ERRMSG_SET(err, saved, "%s: %s", f->path,
			    strerror(saved));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (first_line_only &&
		    memchr(f->buf + len - (size_t)n, '\n', (size_t)n) != NULL)
			break;
	}
	f->len = len;
	return 0;
}

/*
 * The parsers name a file as /proc has it; a test or container root
 * reads another path, which the message should name. Returns -1.
 */
static int
sampler_parse_failed(const struct sampler *s, enum sampler_which which,
    struct errmsg *err)
{
	const char *kname = sampler_kname[which];
	size_t klen = strlen(kname);
	char msg[ERRMSG_MAX];

	if (err == NULL || strncmp(err->msg, kname, klen) != 0)
		return -1;
	(void)snprintf(msg, sizeof(msg), "%s%s", s->f[which].path,
	    err->msg + klen);
	memcpy(err->msg, msg, sizeof(err->msg));
	return -1;
}

int
sampler_read(struct sampler *s, struct sample *out, struct errmsg *err)
{
	struct sampler_file *f;

	/* Only the first line is used; with many CPUs it is a sliver. */
	f = &s->f[SAMPLER_STAT];
	if (sampler_fill(f, 1, err) == -1)
		return -1;
	if (procstat_parse(f->buf, f->len, &out->cpu, err) == -1)
		return sampler_parse_failed(s, SAMPLER_STAT, err);

	f = &s->f[SAMPLER_MEMINFO];
	if (sampler_fill(f, 0, err) == -1)
		return -1;
	if (meminfo_parse(f->buf, f->len, &out->mem, err) == -1)
		return sampler_parse_failed(s, SAMPLER_MEMINFO, err);

	f = &s->f[SAMPLER_NETDEV];
	if (sampler_fill(f, 0, err) == -1)
		return -1;
	if (netdev_parse(f->buf, f->len, &out->net, err) == -1)
		return sampler_parse_failed(s, SAMPLER_NETDEV, err);
	return 0;
}

void
sample_free(struct sample *sample)
{
	if (sample == NULL)
		return;
	netdev_list_free(&sample->net);
	memset(sample, 0, sizeof(*sample));
}
