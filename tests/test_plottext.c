/* test_plottext.c - the plot's text, pixel for pixel what libgd draws */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plottext.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gd.h>

#include "errmsg.h"
#include "plot.h"
#include "testutil.h"
#include "xalloc.h"

/*
 * What a plot writes (labels of every axis, units, hours, days, panel
 * and legend names, a title with an em dash), pairs DejaVu Sans kerns
 * (AV, To, Wa, y.), and a bad UTF-8 byte.
 */
static const char *const samples[] = {"0 %", "25 %", "100 %", "00:00", "12:00",
    "23:00", "Fri 27", "Oct 25", "0 B", "512 MiB", "16 GiB", "0 bit/s",
    "120 Mbit/s", "1.5 Gbit/s", "CPU load", "memory", "received", "sent",
    "available", "free", "eth0", "wlp2s0", "enp0s31f6",
    "testhost \xe2\x80\x94 2026-11-27",
    "vm \xe2\x80\x94 2026-11-21 to 2026-11-27", "AVATAR To Wa y. LT",
    "bad \xff byte", " 12 ", ""};

static const double sizes[] = {9.0, 11.0};

/*
 * A palette image as a plot has it: white, the plot's greys and a few
 * series colours, with stripes of each under the text so the blending
 * over what is already drawn is checked too.
 */
static gdImagePtr
canvas(int *ink)
{
	static const int colours[][3] = {{255, 255, 255}, {0x33, 0x33, 0x33},
	    {0xe6, 0xe6, 0xe6}, {0xc8, 0xc8, 0xc8}, {0x1f, 0x77, 0xb4},
	    {0xa6, 0xc9, 0xe1}};
	gdImagePtr im = gdImageCreate(400, 60);
	int c[6], i, x;

	assert_non_null(im);
	for (i = 0; i < 6; i++)
		c[i] = gdImageColorAllocate(im, colours[i][0], colours[i][1],
		    colours[i][2]);
	for (x = 200; x < 400; x++)
		gdImageLine(im, x, 0, x, 59, c[2 + x / 3 % 4]);
	*ink = c[1];
	return im;
}

static void
assert_same_pixels(gdImagePtr a, gdImagePtr b, const char *s, double pt)
{
	int x, y, ca, cb;

	for (y = 0; y < gdImageSY(a); y++)
		for (x = 0; x < gdImageSX(a); x++) {
			ca = gdImageGetPixel(a, x, y);
			cb = gdImageGetPixel(b, x, y);
			if (gdImageRed(a, ca) != gdImageRed(b, cb) ||
			    gdImageGreen(a, ca) != gdImageGreen(b, cb) ||
			    gdImageBlue(a, ca) != gdImageBlue(b, cb))
				fail_msg(
				    "\"%s\" at %.0f pt: pixel %d,%d differs", s,
				    pt, x, y);
		}
}

static void
test_plottext_measures_as_libgd_does(void **state)
{
	struct plottext *t;
	struct errmsg err;
	size_t i, k;
	int br[8];

	(void)state;
	t = plottext_open(PLOT_FONT_PATH, &err);
	assert_non_null(t);
	/* Twice: the second time every glyph comes from the cache. */
	for (k = 0; k < 2 * sizeof(sizes) / sizeof(sizes[0]); k++)
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			assert_null(gdImageStringFT(NULL, br, 0, PLOT_FONT_PATH,
			    sizes[k % 2], 0, 0, 0, (char *)samples[i]));
			assert_int_equal(
			    plottext_width(t, sizes[k % 2], samples[i]),
			    br[2] - br[0]);
		}
	plottext_close(t);
}

static void
test_plottext_draws_as_libgd_does(void **state)
{
	/* Origins in the image, over its stripes, and past each edge. */
	static const int at[][2] = {{10, 30}, {205, 30}, {331, 41}, {-4, 8},
	    {360, 66}, {2, 3}};
	struct plottext *t;
	struct errmsg err;
	gdImagePtr a, b;
	size_t i, j, k;
	int ink_a, ink_b;

	(void)state;
	t = plottext_open(PLOT_FONT_PATH, &err);
	assert_non_null(t);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			a = canvas(&ink_a);
			b = canvas(&ink_b);
			for (j = 0; j < sizeof(at) / sizeof(at[0]); j++) {
				assert_null(gdImageStringFT(a, NULL, ink_a,
				    PLOT_FONT_PATH, sizes[k], 0, at[j][0],
				    at[j][1], (char *)samples[i]));
				plottext_draw(t, b, sizes[k], at[j][0],
				    at[j][1], ink_b, samples[i]);
			}
			assert_same_pixels(a, b, samples[i], sizes[k]);
			gdImageDestroy(a);
			gdImageDestroy(b);
		}
	plottext_close(t);
}

static void
test_plottext_refuses_a_missing_or_bad_font(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/bad.ttf", dir);
	struct errmsg err;

	testutil_write_file(path, "time,cpu_percent\n", 17);
	assert_null(plottext_open("/nonexistent/font.ttf", &err));
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/font.ttf"));
	assert_null(plottext_open(path, &err));
	assert_int_equal(err.code, EINVAL);
	assert_non_null(strstr(err.msg, "not a font"));
	assert_null(plottext_open(path, NULL));
	plottext_close(NULL);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plottext_measures_as_libgd_does),
	    cmocka_unit_test(test_plottext_draws_as_libgd_does),
	    cmocka_unit_test_setup_teardown(
	        test_plottext_refuses_a_missing_or_bad_font,
	        testutil_setup_tmpdir, testutil_teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
