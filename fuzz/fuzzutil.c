/* fuzzutil.c - what the libFuzzer targets share: invariant checks, inputs
 * as C strings and as files */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "fuzzutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

static int memfd = -1;
static char memfd_path[64];

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant does not hold: %s\n", file, line,
	    what);
	abort();
}

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

char *
fuzz_split(const uint8_t *data, size_t size, const uint8_t **tail,
    size_t *tail_len)
{
	const uint8_t *nul = memchr(data, '\0', size);

	if (nul == NULL) {
		*tail = NULL;
		*tail_len = 0;
		return fuzz_cstr(data, size);
	}
	*tail = nul + 1;
	*tail_len = size - (size_t)(nul - data) - 1;
	return fuzz_cstr(data, (size_t)(nul - data));
}

bool
fuzz_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void
die(const char *what)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, strerror(errno));
	abort();
}

int
fuzz_memfd(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (memfd == -1) {
		memfd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (memfd == -1)
			die("memfd_create");
		if (snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d",
		        memfd) >= (int)sizeof(memfd_path))
			die("memfd path");
	}
	if (ftruncate(memfd, 0) == -1)
		die("ftruncate");
	while (done < size) {
		n = pwrite(memfd, data + done, size - done, (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die("pwrite");
		done += (size_t)n;
	}
	if (lseek(memfd, 0, SEEK_SET) == -1)
		die("lseek");
	return memfd;
}

const char *
fuzz_memfd_path(void)
{
	return memfd_path;
}

void
fuzz_set_tz(const char *tz)
{
	if (setenv("TZ", tz, 1) == -1)
		die("setenv TZ");
	tzset();
}
