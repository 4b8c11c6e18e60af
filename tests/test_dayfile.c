/* test_dayfile.c - appending, resuming, repairing and widening a day file */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "dayfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "errmsg.h"
#include "logsink.h"
#include "row.h"
#include "testutil.h"
#include "timestamp.h"
#include "xalloc.h"

#define HEADER "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib"
/* 2026-11-27T00:00:00+04:00 */
#define MIDNIGHT 1795723200

struct fixture {
	char *dir;
	int dirfd;
	struct daydate date;
	struct colset *cols;
	char logged[4096];
	struct logsink log;
};

static void
collect_log(void *ctx, int level, const char *msg)
{
	struct fixture *f = ctx;
	size_t used = strlen(f->logged);

	(void)level;
	(void)snprintf(f->logged + used, sizeof(f->logged) - used, "%s\n", msg);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	testutil_set_tz("Europe/Samara");
	f->dir = testutil_mkdtemp();
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_not_equal(f->dirfd, -1);
	f->date = (struct daydate){2026, 11, 27};
	f->cols = colset_new(&f->date);
	f->log = (struct logsink){collect_log, f};
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	colset_unref(f->cols);
	(void)close(f->dirfd);
	testutil_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct row *
make_row(struct fixture *f, time_t t, int64_t base)
{
	struct row *row = row_new(f->cols, f->cols->n);
	size_t i;

	row->t = t;
	row->date = f->date;
	row->cpu_centi = 1205;
	row->mem_total_kib = 16000000;
	row->mem_free_kib = 8000000;
	row->mem_available_kib = 12000000;
	for (i = 0; i < row->n_net; i++) {
		row->net[i].rx_bps = base + (int64_t)i;
		row->net[i].tx_bps = 2 * base;
	}
	return row;
}

static char *
file_text(struct fixture *f, const char *name)
{
	char *path = xasprintf("%s/%s", f->dir, name), *text;

	text = testutil_read_file(path, NULL);
	free(path);
	return text;
}

/* Appends until written, waiting out a widening rewrite. */
static void
append_ok(struct dayfile *df, struct row *row)
{
	struct errmsg err;
	int rc, tries = 0;

	while ((rc = dayfile_append(df, row, &err)) == 1 && tries++ < 10000)
		usleep(1000);
	if (rc != 0)
		fail_msg("append: %s", err.msg);
	row_free(row);
}

static void
test_dayfile_writes_header_and_rows_when_new(void **state)
{
	struct fixture *f = *state;
	struct dayfile *df;
	struct errmsg err;
	char *text;

	(void)colset_add(f->cols, "eth0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 1, 1000));
	append_ok(df, make_row(f, MIDNIGHT + 2, 2000));
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_string_equal(text,
	    HEADER ",net_rx_bps:eth0,net_tx_bps:eth0\n"
	           "2026-11-27T00:00:01+04:00,12.05,16000000,8000000,12000000,"
	           "1000,2000\n"
	           "2026-11-27T00:00:02+04:00,12.05,16000000,8000000,12000000,"
	           "2000,4000\n");
	free(text);
}

static void
test_dayfile_writes_empty_cells_for_missing_values(void **state)
{
	struct fixture *f = *state;
	struct dayfile *df;
	struct errmsg err;
	struct row *row;
	char *text;

	(void)colset_add(f->cols, "eth0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	row = make_row(f, MIDNIGHT + 1, 1000);
	row->cpu_centi = ROW_EMPTY;
	row->mem_available_kib = ROW_EMPTY;
	row->net[0].rx_bps = row->net[0].tx_bps = ROW_EMPTY;
	append_ok(df, row);
	row = make_row(f, MIDNIGHT + 2, 0);
	row->cpu_centi = 10000;
	append_ok(df, row);
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_non_null(
	    strstr(text, "\n2026-11-27T00:00:01+04:00,,16000000,8000000,,,\n"));
	assert_non_null(strstr(text, "\n2026-11-27T00:00:02+04:00,100.00,"
	                             "16000000,8000000,12000000,0,0\n"));
	free(text);
}

static void
test_dayfile_resumes_and_keeps_existing_header_order(void **state)
{
	struct fixture *f = *state;
	static const char existing[] =
	    HEADER ",net_rx_bps:wlan0,net_tx_bps:wlan0,net_rx_bps:eth0,net_tx_"
	           "bps:eth0\n"
	           "2026-11-27T00:00:01+04:00,1.00,1,1,1,5,6,7,8\n";
	struct dayfile *df;
	struct errmsg err;
	char *path, *text;

	path = xasprintf("%s/2026-11-27.csv", f->dir);
	testutil_write_file(path, existing, strlen(existing));
	free(path);
	/* Recorded in the other order now: cells must follow the file's. */
	(void)colset_add(f->cols, "eth0");
	(void)colset_add(f->cols, "wlan0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	assert_int_equal(dayfile_last_time(df), MIDNIGHT + 1);
	append_ok(df, make_row(f, MIDNIGHT + 2, 100));
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_non_null(
	    strstr(text, "\n2026-11-27T00:00:02+04:00,12.05,16000000,8000000,"
	                 "12000000,101,200,100,200\n"));
	free(text);
}

static void
test_dayfile_refuses_a_time_not_after_the_last_row(void **state)
{
	struct fixture *f = *state;
	struct dayfile *df;
	struct errmsg err;
	struct row *row;

	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 5, 1));
	row = make_row(f, MIDNIGHT + 5, 1);
	assert_int_equal(dayfile_append(df, row, &err), -1);
	assert_int_equal(err.code, EINVAL);
	row_free(row);
	assert_int_equal(dayfile_close(df, &err), 0);
}

static void
test_dayfile_cuts_a_torn_last_line_on_open(void **state)
{
	struct fixture *f = *state;
	static const char good[] =
	    HEADER "\n"
	           "2026-11-27T00:00:01+04:00,1.00,1,1,1\n";
	struct dayfile *df;
	struct errmsg err;
	char *path, *text, *torn;

	path = xasprintf("%s/2026-11-27.csv", f->dir);
	torn = xasprintf("%s2026-11-27T00:00:02+04:00,1.", good);
	testutil_write_file(path, torn, strlen(torn));
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	assert_non_null(strstr(f->logged, "cut 28 bytes of a torn last line"));
	append_ok(df, make_row(f, MIDNIGHT + 3, 1));
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_memory_equal(text, good, strlen(good));
	assert_string_equal(text + strlen(good),
	    "2026-11-27T00:00:03+04:00,12.05,16000000,8000000,12000000\n");
	free(text);
	free(torn);
	free(path);
}

/*
 * Power loss approximated: the file cut at every byte, header included.
 * Each time the whole lines before the cut stay byte for byte, the rest
 * is cut off (and logged with its size), and the next row goes in whole;
 * a header cut part way leaves no line, so a new header is written.
 */
static void
test_dayfile_resumes_after_a_cut_at_every_offset(void **state)
{
	static const char header[] =
	    HEADER ",net_rx_bps:eth0,net_tx_bps:eth0\n";
	static const char next_row[] =
	    "2026-11-27T00:00:10+04:00,12.05,16000000,8000000,12000000,10,20\n";
	struct fixture *f = *state;
	size_t size, cut, end, i;
	char *path, *base, *text, *want, torn[64];
	struct dayfile *df;
	struct errmsg err;

	(void)colset_add(f->cols, "eth0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 1, 1));
	append_ok(df, make_row(f, MIDNIGHT + 2, 1234567));
	append_ok(df, make_row(f, MIDNIGHT + 3, 0));
	assert_int_equal(dayfile_close(df, &err), 0);
	path = xasprintf("%s/2026-11-27.csv", f->dir);
	base = testutil_read_file(path, &size);
	for (cut = 0; cut <= size; cut++) {
		for (end = 0, i = 0; i < cut; i++)
			if (base[i] == '\n')
				end = i + 1;
		testutil_write_file(path, base, cut);
		f->logged[0] = '\0';
		df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log,
		    &err);
		if (df == NULL)
			fail_msg("cut at %zu: %s", cut, err.msg);
		(void)snprintf(torn, sizeof(torn),
		    "cut %zu bytes of a torn last line", cut - end);
		if (cut > end && strstr(f->logged, torn) == NULL)
			fail_msg("cut at %zu: logged \"%s\"", cut, f->logged);
		if (cut == end && f->logged[0] != '\0')
			fail_msg("cut at %zu: logged \"%s\"", cut, f->logged);
		append_ok(df, make_row(f, MIDNIGHT + 10, 10));
		assert_int_equal(dayfile_close(df, &err), 0);
		text = testutil_read_file(path, NULL);
		want = xasprintf("%.*s%s%s", (int)end, base,
		    end == 0 ? header : "", next_row);
		if (strcmp(text, want) != 0)
			fail_msg("cut at %zu:\n%s\nwanted\n%s", cut, text,
			    want);
		free(want);
		free(text);
	}
	free(base);
	free(path);
}

static void
test_dayfile_renames_an_unparseable_file_to_bad(void **state)
{
	struct fixture *f = *state;
	static const char junk[] = "this is not,a day file\n1,2\n";
	struct dayfile *df;
	struct errmsg err;
	char *path, *text;

	path = xasprintf("%s/2026-11-27.csv", f->dir);
	testutil_write_file(path, junk, strlen(junk));
	df =
	    dayfile_open(f->dirfd, f->dir, &f->date, 1795770000, &f->log, &err);
	assert_non_null(df);
	assert_non_null(
	    strstr(f->logged, "renamed to 2026-11-27.csv.bad-1795770000"));
	append_ok(df, make_row(f, MIDNIGHT + 3, 1));
	assert_int_equal(dayfile_close(df, &err), 0);
	/* Never deleted: the old bytes are all there under the new name. */
	text = file_text(f, "2026-11-27.csv.bad-1795770000");
	assert_string_equal(text, junk);
	free(text);
	text = file_text(f, "2026-11-27.csv");
	assert_true(strncmp(text, HEADER "\n", strlen(HEADER) + 1) == 0);
	free(text);
	free(path);
}

static void
test_dayfile_widens_for_a_new_interface_keeping_rows(void **state)
{
	struct fixture *f = *state;
	struct dayfile *df;
	struct errmsg err;
	struct row *row;
	char *text;
	int rc;

	(void)colset_add(f->cols, "eth0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 1, 10));
	(void)colset_add(f->cols, "veth1");
	row = make_row(f, MIDNIGHT + 2, 20);
	/* The rewrite runs in a thread: the first call only starts it. */
	rc = dayfile_append(df, row, &err);
	assert_int_equal(rc, 1);
	append_ok(df, row);
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_string_equal(text,
	    HEADER ",net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:veth1,net_tx_"
	           "bps:veth1\n"
	           "2026-11-27T00:00:01+04:00,12.05,16000000,8000000,12000000,"
	           "10,20,,\n"
	           "2026-11-27T00:00:02+04:00,12.05,16000000,8000000,12000000,"
	           "20,40,21,40\n");
	assert_non_null(strstr(f->logged, "widened to 2 interfaces"));
	free(text);
}

static void
test_dayfile_quotes_interface_names_with_commas(void **state)
{
	struct fixture *f = *state;
	struct dayfile *df;
	struct errmsg err;
	char *text;

	(void)colset_add(f->cols, "a,b\"c");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 1, 1));
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_non_null(
	    strstr(text, ",\"net_rx_bps:a,b\"\"c\",\"net_tx_bps:a,b\"\"c\"\n"));
	free(text);
	/* And it reads back: a resumed file keeps one interface. */
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 2, 1));
	assert_int_equal(dayfile_close(df, &err), 0);
	text = file_text(f, "2026-11-27.csv");
	assert_null(strstr(strchr(text, '\n') + 1, "net_rx"));
	free(text);
}

static void
test_dayfile_leaves_no_partial_row_when_the_disk_refuses(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, lim;
	struct dayfile *df;
	struct errmsg err;
	struct row *row;
	struct stat st;
	char *path;

	(void)colset_add(f->cols, "eth0");
	df = dayfile_open(f->dirfd, f->dir, &f->date, MIDNIGHT, &f->log, &err);
	assert_non_null(df);
	append_ok(df, make_row(f, MIDNIGHT + 1, 1));
	path = xasprintf("%s/2026-11-27.csv", f->dir);
	assert_int_equal(stat(path, &st), 0);
	/* RLIMIT_FSIZE makes write(2) stop part way, as a full disk does. */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 10;
	assert_ptr_not_equal(signal(SIGXFSZ, SIG_IGN), SIG_ERR);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	row = make_row(f, MIDNIGHT + 2, 1);
	assert_int_equal(dayfile_append(df, row, &err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(err.code, ENOSPC);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size,
	    strlen(HEADER ",net_rx_bps:eth0,net_tx_bps:eth0\n") +
	        strlen("2026-11-27T00:00:01+04:00,12.05,16000000,8000000,"
	               "12000000,1,2\n"));
	/* Once there is room, the same row goes in whole. */
	append_ok(df, row);
	assert_int_equal(dayfile_close(df, &err), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_writes_header_and_rows_when_new, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_writes_empty_cells_for_missing_values, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_resumes_and_keeps_existing_header_order, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_refuses_a_time_not_after_the_last_row, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_cuts_a_torn_last_line_on_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_resumes_after_a_cut_at_every_offset, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_renames_an_unparseable_file_to_bad, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_widens_for_a_new_interface_keeping_rows, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_quotes_interface_names_with_commas, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(
	        test_dayfile_leaves_no_partial_row_when_the_disk_refuses, setup,
	        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
