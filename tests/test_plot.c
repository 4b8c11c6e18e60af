/* test_plot.c - decode the plot's PNG and check what a person would see */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

#include <gd.h>

#include "errmsg.h"
#include "testutil.h"
#include "timestamp.h"
#include "xalloc.h"

#define X0 PLOT_MARGIN_LEFT

/* A day file in dir for date: rows every step_s seconds over [from, to). */
struct gen {
	time_t from, to;
	int step_s;
	size_t n_ifaces;
	time_t spike_t; /* cpu 100 and eth0 rx 1e9 at this row; 0 none */
	time_t gap_from, gap_to; /* no rows in [gap_from, gap_to) */
};

static void
write_day(const char *dir, const char *date, const struct gen *g)
{
	char ts[TIMESTAMP_LEN + 1];
	char *path = xasprintf("%s/%s.csv", dir, date);
	FILE *fp = fopen(path, "w");
	size_t i;
	time_t t;

	assert_non_null(fp);
	fputs("time,cpu_percent,mem_total_kib,mem_free_kib,mem_available_kib",
	    fp);
	for (i = 0; i < g->n_ifaces; i++)
		fprintf(fp, ",net_rx_bps:eth%zu,net_tx_bps:eth%zu", i, i);
	fputc('\n', fp);
	for (t = g->from; t < g->to; t += g->step_s) {
		if (t >= g->gap_from && t < g->gap_to)
			continue;
		assert_int_equal(timestamp_format(t, ts, NULL), 0);
		fprintf(fp, "%s,%s,16318480,4000000,10000000", ts,
		    t == g->spike_t ? "100.00" : "10.00");
		for (i = 0; i < g->n_ifaces; i++)
			fprintf(fp, ",%d,%d",
			    i == 0 && t == g->spike_t ? 1000000000 : 1000, 500);
		fputc('\n', fp);
	}
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static time_t
midnight_of(int y, int m, int d)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Draws o into dir/out.png and decodes it; the caller destroys it. */
static gdImagePtr
render(const char *dir, const struct plot_opts *o)
{
	char *path = xasprintf("%s/out.png", dir);
	struct errmsg err;
	gdImagePtr im;
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (plot_write(o, fd, &err) == -1)
		fail_msg("plot_write: %s", err.msg);
	assert_int_equal(close(fd), 0);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	im = gdImageCreateFromPng(fp);
	assert_non_null(im);
	fclose(fp);
	free(path);
	return im;
}

/* Expects plot_write to fail with code, writing nothing. */
static void
assert_plot_fails(const char *dir, const struct plot_opts *o, int code,
    const char *words)
{
	char *path = xasprintf("%s/out.png", dir);
	struct errmsg err;
	struct stat st;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(plot_write(o, fd, &err), -1);
	assert_int_equal(err.code, code);
	if (strstr(err.msg, words) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", err.msg, words);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	free(path);
}

static void
rgb(gdImagePtr im, int x, int y, int *r, int *g, int *b)
{
	int c = gdImageGetPixel(im, x, y);

	*r = gdImageRed(im, c);
	*g = gdImageGreen(im, c);
	*b = gdImageBlue(im, c);
}

/* Data ink: a colour, not white, black or a grid or text grey. */
static bool
is_colour(gdImagePtr im, int x, int y)
{
	int r, g, b;

	rgb(im, x, y, &r, &g, &b);
	return !(r == g && g == b);
}

static int
colour_in_column(gdImagePtr im, int x)
{
	int y, n = 0;

	for (y = 0; y < gdImageSY(im); y++)
		n += is_colour(im, x, y);
	return n;
}

static bool
is_ink(gdImagePtr im, int x, int y)
{
	int r, g, b;

	rgb(im, x, y, &r, &g, &b);
	return r == 0x33 && g == 0x33 && b == 0x33;
}

/* The first panel's frame, found down its left edge: its inside rows. */
static void
first_panel(gdImagePtr im, int *top, int *bottom)
{
	int y = 0;

	while (y < gdImageSY(im) && !is_ink(im, X0 - 1, y))
		y++;
	assert_true(y < gdImageSY(im));
	*top = y + 1;
	while (y < gdImageSY(im) && is_ink(im, X0 - 1, y))
		y++;
	*bottom = y - 2;
}

/* Columns of a row holding the grey of grid (0xe6) or major (0xc8) lines. */
static int
grid_columns(gdImagePtr im, int y, int grey, int *xs, int max)
{
	int x, r, g, b, n = 0;

	for (x = X0; x < gdImageSX(im) - PLOT_MARGIN_RIGHT; x++) {
		rgb(im, x, y, &r, &g, &b);
		if (r == grey && g == grey && b == grey && n < max)
			xs[n++] = x;
	}
	return n;
}

static void
opts_for(struct plot_opts *o, const char *dir, int y, int m, int d)
{
	plot_opts_init(o);
	o->data_dir = dir;
	o->from.year = o->to.year = y;
	o->from.month = o->to.month = m;
	o->from.day = o->to.day = d;
	o->host = "testhost";
}

static void
test_plot_draws_the_asked_size(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;

	testutil_set_tz("UTC");
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 60;
	g.n_ifaces = 2;
	write_day(dir, "2026-11-27", &g);
	opts_for(&o, dir, 2026, 11, 27);
	im = render(dir, &o);
	assert_int_equal(gdImageSX(im), PLOT_WIDTH);
	assert_int_equal(gdImageSY(im), PLOT_HEIGHT);
	assert_false(gdImageTrueColor(im));
	gdImageDestroy(im);
	o.width = 320;
	o.height = 200;
	im = render(dir, &o);
	assert_int_equal(gdImageSX(im), 320);
	assert_int_equal(gdImageSY(im), 200);
	gdImageDestroy(im);
	o.width = 4096;
	o.height = 4096;
	o.font_path = "/nonexistent/font.ttf"; /* libgd's own font */
	im = render(dir, &o);
	assert_int_equal(gdImageSX(im), 4096);
	gdImageDestroy(im);
}

static void
test_plot_shows_a_one_second_spike_in_its_column(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;
	int pw = PLOT_WIDTH - X0 - PLOT_MARGIN_RIGHT, x, sod, spike, calm;

	testutil_set_tz("UTC");
	sod = 12 * 3600 + 34 * 60 + 56;
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 1;
	g.n_ifaces = 1;
	g.spike_t = g.from + sod;
	write_day(dir, "2026-11-27", &g);
	opts_for(&o, dir, 2026, 11, 27);
	im = render(dir, &o);
	x = X0 + (int)((long)sod * pw / 86400);
	/* Its envelope climbs CPU and rx panels: far more colour there. */
	spike = colour_in_column(im, x);
	calm = colour_in_column(im, x - 4);
	assert_true(spike > calm + 100);
	assert_true(colour_in_column(im, x + 4) == calm);
	gdImageDestroy(im);
}

static void
test_plot_leaves_a_gap_empty(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;
	int pw = PLOT_WIDTH - X0 - PLOT_MARGIN_RIGHT, x, before, after;

	testutil_set_tz("UTC");
	/* Rows every 10 s, none from 06:00 to 07:00. */
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 10;
	g.n_ifaces = 1;
	g.gap_from = g.from + 6 * 3600;
	g.gap_to = g.from + 7 * 3600;
	write_day(dir, "2026-11-27", &g);
	opts_for(&o, dir, 2026, 11, 27);
	im = render(dir, &o);
	x = X0 + (int)(6.5 * 3600 * pw / 86400);
	assert_int_equal(colour_in_column(im, x), 0);
	before = colour_in_column(im, X0 + (int)(5.5 * 3600 * pw / 86400));
	after = colour_in_column(im, X0 + (int)(7.5 * 3600 * pw / 86400));
	assert_true(before > 0);
	assert_true(after > 0);
	gdImageDestroy(im);
}

/* Distinct colours under the last panel: the legend's swatches. */
static int
legend_colours(gdImagePtr im)
{
	int y = gdImageSY(im) - 1, x, i, n = 0, seen[256];
	bool found;

	/* Up from the bottom to the last panel's frame line. */
	while (y > 0 && !(is_ink(im, X0, y) && is_ink(im, X0 + 100, y)))
		y--;
	assert_true(y > 0);
	for (y = y + 1; y < gdImageSY(im); y++)
		for (x = 0; x < gdImageSX(im); x++) {
			int c = gdImageGetPixel(im, x, y);

			if (!is_colour(im, x, y))
				continue;
			found = false;
			for (i = 0; i < n; i++)
				found = found || seen[i] == c;
			if (!found && n < 256)
				seen[n++] = c;
		}
	return n;
}

static void
test_plot_legend_names_each_interface_in_its_colour(void **state)
{
	static const char *const two[] = {"eth3", "eth30"};
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;

	testutil_set_tz("UTC");
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 300;
	g.n_ifaces = 32;
	write_day(dir, "2026-11-27", &g);
	opts_for(&o, dir, 2026, 11, 27);
	im = render(dir, &o);
	assert_int_equal(legend_colours(im), 32);
	gdImageDestroy(im);
	o.ifaces = two;
	o.n_ifaces = 2;
	im = render(dir, &o);
	assert_int_equal(legend_colours(im), 2);
	gdImageDestroy(im);
}

/* Hour grid lines of the CPU panel, one row above the 75 % line. */
static int
hour_lines(gdImagePtr im, int *xs, int max)
{
	int top, bottom, n;

	first_panel(im, &top, &bottom);
	n = grid_columns(im, top + (bottom - top) / 8, 0xe6, xs, max);
	n += grid_columns(im, top + (bottom - top) / 8, 0xc8, xs + n, max - n);
	return n;
}

static void
assert_day_hours(const char *dir, int m, int d, int hours)
{
	char date[DAYDATE_LEN + 1];
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;
	int xs[64], n, pw = PLOT_WIDTH - X0 - PLOT_MARGIN_RIGHT;

	g.from = midnight_of(2026, m, d);
	g.to = midnight_of(2026, m, d + 1);
	assert_int_equal(g.to - g.from, hours * 3600);
	g.step_s = 60;
	g.n_ifaces = 1;
	snprintf(date, sizeof(date), "2026-%02d-%02d", m, d);
	write_day(dir, date, &g);
	opts_for(&o, dir, 2026, m, d);
	im = render(dir, &o);
	/* A line per hour from 00:00; the closing midnight is the frame. */
	n = hour_lines(im, xs, 64);
	assert_int_equal(n, hours);
	gdImageDestroy(im);
	/* The first hour line after midnight is 1/hours of the way. */
	im = render(dir, &o);
	n = hour_lines(im, xs, 64);
	{
		int i, x1 = X0 + pw / hours, near = 0;

		for (i = 0; i < n; i++)
			near += xs[i] >= x1 - 1 && xs[i] <= x1 + 1;
		assert_int_equal(near, 1);
	}
	gdImageDestroy(im);
}

static void
test_plot_axis_spans_23_and_25_hour_days(void **state)
{
	(void)state;
	testutil_set_tz("Europe/Berlin");
	assert_day_hours(*state, 3, 29, 23);
	assert_day_hours(*state, 10, 25, 25);
	assert_day_hours(*state, 11, 27, 24);
}

static void
test_plot_range_ticks_each_midnight(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};
	gdImagePtr im;
	char date[DAYDATE_LEN + 1];
	int xs[64], n, top, bottom, d, i, wide = 0;

	testutil_set_tz("Europe/Berlin");
	for (d = 20; d <= 26; d++) {
		g.from = midnight_of(2026, 10, d);
		g.to = midnight_of(2026, 10, d + 1);
		g.step_s = 600;
		g.n_ifaces = 1;
		snprintf(date, sizeof(date), "2026-10-%02d", d);
		write_day(dir, date, &g);
	}
	opts_for(&o, dir, 2026, 10, 20);
	o.to.day = 26;
	im = render(dir, &o);
	first_panel(im, &top, &bottom);
	n = grid_columns(im, top + (bottom - top) / 8, 0xc8, xs, 64);
	assert_int_equal(n, 7); /* Oct 20 ... Oct 26; Oct 27 is the frame */
	/* Oct 25 has 25 hours: its day is the widest. */
	for (i = 1; i < n; i++)
		if (xs[i] - xs[i - 1] > xs[1] - xs[0] + 2)
			wide = i;
	assert_int_equal(wide, 6);
	gdImageDestroy(im);
}

static void
test_plot_refuses_a_day_without_rows(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	char *path = xasprintf("%s/2026-11-27.csv", dir);
	static const char hdr[] = "time,cpu_percent,mem_total_kib,"
	                          "mem_free_kib,mem_available_kib\n";

	testutil_write_file(path, hdr, sizeof(hdr) - 1);
	opts_for(&o, dir, 2026, 11, 27);
	assert_plot_fails(dir, &o, ENOENT, "no rows");
	testutil_write_file(path, "", 0);
	assert_plot_fails(dir, &o, ENOENT, "no rows");
	unlink(path);
	assert_plot_fails(dir, &o, ENOENT, "2026-11-27.csv");
	o.to.day = 28;
	assert_plot_fails(dir, &o, ENOENT, "no day files");
	free(path);
}

static void
test_plot_refuses_an_unknown_interface(void **state)
{
	static const char *const ifaces[] = {"eth0", "wlan9"};
	static const char *const bad[] = {"a/b"};
	const char *dir = *state;
	struct plot_opts o;
	struct gen g = {0};

	testutil_set_tz("UTC");
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 3600;
	g.step_s = 60;
	g.n_ifaces = 1;
	write_day(dir, "2026-11-27", &g);
	opts_for(&o, dir, 2026, 11, 27);
	o.ifaces = ifaces;
	o.n_ifaces = 2;
	assert_plot_fails(dir, &o, ENOENT, "\"wlan9\" not in");
	o.ifaces = bad;
	o.n_ifaces = 1;
	assert_plot_fails(dir, &o, EINVAL, "bad interface name \"a/b\"");
}

static void
test_plot_refuses_bad_sizes_and_ranges(void **state)
{
	const char *dir = *state;
	struct plot_opts o;
	unsigned panels = 0;
	struct errmsg err;

	opts_for(&o, dir, 2026, 11, 27);
	o.width = 319;
	assert_plot_fails(dir, &o, EINVAL, "bad width 319");
	o.width = 4097;
	assert_plot_fails(dir, &o, EINVAL, "bad width 4097");
	o.width = 800;
	o.height = 199;
	assert_plot_fails(dir, &o, EINVAL, "bad height 199");
	o.height = 4097;
	assert_plot_fails(dir, &o, EINVAL, "bad height 4097");
	o.height = 600;
	o.to.month = 12;
	o.to.day = 28; /* 32 days */
	assert_plot_fails(dir, &o, EINVAL, "32 days");
	o.to = o.from;
	o.panels = 1u << 7;
	assert_plot_fails(dir, &o, EINVAL, "bad panels");
	assert_int_equal(plot_parse_panels("cpu,tx", &panels, &err), 0);
	assert_int_equal(panels, PLOT_CPU | PLOT_TX);
	assert_int_equal(plot_parse_panels("cpu,disk", &panels, &err), -1);
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "\"cpu,disk\""));
	assert_int_equal(plot_parse_panels("", &panels, &err), -1);
	assert_int_equal(plot_parse_panels("cpu,", &panels, &err), -1);
	assert_int_equal(panels, PLOT_CPU | PLOT_TX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_plot_draws_the_asked_size,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_shows_a_one_second_spike_in_its_column,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_plot_leaves_a_gap_empty,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_legend_names_each_interface_in_its_colour,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_axis_spans_23_and_25_hour_days, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_plot_range_ticks_each_midnight,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_refuses_a_day_without_rows, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_refuses_an_unknown_interface, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_refuses_bad_sizes_and_ranges, testutil_setup_tmpdir,
	        testutil_teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
