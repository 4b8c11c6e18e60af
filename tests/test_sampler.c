/* test_sampler.c - reading stat, meminfo and net/dev under a proc root */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "testutil.h"
#include "xalloc.h"

#define NETDEV_HEADER                                                          \
	"Inter-|   Receive                                                |  " \
	"Transmit\n"                                                           \
	" face |bytes    packets errs drop fifo frame compressed "             \
	"multicast|bytes    packets errs drop fifo colls carrier compressed\n"

#define STAT_A                                                                 \
	"cpu  100 0 50 1000 10 0 5 0 0 0\ncpu0 100 0 50 1000 10 0 5 0 0 0\n"
#define MEMINFO_A "MemTotal: 1000 kB\nMemFree: 400 kB\nMemAvailable: 600 kB\n"
#define NETDEV_A NETDEV_HEADER "    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n"

/* Exit status of the forked child when the kernel will not let it try. */
#define CHILD_SKIPPED 77

/* Writes root/rel, making root/net on the way. */
static void
put(const char *root, const char *rel, const char *data, size_t len)
{
	char *path = xasprintf("%s/net", root);

	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	free(path);
	path = xasprintf("%s/%s", root, rel);
	testutil_write_file(path, data, len);
	free(path);
}

static void
put_str(const char *root, const char *rel, const char *s)
{
	put(root, rel, s, strlen(s));
}

/* Fills root with a small valid stat, meminfo and net/dev. */
static void
put_root_a(const char *root)
{
	put_str(root, "stat", STAT_A);
	put_str(root, "meminfo", MEMINFO_A);
	put_str(root, "net/dev", NETDEV_A);
}

static void
test_sampler_read_reads_fixture_root(void **state)
{
	char *root = testutil_fixture("sampler/procroot-a");
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;

	(void)state;
	s = sampler_open(root, &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(sampler_read(s, &smp, &err), 0);
	assert_int_equal(smp.cpu.user, 10000);
	assert_int_equal(smp.cpu.steal, 70);
	assert_int_equal(smp.mem.total_kib, 24684084);
	assert_int_equal(smp.mem.free_kib, 23969988);
	assert_true(smp.mem.has_available);
	assert_int_equal(smp.mem.available_kib, 24331584);
	assert_int_equal(smp.net.n, 4);
	assert_string_equal(smp.net.v[3].name, "veth0a");
	assert_int_equal(smp.net.v[3].tx_bytes, 61877102);
	/* A second read of unchanged files gives the same. */
	assert_int_equal(sampler_read(s, &smp, &err), 0);
	assert_int_equal(smp.net.n, 4);
	assert_int_equal(smp.cpu.user, 10000);
	sample_free(&smp);
	assert_null(smp.net.v);
	sampler_close(s);
	free(root);
}

/* Returns MemTotal of /proc/meminfo, found without the code under test. */
static uint64_t
real_memtotal_kib(void)
{
	char buf[65536], *p, *end;
	uint64_t v;
	size_t len = 0;
	ssize_t n;
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		fail_msg("open /proc/meminfo: %s", strerror(errno));
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (n == -1)
		fail_msg("read /proc/meminfo: %s", strerror(errno));
	(void)close(fd);
	buf[len] = '\0';
	p = strstr(buf, "MemTotal:");
	if (p == NULL || (p != buf && p[-1] != '\n'))
		fail_msg("/proc/meminfo has no MemTotal");
	v = strtoull(p + strlen("MemTotal:"), &end, 10);
	if (strncmp(end, " kB\n", 4) != 0)
		fail_msg("/proc/meminfo: odd MemTotal line");
	return v;
}

static void
test_sampler_read_agrees_with_real_proc(void **state)
{
	struct sample a = {0}, b = {0};
	struct sampler *s;
	struct errmsg err;
	int busy;

	(void)state;
	s = sampler_open("/proc", &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	if (sampler_read(s, &a, &err) == -1)
		fail_msg("%s", err.msg);
	assert_true(a.mem.total_kib == real_memtotal_kib());
	assert_true(a.mem.free_kib <= a.mem.total_kib);
	/* Every network namespace has a loopback interface. */
	assert_non_null(testutil_find_iface(&a.net, "lo"));
	assert_true(a.cpu.user + a.cpu.system + a.cpu.idle > 0);
	usleep(20000);
	if (sampler_read(s, &b, &err) == -1)
		fail_msg("%s", err.msg);
	busy = procstat_busy_centi(&a.cpu, &b.cpu);
	assert_true(busy >= -1 && busy <= 10000);
	sample_free(&a);
	sample_free(&b);
	sampler_close(s);
}

static void
test_sampler_read_sees_file_rewritten_in_place(void **state)
{
	const char *root = *state;
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;

	put_root_a(root);
	s = sampler_open(root, &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(sampler_read(s, &smp, &err), 0);
	assert_int_equal(smp.cpu.user, 100);
	assert_int_equal(smp.mem.free_kib, 400);
	assert_int_equal(smp.net.n, 1);
	/*
	 * Truncated and rewritten, same inode: the open descriptors see the
	 * new bytes, and a shorter file leaves nothing of the old behind.
	 */
	put_str(root, "stat", "cpu  7 0 0 9 0 0 0 0\n");
	put_str(root, "meminfo", "MemTotal: 1000 kB\nMemFree: 20 kB\n");
	put_str(root, "net/dev",
	    NETDEV_HEADER "    lo: 30 3 0 0 0 0 0 0 30 3 0 0 0 0 0 0\n"
	                  "  eth0: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0\n");
	assert_int_equal(sampler_read(s, &smp, &err), 0);
	assert_int_equal(smp.cpu.user, 7);
	assert_int_equal(smp.cpu.idle, 9);
	assert_int_equal(smp.mem.free_kib, 20);
	assert_false(smp.mem.has_available);
	assert_int_equal(smp.net.n, 2);
	assert_int_equal(smp.net.v[0].rx_bytes, 30);
	assert_string_equal(smp.net.v[1].name, "eth0");
	assert_int_equal(smp.net.v[1].tx_bytes, 6);
	sample_free(&smp);
	sampler_close(s);
}

/* Writes root/net/dev with n interfaces "if<i>" counting i*1000 and i*7. */
static void
put_many_ifaces(const char *root, int n)
{
	size_t cap = sizeof(NETDEV_HEADER) + (size_t)n * 200, len;
	char *buf = xmalloc(cap);
	int i;

	len = strlen(NETDEV_HEADER);
	memcpy(buf, NETDEV_HEADER, len);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "%6s%d: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d "
		    "%4d %5d %7d %10d\n",
		    "if", i, i * 1000, i, 0, 0, 0, 0, 0, 0, i * 7, i, 0, 0, 0,
		    0, 0, 0);
	assert_true(len < cap);
	put(root, "net/dev", buf, len);
	free(buf);
}

static void
test_sampler_read_grows_buffer_when_300_interfaces(void **state)
{
	const char *root = *state;
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;
	int round;

	put_root_a(root);
	put_many_ifaces(root, 300);
	s = sampler_open(root, &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	/* The second round reads into the buffer the first one grew. */
	for (round = 0; round < 2; round++) {
		assert_int_equal(sampler_read(s, &smp, &err), 0);
		assert_int_equal(smp.net.n, 300);
		assert_string_equal(smp.net.v[0].name, "if0");
		assert_string_equal(smp.net.v[299].name, "if299");
		assert_int_equal(smp.net.v[299].rx_bytes, 299000);
		assert_int_equal(smp.net.v[299].tx_bytes, 2093);
	}
	sample_free(&smp);
	sampler_close(s);
}

/*
 * In a fresh network namespace makes n bridges (the one kind a plain
 * ioctl can create, also in an unprivileged user namespace), then checks
 * the sampler sees every one in the real /proc/net/dev. Runs in a child;
 * returns an exit status: 0 fine, 1 failed, CHILD_SKIPPED.
 */
static int
child_count_bridges(int n)
{
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;
	char name[32];
	int i, sock;

	if (unshare(CLONE_NEWNET) == -1 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1) {
		fprintf(stderr, "# unshare: %s\n", strerror(errno));
		return CHILD_SKIPPED;
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock == -1) {
		fprintf(stderr, "# socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "br%d", i);
		if (ioctl(sock, SIOCBRADDBR, name) == -1) {
			fprintf(stderr, "# SIOCBRADDBR %s: %s\n", name,
			    strerror(errno));
			return i == 0 ? CHILD_SKIPPED : 1;
		}
	}
	if ((s = sampler_open("/proc", &err)) == NULL ||
	    sampler_read(s, &smp, &err) == -1) {
		fprintf(stderr, "# %s\n", err.msg);
		return 1;
	}
	if (smp.net.n != (size_t)n + 1) {
		fprintf(stderr, "# %zu interfaces, made %d and lo\n", smp.net.n,
		    n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "br%d", i);
		if (testutil_find_iface(&smp.net, name) == NULL) {
			fprintf(stderr, "# %s missing\n", name);
			return 1;
		}
	}
	sample_free(&smp);
	sampler_close(s);
	return 0;
}

static void
test_sampler_read_reads_all_of_net_dev_when_kernel_reads_short(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	/*
	 * The kernel's seq_file gives about a page per pread, whatever the
	 * size asked; a regular file cannot show that, so this makes 300
	 * real interfaces (~37 KiB of /proc/net/dev, ten short reads).
	 */
	pid = fork();
	if (pid == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(child_count_bridges(300));
	if (waitpid(pid, &status, 0) == -1)
		fail_msg("waitpid: %s", strerror(errno));
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIPPED)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_sampler_open_names_missing_file(void **state)
{
	static const char *rel[] = {"stat", "meminfo", "net/dev"};
	const char *root = *state;
	struct errmsg err;
	char *path, *want;
	size_t i;

	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		put_root_a(root);
		path = xasprintf("%s/%s", root, rel[i]);
		if (unlink(path) == -1)
			fail_msg("unlink %s: %s", path, strerror(errno));
		assert_null(sampler_open(root, &err));
		assert_int_equal(err.code, ENOENT);
		want = xasprintf("%s: No such file or directory", path);
		assert_string_equal(err.msg, want);
		free(want);
		free(path);
	}
	assert_null(sampler_open("/nonexistent-proc-root", NULL));
}

static void
test_sampler_read_names_path_when_read_fails(void **state)
{
	const char *root = *state;
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;
	char *path, *want;

	/* A folder opens O_RDONLY fine; pread on it fails with EISDIR. */
	put_str(root, "stat", STAT_A);
	put_str(root, "net/dev", NETDEV_A);
	path = xasprintf("%s/meminfo", root);
	if (mkdir(path, 0755) == -1)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	s = sampler_open(root, &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(sampler_read(s, &smp, &err), -1);
	assert_int_equal(err.code, EISDIR);
	want = xasprintf("%s: Is a directory", path);
	assert_string_equal(err.msg, want);
	sample_free(&smp);
	sampler_close(s);
	free(want);
	free(path);
}

static void
test_sampler_read_names_real_path_when_parse_fails(void **state)
{
	static const struct {
		const char *rel, *data, *msg;
	} bad[] = {
	    {"stat", "cpu0 1 2 3 4 5 6 7 8\n",
	        "stat: first line is not the aggregate \"cpu\" line"},
	    {"meminfo", "MemFree: 1 kB\n", "meminfo: no MemTotal"},
	    {"net/dev", NETDEV_HEADER "eth0 1 2\n",
	        "net/dev:3: no ':' after an interface name"},
	};
	const char *root = *state;
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;
	char *want;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_root_a(root);
		put_str(root, bad[i].rel, bad[i].data);
		s = sampler_open(root, &err);
		if (s == NULL)
			fail_msg("%s", err.msg);
		assert_int_equal(sampler_read(s, &smp, &err), -1);
		assert_int_equal(err.code, EINVAL);
		/* The message names the file read, not the kernel's path. */
		want = xasprintf("%s/%s", root, bad[i].msg);
		assert_string_equal(err.msg, want);
		free(want);
		/* Without an errmsg the failure is still reported. */
		assert_int_equal(sampler_read(s, &smp, NULL), -1);
		sampler_close(s);
	}
	sample_free(&smp);
}

static void
test_sampler_read_refuses_file_without_end(void **state)
{
	const char *root = *state;
	struct sample smp = {0};
	struct sampler *s;
	struct errmsg err;
	char *path, *want;

	put_root_a(root);
	path = xasprintf("%s/net/dev", root);
	if (unlink(path) == -1 || symlink("/dev/zero", path) == -1)
		fail_msg("symlink %s: %s", path, strerror(errno));
	s = sampler_open(root, &err);
	if (s == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(sampler_read(s, &smp, &err), -1);
	assert_int_equal(err.code, EFBIG);
	want = xasprintf("%s: larger than 64 MiB", path);
	assert_string_equal(err.msg, want);
	sample_free(&smp);
	sampler_close(s);
	free(want);
	free(path);
}

static void
test_sampler_close_and_sample_free_take_null(void **state)
{
	struct sample smp = {0};

	(void)state;
	sampler_close(NULL);
	sample_free(NULL);
	sample_free(&smp);
	assert_int_equal(smp.net.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sampler_read_reads_fixture_root),
	    cmocka_unit_test(test_sampler_read_agrees_with_real_proc),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_read_sees_file_rewritten_in_place,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_read_grows_buffer_when_300_interfaces,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test(
	        test_sampler_read_reads_all_of_net_dev_when_kernel_reads_short),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_open_names_missing_file, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_read_names_path_when_read_fails,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_read_names_real_path_when_parse_fails,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_sampler_read_refuses_file_without_end,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test(test_sampler_close_and_sample_free_take_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
