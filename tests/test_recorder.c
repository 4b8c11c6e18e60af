/* test_recorder.c - the sampling loop under a fake clock and a fake /proc */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#include "clock.h"
#include "testutil.h"
#include "timestamp.h"
#include "xalloc.h"

#define MAX_IFACES 8

/* What the fake /proc shows; advanced by every fake second. */
struct world {
	char *proc, *data;
	uint64_t user, idle;
	int n_ifaces;
	struct {
		char name[16];
		uint64_t rx, tx;
		int present;
	} iface[MAX_IFACES];
	struct fakeclock fc;
	struct recorder_config cf;
	char logged[16384];
	/* Hooks by sleep number: a wall step, a stall, an event callback. */
	long step_at, stall_at;
	int64_t step_ns, stall_ns;
	void (*event)(struct world *w, long sleep);
};

static void
collect_log(void *ctx, int level, const char *msg)
{
	struct world *w = ctx;
	size_t used = strlen(w->logged);

	(void)level;
	(void)snprintf(w->logged + used, sizeof(w->logged) - used, "%s\n", msg);
}

static void
write_proc(struct world *w)
{
	char *path, buf[8192];
	struct rlimit lim, open_lim;
	int n, i;

	/* A "full disk" (RLIMIT_FSIZE) is for the recorder, not the fake /proc.
	 */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &lim), 0);
	open_lim = lim;
	open_lim.rlim_cur = open_lim.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &open_lim), 0);

	path = xasprintf("%s/stat", w->proc);
	n = snprintf(buf, sizeof(buf),
	    "cpu  %" PRIu64 " 0 0 %" PRIu64
	    " 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n",
	    w->user, w->idle);
	testutil_write_file(path, buf, (size_t)n);
	free(path);
	path = xasprintf("%s/meminfo", w->proc);
	n = snprintf(buf, sizeof(buf),
	    "MemTotal:       16000000 kB\n"
	    "MemFree:         8000000 kB\nMemAvailable:   12000000 kB\n");
	testutil_write_file(path, buf, (size_t)n);
	free(path);
	n = snprintf(buf, sizeof(buf),
	    "Inter-|   Receive                                                "
	    "|  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed "
	    "multicast|bytes    packets errs drop fifo colls carrier "
	    "compressed\n");
	for (i = 0; i < w->n_ifaces; i++)
		if (w->iface[i].present)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			    "%6s: %" PRIu64 " 0 0 0 0 0 0 0 %" PRIu64
			    " 0 0 0 0 0 0 0\n",
			    w->iface[i].name, w->iface[i].rx, w->iface[i].tx);
	path = xasprintf("%s/net/dev", w->proc);
	testutil_write_file(path, buf, (size_t)n);
	free(path);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void
world_on_sleep(struct fakeclock *fc, void *ctx)
{
	struct world *w = ctx;
	int i;

	if (w->stall_at == fc->sleeps) {
		fc->wall_ns += w->stall_ns;
		fc->mono_ns += w->stall_ns;
	}
	if (w->step_at == fc->sleeps)
		fc->wall_ns += w->step_ns;
	/* Whatever the gaps, counters move at 25% CPU and 10 kbit/s per iface.
	 */
	w->user = (uint64_t)(fc->mono_ns / 10000000) / 4;
	w->idle = (uint64_t)(fc->mono_ns / 10000000) - w->user;
	for (i = 0; i < w->n_ifaces; i++) {
		w->iface[i].rx =
		    (uint64_t)(fc->mono_ns / 1000000) * 1250 / 1000;
		w->iface[i].tx = w->iface[i].rx * 2;
	}
	if (w->event != NULL)
		w->event(w, fc->sleeps);
	write_proc(w);
}

static void
world_add_iface(struct world *w, const char *name)
{
	assert_true(w->n_ifaces < MAX_IFACES);
	(void)snprintf(w->iface[w->n_ifaces].name, 16, "%s", name);
	w->iface[w->n_ifaces].present = 1;
	w->n_ifaces++;
}

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof(*w));
	char *net;

	testutil_set_tz("Europe/Samara");
	w->proc = testutil_mkdtemp();
	w->data = xasprintf("%s/telemetry", w->proc);
	net = xasprintf("%s/net", w->proc);
	assert_int_equal(mkdir(net, 0755), 0);
	free(net);
	/* 2026-11-27T12:00:00+04:00 */
	fakeclock_init(&w->fc, INT64_C(1795766400) * NS_PER_S);
	w->fc.on_sleep = world_on_sleep;
	w->fc.on_sleep_ctx = w;
	w->step_at = w->stall_at = -1;
	world_add_iface(w, "lo");
	world_add_iface(w, "eth0");
	world_on_sleep(&w->fc, w);
	w->fc.sleeps = 0;
	w->cf = (struct recorder_config){
	    .data_dir = w->data,
	    .proc_root = w->proc,
	    .interval_s = 1,
	    .sync_interval_s = 60,
	    .backlog = 3600,
	    .max_ifaces = 64,
	    .clock = &w->fc.clock,
	    .log = {collect_log, w},
	};
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	testutil_rm_rf(w->proc);
	free(w->proc);
	free(w->data);
	free(w);
	return 0;
}

/* Runs n ticks and closes; the test fails on any error. */
static void
run(struct world *w, int n)
{
	struct errmsg err;
	struct recorder *r;
	int i;

	r = recorder_open(&w->cf, &err);
	if (r == NULL)
		fail_msg("recorder_open: %s", err.msg);
	for (i = 0; i < n;) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
		/* Wake-ups to write rows held by a rewrite are not reads. */
		if (w->fc.wall_ns % ((int64_t)w->cf.interval_s * NS_PER_S) == 0)
			i++;
	}
	if (recorder_close(r, &err) == -1)
		fail_msg("recorder_close: %s", err.msg);
}

static char *
day_text(struct world *w, const char *day)
{
	char *path = xasprintf("%s/%s.csv", w->data, day), *text;

	text = testutil_read_file(path, NULL);
	free(path);
	return text;
}

static int
count_lines(const char *text)
{
	int n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

static void
test_recorder_writes_a_row_on_every_boundary(void **state)
{
	struct world *w = *state;
	char *text;

	run(w, 3);
	text = day_text(w, "2026-11-27");
	assert_string_equal(text,
	    "time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib,"
	    "net_rx_bps:lo,net_tx_bps:lo,net_rx_bps:eth0,net_tx_bps:eth0\n"
	    "2026-11-27T12:00:01+04:00,25.00,16000000,8000000,12000000,10000,"
	    "20000,10000,20000\n"
	    "2026-11-27T12:00:02+04:00,25.00,16000000,8000000,12000000,10000,"
	    "20000,10000,20000\n"
	    "2026-11-27T12:00:03+04:00,25.00,16000000,8000000,12000000,10000,"
	    "20000,10000,20000\n");
	free(text);
}

static void
test_recorder_skips_a_first_boundary_too_close_to_start(void **state)
{
	struct world *w = *state;
	char *text;

	/* 0.8 s into a second: the row at :01 would cover 0.2 s. */
	w->fc.wall_ns += 800000000;
	run(w, 2);
	text = day_text(w, "2026-11-27");
	assert_non_null(strstr(text, "\n2026-11-27T12:00:02+04:00,"));
	assert_null(strstr(text, "\n2026-11-27T12:00:01+04:00,"));
	free(text);
}

static void
test_recorder_rolls_over_at_local_midnight(void **state)
{
	struct world *w = *state;
	char *day1, *day2;

	/* 2026-11-27T23:59:57.3+04:00 */
	w->fc.wall_ns = INT64_C(1795809597) * NS_PER_S + 300000000;
	run(w, 5);
	day1 = day_text(w, "2026-11-27");
	day2 = day_text(w, "2026-11-28");
	assert_int_equal(count_lines(day1), 1 + 2);
	assert_non_null(strstr(day1, "\n2026-11-27T23:59:59+04:00,"));
	assert_int_equal(count_lines(day2), 1 + 3);
	assert_true(strstr(day2, "\n2026-11-28T00:00:00+04:00,") != NULL);
	free(day1);
	free(day2);
}

static void
run_hourly_day(struct world *w, const char *tz, int64_t midnight_utc,
    const char *day, int want_rows)
{
	char *text, *repeated;

	testutil_set_tz(tz);
	w->cf.interval_s = 3600;
	/* Just after the day before's 23:00: the baseline is an hour old. */
	w->fc.wall_ns = (midnight_utc - 3600 + 1) * NS_PER_S;
	run(w, want_rows + 1);
	text = day_text(w, day);
	assert_int_equal(count_lines(text), 1 + want_rows);
	repeated = xasprintf("\n%sT00:00:00", day);
	assert_non_null(strstr(text, repeated));
	free(repeated);
	free(text);
}

static void
test_recorder_writes_25_rows_on_a_fall_back_day(void **state)
{
	struct world *w = *state;
	char *text;

	/* 2026-10-25 in Berlin starts at 2026-10-24T22:00Z and lasts 25 h. */
	run_hourly_day(w, "Europe/Berlin", 1792879200, "2026-10-25", 25);
	text = day_text(w, "2026-10-25");
	assert_non_null(strstr(text, "\n2026-10-25T02:00:00+02:00,"));
	assert_non_null(strstr(text, "\n2026-10-25T02:00:00+01:00,"));
	free(text);
}

static void
test_recorder_writes_23_rows_on_a_spring_forward_day(void **state)
{
	struct world *w = *state;
	char *text;

	/* 2026-03-29 in Berlin starts at 2026-03-28T23:00Z and lasts 23 h. */
	run_hourly_day(w, "Europe/Berlin", 1774738800, "2026-03-29", 23);
	text = day_text(w, "2026-03-29");
	assert_null(strstr(text, "\n2026-03-29T02:00:00"));
	assert_non_null(strstr(text, "\n2026-03-29T03:00:00+02:00,"));
	free(text);
}

static void
test_recorder_waits_out_a_backward_clock_step(void **state)
{
	struct world *w = *state;
	char *text;
	const char *p;
	time_t t, prev = 0;

	/* At the third read the wall clock has gone back 5 s. */
	w->step_at = 3;
	w->step_ns = -5 * NS_PER_S;
	run(w, 12);
	text = day_text(w, "2026-11-27");
	/* :01 :02; the reads at 11:59:59 .. 12:00:02 repeat times: no rows. */
	assert_int_equal(count_lines(text), 1 + 7);
	for (p = strchr(text, '\n') + 1; *p != '\0'; p = strchr(p, '\n') + 1) {
		assert_int_equal(timestamp_parse(p, TIMESTAMP_LEN, &t, NULL),
		    0);
		assert_true(t > prev);
		prev = t;
	}
	assert_non_null(strstr(text, "\n2026-11-27T12:00:07+04:00,"));
	assert_non_null(strstr(w->logged, "wall clock stepped by -5.000 s"));
	free(text);
}

static void
test_recorder_leaves_a_gap_for_a_forward_step(void **state)
{
	struct world *w = *state;
	char *text;

	w->step_at = 2;
	w->step_ns = 3600 * NS_PER_S;
	run(w, 4);
	text = day_text(w, "2026-11-27");
	/* :01, then the step read is only a baseline, then 13:00:03.. */
	assert_int_equal(count_lines(text), 1 + 3);
	assert_non_null(strstr(text, "\n2026-11-27T12:00:01+04:00,"));
	assert_null(strstr(text, "\n2026-11-27T12:00:02+04:00,"));
	assert_null(strstr(text, "\n2026-11-27T13:00:02+04:00,"));
	assert_non_null(strstr(text, "\n2026-11-27T13:00:03+04:00,"));
	free(text);
}

static void
test_recorder_writes_no_row_for_a_late_read(void **state)
{
	struct world *w = *state;
	char *text;

	/* The process is stopped for 10 s during the second sleep. */
	w->stall_at = 2;
	w->stall_ns = 10 * NS_PER_S;
	run(w, 4);
	text = day_text(w, "2026-11-27");
	assert_int_equal(count_lines(text), 1 + 3);
	assert_non_null(strstr(text, "\n2026-11-27T12:00:01+04:00,"));
	assert_null(strstr(text, "\n2026-11-27T12:00:12+04:00,"));
	assert_non_null(strstr(text, "\n2026-11-27T12:00:13+04:00,25.00,"));
	assert_non_null(strstr(w->logged, "no row for it"));
	free(text);
}

static void
counter_reset_event(struct world *w, long sleep)
{
	if (sleep >= 3)
		w->iface[1].rx = w->iface[1].tx = 100 * (uint64_t)(sleep - 3);
}

static void
test_recorder_leaves_cells_empty_after_a_counter_reset(void **state)
{
	struct world *w = *state;
	char *text;

	w->event = counter_reset_event;
	run(w, 4);
	text = day_text(w, "2026-11-27");
	/* eth0's counters drop at :03: an empty cell, never a spike. */
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:03+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,,\n"));
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:04+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,800,800\n"));
	free(text);
}

static void
iface_comes_and_goes_event(struct world *w, long sleep)
{
	if (sleep == 2) {
		world_add_iface(w, "veth9");
		w->iface[2].rx = w->iface[0].rx;
		w->iface[2].tx = w->iface[0].tx;
	}
	if (sleep == 4)
		w->iface[2].present = 0;
}

static void
test_recorder_widens_for_an_interface_that_appears(void **state)
{
	static const char header[] =
	    "time,cpu_percent,mem_total_kib,"
	    "mem_free_kib,mem_available_kib,net_rx_bps:lo,net_tx_bps:lo,"
	    "net_rx_bps:eth0,net_tx_bps:eth0,net_rx_bps:veth9,"
	    "net_tx_bps:veth9\n";
	struct world *w = *state;
	char *text;

	w->event = iface_comes_and_goes_event;
	run(w, 5);
	text = day_text(w, "2026-11-27");
	assert_memory_equal(text, header, sizeof(header) - 1);
	/* Absent, first interval, a rate, gone: empty, empty, rate, empty. */
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:01+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,10000,20000,,\n"));
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:02+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,10000,20000,,\n"));
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:03+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,10000,20000,10000,20000\n"));
	assert_non_null(
	    strstr(text, "\n2026-11-27T12:00:05+04:00,25.00,16000000,8000000,"
	                 "12000000,10000,20000,10000,20000,,\n"));
	free(text);
}

static void
test_recorder_writes_held_rows_when_the_rewrite_ends(void **state)
{
	struct world *w = *state;
	struct recorder_status st;
	struct errmsg err;
	struct recorder *r;
	char *text;
	int i;

	w->event = iface_comes_and_goes_event;
	r = recorder_open(&w->cf, &err);
	assert_non_null(r);
	/* Reads :01 :02 :03; the :03 row starts the rewrite for veth9. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	/* Within the same second the loop wakes until the row is written. */
	for (i = 0; i < 2000 && w->fc.wall_ns % NS_PER_S != 0; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	for (i = 0; i < 2000; i++) {
		recorder_status(r, &st);
		if (st.backlog == 0)
			break;
		usleep(1000); /* the rewrite runs in real time */
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
		assert_true(w->fc.wall_ns < INT64_C(1795766404) * NS_PER_S);
	}
	recorder_status(r, &st);
	assert_int_equal(st.backlog, 0);
	assert_int_equal(st.rows_written, 3);
	text = day_text(w, "2026-11-27");
	assert_non_null(strstr(text, "\n2026-11-27T12:00:03+04:00,"));
	free(text);
	assert_int_equal(recorder_close(r, &err), 0);
}

static void
test_recorder_honours_exclude_and_max_ifaces(void **state)
{
	struct world *w = *state;
	char *excl[] = {"lo"};
	char *text;

	world_add_iface(w, "veth1");
	world_add_iface(w, "wlan0");
	world_on_sleep(&w->fc, w);
	w->fc.sleeps = 0;
	w->cf.exclude_globs = excl;
	w->cf.n_exclude_globs = 1;
	w->cf.max_ifaces = 2;
	run(w, 2);
	text = day_text(w, "2026-11-27");
	assert_non_null(strstr(text,
	    "mem_available_kib,net_rx_bps:eth0,"
	    "net_tx_bps:eth0,net_rx_bps:veth1,net_tx_bps:veth1\n"));
	assert_non_null(
	    strstr(w->logged, "max_ifaces 2 reached: not recording wlan0"));
	free(text);
}

static void
test_recorder_refuses_a_second_writer_naming_the_holder(void **state)
{
	struct world *w = *state;
	struct recorder *r1, *r2;
	struct errmsg err;
	char want[64];

	r1 = recorder_open(&w->cf, &err);
	assert_non_null(r1);
	r2 = recorder_open(&w->cf, &err);
	assert_null(r2);
	assert_int_equal(err.code, EWOULDBLOCK);
	(void)snprintf(want, sizeof(want), "(pid %ld)", (long)getpid());
	assert_non_null(strstr(err.msg, want));
	assert_int_equal(recorder_close(r1, &err), 0);
	r2 = recorder_open(&w->cf, &err);
	assert_non_null(r2);
	assert_int_equal(recorder_close(r2, &err), 0);
}

static void
test_recorder_resumes_without_repeating_a_time(void **state)
{
	struct world *w = *state;
	char *text;

	run(w, 3);
	/* Restarted with the clock set back 2 s: :02 and :03 exist already. */
	w->fc.wall_ns -= 2 * NS_PER_S;
	w->fc.sleeps = 0;
	run(w, 3);
	text = day_text(w, "2026-11-27");
	assert_int_equal(count_lines(text), 1 + 4);
	assert_non_null(strstr(text, "\n2026-11-27T12:00:04+04:00,"));
	free(text);
}

/* Number of lines of the log holding what. */
static int
count_logged(const struct world *w, const char *what)
{
	const char *p = w->logged;
	int n = 0;

	while ((p = strstr(p, what)) != NULL) {
		n++;
		p += strlen(what);
	}
	return n;
}

static void
test_recorder_waits_for_a_later_day_file_after_a_restart(void **state)
{
	struct world *w = *state;
	struct recorder_status st;
	struct errmsg err;
	struct recorder *r;
	char *text;
	int i;

	/* 2026-11-27T23:59:57.3+04:00: rows to 2026-11-28T00:00:05. */
	w->fc.wall_ns = INT64_C(1795809597) * NS_PER_S + 300000000;
	run(w, 8);
	/*
	 * Restarted with the clock 8 s behind, back before midnight (a
	 * host's clock set back while no recorder ran): the 28th's file
	 * is opened at its first row, and from then on the recorder waits
	 * for the clock to pass its last row, as after a step it saw.
	 */
	w->fc.wall_ns -= 8 * NS_PER_S;
	w->logged[0] = '\0';
	r = recorder_open(&w->cf, &err);
	assert_non_null(r);
	for (i = 0; i < 10; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	recorder_status(r, &st);
	assert_int_equal(recorder_close(r, &err), 0);
	/* The 00:00:00 row, made before the file was open, is refused. */
	assert_int_equal(count_logged(w, "row dropped"), 1);
	assert_int_equal(st.rows_dropped, 1);
	text = day_text(w, "2026-11-28");
	assert_int_equal(count_lines(text), 1 + 8);
	assert_non_null(strstr(text, "\n2026-11-28T00:00:05+04:00,"));
	assert_non_null(strstr(text, "\n2026-11-28T00:00:06+04:00,"));
	free(text);
}

static void
test_recorder_removes_days_past_keep_days_at_midnight(void **state)
{
	struct world *w = *state;
	char *old, *kept;
	struct stat st;

	assert_int_equal(mkdir(w->data, 0755), 0);
	old = xasprintf("%s/2026-10-28.csv", w->data);
	kept = xasprintf("%s/2026-10-29.csv", w->data);
	testutil_write_file(old, "x\n", 2);
	testutil_write_file(kept, "x\n", 2);
	w->cf.keep_days = 31;
	w->fc.wall_ns = INT64_C(1795809598) * NS_PER_S + 300000000;
	run(w, 3);
	/* On 2026-11-28, keeping 31 days keeps 2026-10-29 and later. */
	assert_int_equal(stat(old, &st), -1);
	assert_int_equal(stat(kept, &st), 0);
	free(old);
	free(kept);
}

/* The disk "fills" (RLIMIT_FSIZE) at the 3rd read and frees at the 9th. */
static void
disk_full_event(struct world *w, long sleep)
{
	struct rlimit lim;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &lim), 0);
	if (sleep == 3) {
		char *path = xasprintf("%s/2026-11-27.csv", w->data);
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		lim.rlim_cur = (rlim_t)st.st_size;
		free(path);
	} else if (sleep == 9)
		lim.rlim_cur = lim.rlim_max;
	else
		return;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void
test_recorder_holds_rows_while_the_disk_is_full(void **state)
{
	struct world *w = *state;
	struct recorder_status st;
	struct errmsg err;
	struct recorder *r;
	char *text, want[64];
	int i;

	assert_ptr_not_equal(signal(SIGXFSZ, SIG_IGN), SIG_ERR);
	w->event = disk_full_event;
	r = recorder_open(&w->cf, &err);
	assert_non_null(r);
	for (i = 0; i < 5; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	recorder_status(r, &st);
	assert_int_equal(st.rows_written, 2);
	assert_int_equal(st.backlog, 3);
	assert_non_null(strstr(st.last_error, "File too large"));
	for (i = 0; i < 5; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	recorder_status(r, &st);
	assert_int_equal(st.rows_written, 10);
	assert_int_equal(st.backlog, 0);
	assert_int_equal(st.rows_dropped, 0);
	assert_int_equal(recorder_close(r, &err), 0);
	text = day_text(w, "2026-11-27");
	/* Every second, in order, nothing torn. */
	assert_int_equal(count_lines(text), 1 + 10);
	for (i = 1; i <= 10; i++) {
		(void)snprintf(want, sizeof(want),
		    "\n2026-11-27T12:00:%02d+04:00,", i);
		assert_non_null(strstr(text, want));
	}
	/* Logged once when it began and once when it cleared. */
	assert_non_null(strstr(w->logged, "writing rows: "));
	assert_null(strstr(strstr(w->logged, "writing rows: ") + 1,
	    "writing rows: 2026"));
	assert_non_null(
	    strstr(w->logged, "writing rows: working again after "));
	free(text);
}

/* The disk "fills" at the 3rd read and frees at the 1503rd: 25 minutes. */
static void
long_disk_full_event(struct world *w, long sleep)
{
	if (sleep == 3 || sleep == 1503)
		disk_full_event(w, sleep == 3 ? 3 : 9);
}

static void
test_recorder_repeats_a_lasting_fault_every_10_minutes(void **state)
{
	struct world *w = *state;
	struct recorder_status st;
	struct errmsg err;
	struct recorder *r;
	char *text;
	int i;

	assert_ptr_not_equal(signal(SIGXFSZ, SIG_IGN), SIG_ERR);
	w->event = long_disk_full_event;
	r = recorder_open(&w->cf, &err);
	assert_non_null(r);
	for (i = 0; i < 1510; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	recorder_status(r, &st);
	assert_int_equal(recorder_close(r, &err), 0);
	/* Once when it began, at 10 and 20 minutes with a count, once when
	 * it cleared; the 1500 rows held meanwhile all written, in order. */
	assert_int_equal(count_logged(w, "writing rows: "), 4);
	assert_int_equal(count_logged(w, "failures in the last 600 s)"), 2);
	assert_int_equal(count_logged(w, "writing rows: working again"), 1);
	assert_int_equal(st.rows_written, 1510);
	assert_int_equal(st.rows_dropped, 0);
	text = day_text(w, "2026-11-27");
	assert_int_equal(count_lines(text), 1 + 1510);
	assert_non_null(strstr(text, "\n2026-11-27T12:25:10+04:00,"));
	free(text);
}

static void
test_recorder_drops_and_counts_the_oldest_past_the_backlog(void **state)
{
	struct world *w = *state;
	struct recorder_status st;
	struct errmsg err;
	struct recorder *r;
	char *text;
	int i;

	assert_ptr_not_equal(signal(SIGXFSZ, SIG_IGN), SIG_ERR);
	w->event = disk_full_event;
	w->cf.backlog = 4;
	r = recorder_open(&w->cf, &err);
	assert_non_null(r);
	for (i = 0; i < 8; i++) {
		assert_int_equal(recorder_wait(r), 0);
		recorder_tick(r);
	}
	recorder_status(r, &st);
	assert_int_equal(st.backlog, 4);
	assert_int_equal(st.rows_dropped, 2);
	assert_int_equal(recorder_wait(r), 0);
	recorder_tick(r);
	assert_int_equal(recorder_close(r, &err), 0);
	text = day_text(w, "2026-11-27");
	/* :03 and :04 were the oldest held: dropped, a gap, never reordered. */
	assert_int_equal(count_lines(text), 1 + 7);
	assert_null(strstr(text, "T12:00:03+"));
	assert_null(strstr(text, "T12:00:04+"));
	assert_non_null(strstr(text, "T12:00:05+04:00"));
	free(text);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_recorder_writes_a_row_on_every_boundary),
	    T(test_recorder_skips_a_first_boundary_too_close_to_start),
	    T(test_recorder_rolls_over_at_local_midnight),
	    T(test_recorder_writes_25_rows_on_a_fall_back_day),
	    T(test_recorder_writes_23_rows_on_a_spring_forward_day),
	    T(test_recorder_waits_out_a_backward_clock_step),
	    T(test_recorder_leaves_a_gap_for_a_forward_step),
	    T(test_recorder_writes_no_row_for_a_late_read),
	    T(test_recorder_leaves_cells_empty_after_a_counter_reset),
	    T(test_recorder_widens_for_an_interface_that_appears),
	    T(test_recorder_writes_held_rows_when_the_rewrite_ends),
	    T(test_recorder_honours_exclude_and_max_ifaces),
	    T(test_recorder_refuses_a_second_writer_naming_the_holder),
	    T(test_recorder_resumes_without_repeating_a_time),
	    T(test_recorder_waits_for_a_later_day_file_after_a_restart),
	    T(test_recorder_removes_days_past_keep_days_at_midnight),
	    T(test_recorder_holds_rows_while_the_disk_is_full),
	    T(test_recorder_repeats_a_lasting_fault_every_10_minutes),
	    T(test_recorder_drops_and_counts_the_oldest_past_the_backlog),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
