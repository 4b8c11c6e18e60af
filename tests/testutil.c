/* testutil.c - temporary folders, fixtures and a fake clock for unit tests */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netdev.h"
#include "xalloc.h"

char *
testutil_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/resmon-test.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");

	if (mkdtemp(path) == NULL)
		fail_msg("mkdtemp %s: %s", path, strerror(errno));
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) == -1)
		fail_msg("remove %s: %s", path, strerror(errno));
	return 0;
}

void
testutil_rm_rf(const char *path)
{
	/* Folders made read-only by a test must be writable to be emptied. */
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1 &&
	    errno != ENOENT)
		fail_msg("nftw %s: %s", path, strerror(errno));
}

char *
testutil_fixture(const char *fmt, ...)
{
	const char *top = getenv("top_srcdir");
	char *rel, *path;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) == -1)
		fail_msg("vasprintf: out of memory");
	va_end(ap);
	path = xasprintf("%s/tests/fixtures/%s", top != NULL ? top : ".", rel);
	free(rel);
	return path;
}

int
testutil_setup_tmpdir(void **state)
{
	*state = testutil_mkdtemp();
	return 0;
}

int
testutil_teardown_tmpdir(void **state)
{
	testutil_rm_rf(*state);
	free(*state);
	return 0;
}

const struct netdev_iface *
testutil_find_iface(const struct netdev_list *list, const char *name)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (strcmp(list->v[i].name, name) == 0)
			return &list->v[i];
	return NULL;
}

void
testutil_write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	if (write(fd, data, len) != (ssize_t)len)
		fail_msg("write %s: %s", path, strerror(errno));
	if (close(fd) == -1)
		fail_msg("close %s: %s", path, strerror(errno));
}

char *
testutil_read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1)
		fail_msg("fstat %s: %s", path, strerror(errno));
	buf = xmalloc((size_t)st.st_size + 1);
	if (read(fd, buf, (size_t)st.st_size) != st.st_size)
		fail_msg("read %s: %s", path, strerror(errno));
	buf[st.st_size] = '\0';
	(void)close(fd);
	if (len != NULL)
		*len = (size_t)st.st_size;
	return buf;
}

static int
fake_now(void *ctx, int64_t *wall_ns, int64_t *mono_ns)
{
	struct fakeclock *fc = ctx;

	*wall_ns = fc->wall_ns;
	*mono_ns = fc->mono_ns;
	return 0;
}

static int
fake_sleep_until(void *ctx, int64_t deadline_ns)
{
	struct fakeclock *fc = ctx;

	if (deadline_ns > fc->mono_ns) {
		fc->wall_ns += deadline_ns - fc->mono_ns;
		fc->mono_ns = deadline_ns;
	}
	fc->sleeps++;
	if (fc->on_sleep != NULL)
		fc->on_sleep(fc, fc->on_sleep_ctx);
	return 0;
}

void
fakeclock_init(struct fakeclock *fc, int64_t wall_ns)
{
	memset(fc, 0, sizeof(*fc));
	fc->clock.now = fake_now;
	fc->clock.sleep_until = fake_sleep_until;
	fc->clock.ctx = fc;
	fc->wall_ns = wall_ns;
	fc->mono_ns = 1000 * NS_PER_S;
}

void
testutil_set_tz(const char *tz)
{
	if (setenv("TZ", tz, 1) == -1)
		fail_msg("setenv TZ: %s", strerror(errno));
	tzset();
}
