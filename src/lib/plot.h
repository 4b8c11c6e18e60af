/* plot.h - a day's or a range's plot as a PNG, drawn with libgd (SPEC §4) */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_PLOT_H
#define RESMON_PLOT_H

#include <stddef.h>

#include "timestamp.h"

struct errmsg;

/* Sizes SPEC §3 allows, and the default. */
#define PLOT_WIDTH_MIN 320
#define PLOT_WIDTH_MAX 4096
#define PLOT_HEIGHT_MIN 200
#define PLOT_HEIGHT_MAX 4096
#define PLOT_WIDTH 1600
#define PLOT_HEIGHT 1000

/*
 * Every panel's plot area spans columns PLOT_MARGIN_LEFT to width -
 * PLOT_MARGIN_RIGHT - 1, one time bucket each: bucket i covers
 * [start + i * span / n, start + (i + 1) * span / n) of the axis from
 * the first local midnight to the last. Its frame is drawn one pixel
 * outside. Tests and image maps rely on it.
 */
#define PLOT_MARGIN_LEFT 84
#define PLOT_MARGIN_RIGHT 14

/* Debian's fonts-dejavu-core; libgd's built-in font when it is absent. */
#define PLOT_FONT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* The panels, top to bottom. */
enum plot_panel {
	PLOT_CPU = 1 << 0,
	PLOT_MEM = 1 << 1,
	PLOT_RX = 1 << 2,
	PLOT_TX = 1 << 3,
	PLOT_ALL = PLOT_CPU | PLOT_MEM | PLOT_RX | PLOT_TX,
};

struct plot_opts {
	const char *data_dir;      /* holds YYYY-MM-DD.csv */
	struct daydate from;       /* the day, or the range's first day */
	struct daydate to;         /* the range's last day; from for a day */
	const char *const *ifaces; /* exact names; NULL or none: all */
	size_t n_ifaces;
	unsigned panels;        /* enum plot_panel bits; 0 is all */
	unsigned width, height; /* pixels, PLOT_*_MIN-PLOT_*_MAX */
	const char *host;       /* in the title; NULL leaves it out */
	const char *font_path;  /* NULL: PLOT_FONT_PATH */
	unsigned threads;       /* per day file: dayreduce_set_threads() */
};

/* Interfaces told apart by colour alone; past them colours repeat. */
#define PLOT_COLOURS 32

/*
 * The colours of the k-th interface's mean line and min-max envelope
 * as 0xRRGGBB (the CPU load's are k = 0's, memory's 1 and 2), for a
 * page that matches the picture. Past PLOT_COLOURS the lines are
 * dashed. Cannot fail.
 */
void plot_colours(size_t k, unsigned long *line, unsigned long *envelope);

/* Sets the defaults: every panel and interface, 1600x1000. Cannot fail. */
void plot_opts_init(struct plot_opts *o);

/*
 * Parses a comma list of cpu, mem, rx, tx into enum plot_panel bits.
 * Returns 0, or -1 with err EINVAL naming the bad word.
 */
int plot_parse_panels(const char *s, unsigned *panels, struct errmsg *err);

/*
 * Draws the plot of o's day or range and writes it as a PNG to fd.
 * Day files are streamed through a per-pixel-column reduction, never
 * held. Returns 0, or -1 with err set: EINVAL for a bad size, panel set,
 * interface name or range (more than 31 days); ENOENT for a missing day
 * file, a day or range without rows or an interface in none of the
 * files; EINVAL "NAME:LINE: ..." for a file that cannot be parsed; an
 * errno value for a failed read or write. Nothing is written to fd on
 * failure before the PNG is complete.
 */
int plot_write(const struct plot_opts *o, int fd, struct errmsg *err);

#endif
