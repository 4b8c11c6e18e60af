/* test_plot.c - decode the plot's PNG and check what a person would see */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

#include "dayreader.h"
#include "dayreduce.h"
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
	time_t slow_from;        /* from here rows every slow_step_s */
	int slow_step_s;
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
	for (t = g->from; t<g->to; t += g->slow_step_s> 0 && t >= g->slow_from
	                      ? g->slow_step_s
	                      : g->step_s) {
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

/* --- colours ------------------------------------------------------------ */

struct lab {
	double l, a, b;
};

/* sRGB 0xRRGGBB to CIELAB under D65. */
static struct lab
to_lab(unsigned long rgb)
{
	double c[3], xyz[3], f[3];
	const double white[3] = {0.95047, 1.0, 1.08883};
	struct lab out;
	int i;

	for (i = 0; i < 3; i++) {
		c[i] = (double)(rgb >> (16 - 8 * i) & 0xff) / 255;
		c[i] = c[i] <= 0.04045 ? c[i] / 12.92
		                       : pow((c[i] + 0.055) / 1.055, 2.4);
	}
	xyz[0] = 0.4124564 * c[0] + 0.3575761 * c[1] + 0.1804375 * c[2];
	xyz[1] = 0.2126729 * c[0] + 0.7151522 * c[1] + 0.0721750 * c[2];
	xyz[2] = 0.0193339 * c[0] + 0.1191920 * c[1] + 0.9503041 * c[2];
	for (i = 0; i < 3; i++) {
		xyz[i] /= white[i];
		f[i] = xyz[i] > 216.0 / 24389
		           ? cbrt(xyz[i])
		           : (24389.0 / 27 * xyz[i] + 16) / 116;
	}
	out.l = 116 * f[1] - 16;
	out.a = 500 * (f[0] - f[1]);
	out.b = 200 * (f[1] - f[2]);
	return out;
}

static double
deg(double rad)
{
	return rad * 180 / M_PI;
}

static double
rad(double deg)
{
	return deg * M_PI / 180;
}

/* CIEDE2000 (Sharma, Wu and Dalal 2005), the usual kL = kC = kH = 1. */
static double
delta_e00(struct lab x, struct lab y)
{
	double c1 = hypot(x.a, x.b), c2 = hypot(y.a, y.b), cb = (c1 + c2) / 2;
	double g = 0.5 * (1 - sqrt(pow(cb, 7) / (pow(cb, 7) + pow(25, 7))));
	double a1 = (1 + g) * x.a, a2 = (1 + g) * y.a;
	double c1p = hypot(a1, x.b), c2p = hypot(a2, y.b);
	double h1 = c1p == 0 ? 0 : fmod(deg(atan2(x.b, a1)) + 360, 360);
	double h2 = c2p == 0 ? 0 : fmod(deg(atan2(y.b, a2)) + 360, 360);
	double dl = y.l - x.l, dc = c2p - c1p, dh = 0, hb, lb, cbp, t;
	double sl, sc, sh, rt, dth, rc;

	if (c1p * c2p != 0) {
		dh = h2 - h1;
		if (dh > 180)
			dh -= 360;
		else if (dh < -180)
			dh += 360;
	}
	dh = 2 * sqrt(c1p * c2p) * sin(rad(dh / 2));
	lb = (x.l + y.l) / 2;
	cbp = (c1p + c2p) / 2;
	if (c1p * c2p == 0)
		hb = h1 + h2;
	else if (fabs(h1 - h2) <= 180)
		hb = (h1 + h2) / 2;
	else
		hb = (h1 + h2 + (h1 + h2 < 360 ? 360 : -360)) / 2;
	t = 1 - 0.17 * cos(rad(hb - 30)) + 0.24 * cos(rad(2 * hb)) +
	    0.32 * cos(rad(3 * hb + 6)) - 0.20 * cos(rad(4 * hb - 63));
	dth = 30 * exp(-pow((hb - 275) / 25, 2));
	rc = 2 * sqrt(pow(cbp, 7) / (pow(cbp, 7) + pow(25, 7)));
	sl = 1 + 0.015 * pow(lb - 50, 2) / sqrt(20 + pow(lb - 50, 2));
	sc = 1 + 0.045 * cbp;
	sh = 1 + 0.015 * cbp * t;
	rt = -sin(rad(2 * dth)) * rc;
	return sqrt(pow(dl / sl, 2) + pow(dc / sc, 2) + pow(dh / sh, 2) +
	            rt * (dc / sc) * (dh / sh));
}

static void
test_plot_colours_stay_apart_for_32_interfaces(void **state)
{
	/* Pairs 1, 7, 17 and 24 of Sharma et al.'s test data. */
	static const struct {
		struct lab x, y;
		double de;
	} ref[] = {
	    {{50, 2.6772, -79.7751}, {50, 0, -82.7485}, 2.0425},
	    {{50, 0, 0}, {50, -1, 2}, 2.3669},
	    {{50, 2.5, 0}, {73, 25, -18}, 27.1492},
	    {{60.2574, -34.0099, 36.2677}, {60.4626, -34.1751, 39.4387},
	        1.2644},
	};
	/* The page, the text, the grid lines. */
	static const unsigned long frame[] = {0xffffff, 0x333333, 0xe6e6e6,
	    0xc8c8c8};
	struct lab line[PLOT_COLOURS], env[PLOT_COLOURS];
	unsigned long l, e, l2, e2;
	double d, min_ll = 1e9, min_le = 1e9, min_frame = 1e9;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++)
		assert_true(
		    fabs(delta_e00(ref[i].x, ref[i].y) - ref[i].de) < 5e-5);
	for (i = 0; i < PLOT_COLOURS; i++) {
		plot_colours(i, &l, &e);
		line[i] = to_lab(l);
		env[i] = to_lab(e);
		/* Past the palette the colours repeat (dashed lines). */
		plot_colours(i + PLOT_COLOURS, &l2, &e2);
		assert_true(l2 == l && e2 == e);
	}
	for (i = 0; i < PLOT_COLOURS; i++) {
		for (j = 0; j < PLOT_COLOURS; j++) {
			if (i == j)
				continue;
			d = delta_e00(line[i], line[j]);
			if (d < min_ll)
				min_ll = d;
			d = delta_e00(line[i], env[j]);
			if (d < min_le)
				min_le = d;
		}
		for (j = 0; j < sizeof(frame) / sizeof(frame[0]); j++) {
			d = delta_e00(line[i], to_lab(frame[j]));
			if (d < min_frame)
				min_frame = d;
		}
	}
	/*
	 * 2.3 is a just noticeable difference between two large patches;
	 * thin lines and legend swatches need many times that. The palette
	 * before came as close as 9.5 (eth10 and eth22, both navy).
	 */
	if (min_ll < 14.5 || min_le < 10 || min_frame < 20)
		fail_msg("closest: %.1f between lines, %.1f from a line to an "
		         "envelope, %.1f from the frame",
		    min_ll, min_le, min_frame);
}

/* --- reading a day in two halves ---------------------------------------- */

/*
 * Where dayreader_read_halves cuts: after the first '\n' at or past the
 * middle of the rows' bytes. With rows of one length L, the second half
 * starts at row floor(rows / 2) + 1 (0-based); this finds the offset
 * and time of that row in the file at path, so a test can check that
 * what it put there is at the cut.
 */
static size_t
cut_at(const char *path, time_t *t)
{
	char *text, *nl;
	size_t size, from, mid, cut;
	int off;

	text = testutil_read_file(path, &size);
	nl = memchr(text, '\n', size);
	assert_non_null(nl);
	from = (size_t)(nl - text) + 1;
	mid = from + (size - from) / 2;
	nl = memchr(text + mid, '\n', size - mid);
	assert_non_null(nl);
	cut = (size_t)(nl - text) + 1;
	assert_true(cut + TIMESTAMP_LEN < size);
	assert_int_equal(timestamp_parse(text + cut, TIMESTAMP_LEN, t, &off),
	    0);
	free(text);
	return cut;
}

/* Overwrites len bytes of path at offset at: lengths and the cut stay. */
static void
patch_file(const char *path, size_t at, const char *bytes, size_t len)
{
	char *text;
	size_t size;

	text = testutil_read_file(path, &size);
	assert_true(at + len <= size);
	memcpy(text + at, bytes, len);
	testutil_write_file(path, text, size);
	free(text);
}

static void
assert_same_picture(gdImagePtr a, gdImagePtr b)
{
	int x, y, ra, ga, ba, rb, gb, bb;

	assert_int_equal(gdImageSX(a), gdImageSX(b));
	assert_int_equal(gdImageSY(a), gdImageSY(b));
	for (y = 0; y < gdImageSY(a); y++)
		for (x = 0; x < gdImageSX(a); x++) {
			rgb(a, x, y, &ra, &ga, &ba);
			rgb(b, x, y, &rb, &gb, &bb);
			if (ra != rb || ga != gb || ba != bb)
				fail_msg("pixel %d,%d differs", x, y);
		}
}

/* The buckets of one read and of two halves: the same to the last bit
 * but for the means' sums, added in another order. */
static void
assert_same_reduction(const char *path, time_t start, size_t n)
{
	struct dayreduce *r[2];
	struct dayreader_stats st[2];
	struct dayreduce_stat a, b;
	struct errmsg err;
	size_t col, i, n_cols;
	int k, fd;

	for (k = 0; k < 2; k++) {
		r[k] = dayreduce_new(start, start + 86400, n, &err);
		assert_non_null(r[k]);
		dayreduce_set_threads(r[k], (unsigned)k + 1);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		if (dayreduce_read(r[k], fd, path, &st[k], &err) == -1)
			fail_msg("dayreduce_read: %s", err.msg);
		close(fd);
	}
	assert_int_equal(st[0].rows, st[1].rows);
	assert_int_equal(st[0].valid_end, st[1].valid_end);
	assert_int_equal(st[0].torn_tail, st[1].torn_tail);
	assert_int_equal(st[0].first_t, st[1].first_t);
	assert_int_equal(st[0].last_t, st[1].last_t);
	assert_int_equal(st[0].last_utcoff_s, st[1].last_utcoff_s);
	n_cols = DAYCOL_COUNT(dayreduce_n_ifaces(r[0]));
	assert_int_equal(dayreduce_n_ifaces(r[1]), dayreduce_n_ifaces(r[0]));
	for (col = 0; col < n_cols; col++)
		for (i = 0; i < n; i++) {
			assert_int_equal(dayreduce_get(r[0], col, i, &a),
			    dayreduce_get(r[1], col, i, &b));
			assert_int_equal(a.n, b.n);
			if (a.n == 0)
				continue;
			assert_true(a.min == b.min && a.max == b.max);
			assert_true(fabs(a.mean - b.mean) <=
			            1e-9 * fabs(a.mean) + 1e-12);
		}
	dayreduce_free(r[0]);
	dayreduce_free(r[1]);
}

/* Plots the day with one thread and with two: the same picture. */
static void
assert_same_plot(const char *dir, int y, int m, int d)
{
	struct plot_opts o;
	gdImagePtr one, two;

	opts_for(&o, dir, y, m, d);
	o.threads = 1;
	one = render(dir, &o);
	o.threads = 2;
	two = render(dir, &o);
	assert_same_picture(one, two);
	gdImageDestroy(one);
	gdImageDestroy(two);
}

struct half_seen {
	long rows;
	time_t first, last;
	long lineno; /* of the last row */
};

static int
half_row(void *ctx, const struct dayrow *row, struct errmsg *err)
{
	struct half_seen *h = ctx;

	(void)err;
	if (h->rows++ == 0)
		h->first = row->t;
	h->last = row->t;
	h->lineno = row->lineno;
	return 0;
}

/* Reads path in halves: they must meet at the rows before and at t. */
static void
assert_halves_meet_at(const char *path, time_t before, time_t t, long rows)
{
	struct half_seen a = {0}, b = {0};
	struct dayreader_consumer first = {NULL, half_row, &a};
	struct dayreader_consumer second = {NULL, half_row, &b};
	struct dayreader_stats st;
	struct errmsg err;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	if (dayreader_read_halves(fd, path, &first, &second, &st, &err) == -1)
		fail_msg("dayreader_read_halves: %s", err.msg);
	close(fd);
	assert_int_equal(a.last, before);
	assert_int_equal(b.first, t);
	assert_int_equal(a.rows + b.rows, rows);
	assert_int_equal(st.rows, rows);
	assert_int_equal(a.lineno, a.rows + 1); /* the header is line 1 */
	assert_int_equal(b.lineno, 0);          /* not known in that half */
}

static void
test_plot_reads_gaps_at_the_cut_as_one_pass_would(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/2026-11-27.csv", dir);
	struct gen g = {0};
	time_t t, s;
	long rows;

	testutil_set_tz("UTC");
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 1;
	g.n_ifaces = 2;
	/*
	 * 600 s without rows, ending at the cut: of 85,800 rows the second
	 * half starts at row 42,901, the first after the gap.
	 */
	g.gap_from = g.from + 42901;
	g.gap_to = g.gap_from + 600;
	write_day(dir, "2026-11-27", &g);
	(void)cut_at(path, &t);
	assert_int_equal(t, g.gap_to);
	assert_halves_meet_at(path, g.gap_from - 1, g.gap_to, 85800);
	assert_same_reduction(path, g.from, 1502);
	assert_same_plot(dir, 2026, 11, 27);
	/*
	 * Rows every second, then every 3 s from the cut on: a step more
	 * than twice the one before, which breaks the line right there.
	 * With s rows before, the second half starts at row
	 * floor(rows / 2) + 1: find the s that puts it at s.
	 */
	g.gap_from = g.gap_to = 0;
	g.slow_step_s = 3;
	for (s = 20000; s < 23000; s++) {
		rows = (long)s + (86400 - (long)s + 2) / 3;
		if (rows / 2 + 1 == s)
			break;
	}
	assert_true(s < 23000);
	g.slow_from = g.from + s;
	write_day(dir, "2026-11-27", &g);
	(void)cut_at(path, &t);
	assert_int_equal(t, g.slow_from);
	assert_halves_meet_at(path, g.slow_from - 1, g.slow_from, rows);
	assert_same_reduction(path, g.from, 1502);
	assert_same_plot(dir, 2026, 11, 27);
	/* A single row after the cut, then nothing for an hour. */
	g.slow_step_s = 0;
	g.gap_from = g.slow_from + 1;
	g.gap_to = g.gap_from + 3600;
	g.to = g.from + 86400;
	write_day(dir, "2026-11-27", &g);
	assert_same_reduction(path, g.from, 1502);
	assert_same_plot(dir, 2026, 11, 27);
	free(path);
}

/* The message of plotting the day in dir with threads. */
static void
plot_error(const char *dir, unsigned threads, struct errmsg *err)
{
	char *out = xasprintf("%s/out.png", dir);
	struct plot_opts o;
	int fd;

	opts_for(&o, dir, 2026, 11, 27);
	o.threads = threads;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(plot_write(&o, fd, err), -1);
	close(fd);
	free(out);
}

static void
assert_same_error(const char *dir, const char *words)
{
	struct errmsg one, two;

	plot_error(dir, 1, &one);
	plot_error(dir, 2, &two);
	assert_int_equal(one.code, two.code);
	assert_string_equal(one.msg, two.msg);
	if (strstr(one.msg, words) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", one.msg, words);
}

/* The length of path's rows, which write_day makes all alike. */
static size_t
row_len(const char *path)
{
	char *text, *a, *b;
	size_t size, len;

	text = testutil_read_file(path, &size);
	a = memchr(text, '\n', size);
	assert_non_null(a);
	b = memchr(a + 1, '\n', size - (size_t)(a + 1 - text));
	assert_non_null(b);
	len = (size_t)(b - a);
	free(text);
	return len;
}

static void
test_plot_reports_a_bad_half_as_one_pass_would(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/2026-11-27.csv", dir);
	char ts[TIMESTAMP_LEN + 1];
	struct gen g = {0};
	size_t cut, len;
	time_t t;
	int fd;

	testutil_set_tz("UTC");
	g.from = midnight_of(2026, 11, 27);
	g.to = g.from + 86400;
	g.step_s = 2;
	g.n_ifaces = 1;
	write_day(dir, "2026-11-27", &g);
	cut = cut_at(path, &t);
	len = row_len(path);
	/* Rows end ",1000,500\n"; the patches keep their length. */
	/* A bad cell ten rows into the second half, whose lines are
	 * known only by counting the first. */
	patch_file(path, cut + 11 * len - 4, "5x0", 3);
	assert_same_error(dir, "bad net_tx_bps:eth0 \"5x0\"");
	/* The first row after the cut no later than the one before it. */
	write_day(dir, "2026-11-27", &g);
	assert_int_equal(timestamp_format(t - g.step_s, ts, NULL), 0);
	patch_file(path, cut, ts, TIMESTAMP_LEN);
	assert_same_error(dir, "is not after the previous row's");
	/* A row a cell short just before the cut. */
	write_day(dir, "2026-11-27", &g);
	patch_file(path, cut - 5, "5", 1);
	assert_same_error(dir, "6 cells, header has 7");
	/* A quote opened in the last row before the cut, never closed: the
	 * record runs on past the longest line taken. */
	write_day(dir, "2026-11-27", &g);
	patch_file(path, cut - 4, "\"", 1);
	assert_same_error(dir, "line longer than");
	/* A torn last line is left out by both. */
	write_day(dir, "2026-11-27", &g);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "2026-11-27T23:59:59+00:00,99", 28), 28);
	assert_int_equal(close(fd), 0);
	assert_same_reduction(path, g.from, 1502);
	assert_same_plot(dir, 2026, 11, 27);
	free(path);
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
	    cmocka_unit_test(test_plot_colours_stay_apart_for_32_interfaces),
	    cmocka_unit_test_setup_teardown(
	        test_plot_reads_gaps_at_the_cut_as_one_pass_would,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(
	        test_plot_reports_a_bad_half_as_one_pass_would,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
