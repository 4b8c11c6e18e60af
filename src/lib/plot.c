/* plot.c - draw a day's or a range's panels with libgd into a PNG */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gd.h>
#include <gdfonts.h>

#include "datearg.h"
#include "dayreader.h"
#include "dayreduce.h"
#include "errmsg.h"
#include "plottext.h"
#include "plottick.h"
#include "xalloc.h"

/* zlib level: 1 costs ~3.5 ms for a day, higher levels much more. */
#define PNG_LEVEL 1
/* Bytes read to find a file's first or last row: rows are < 2 KB. */
#define PEEK_LEN 8192
#define LABEL_PT 9.0
#define TITLE_PT 11.0
#define PANEL_GAP 8
#define MAX_LEGEND 256

struct rgb {
	unsigned char r, g, b;
};

/*
 * One colour per interface, told apart on white: every two of the 32
 * are at least 14.6 apart in CIEDE2000 (2.3 is just noticeable; the 12
 * colours and darker and lighter copies used before came as close as
 * 9.5), each is at least 10 from every other one's envelope and 20
 * from the white and greys of the frame. The first six are
 * matplotlib's (CPU load takes the first, memory the next two); each
 * next one was picked greedily, the sRGB colour in steps of 0x11 with
 * L* 30-70 and C* 25 or more farthest from those before, then improved
 * pair by pair. test_plot checks the distances. Past 32 they repeat,
 * dashed.
 */
static const struct rgb palette[PLOT_COLOURS] = {
    {0x1f, 0x77, 0xb4},
    {0xff, 0x7f, 0x0e},
    {0x2c, 0xa0, 0x2c},
    {0xd6, 0x27, 0x28},
    {0x94, 0x67, 0xbd},
    {0x8c, 0x56, 0x4b},
    {0x77, 0x66, 0x00},
    {0x33, 0xbb, 0xbb},
    {0x00, 0x55, 0x44},
    {0xff, 0x66, 0x99},
    {0x11, 0x00, 0xee},
    {0xbb, 0xaa, 0x00},
    {0x99, 0x00, 0x66},
    {0x44, 0x44, 0x77},
    {0x22, 0x66, 0x00},
    {0x66, 0xaa, 0xff},
    {0xff, 0x55, 0xff},
    {0xcc, 0x88, 0x77},
    {0xaa, 0x66, 0x22},
    {0xdd, 0x00, 0xaa},
    {0x77, 0x33, 0x00},
    {0x88, 0x88, 0x55},
    {0x00, 0xbb, 0x88},
    {0xbb, 0x99, 0xdd},
    {0x99, 0x11, 0x33},
    {0x55, 0x55, 0xff},
    {0x11, 0x88, 0x88},
    {0x55, 0x88, 0x66},
    {0xaa, 0x66, 0x88},
    {0xcc, 0x99, 0x55},
    {0xdd, 0x22, 0x66},
    {0x33, 0x99, 0xbb},
};

/* Text through FreeType when the font loads, else libgd's own font. */
struct pen {
	gdImagePtr im;
	struct plottext *text; /* NULL: gdFontGetSmall() */
	int ink;
};

/* One line of a panel: a column of the reduction and its colours. */
struct series {
	size_t col;
	int line, envelope;
	unsigned style; /* 0 solid, 1 and 2 dashed */
	const char *name;
};

struct plot {
	const struct plot_opts *o;
	struct dayreduce *r;
	time_t start, end;
	int n_days;
	size_t *iface; /* chosen interfaces, reduction indexes */
	size_t n_iface;
	bool *joins; /* bucket i continues the line from the previous */
	gdImagePtr im;
	struct pen pen;
	int white, ink, grid, grid_major;
	int x0, pw; /* plot area columns: one bucket each */
};

void
plot_opts_init(struct plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->panels = PLOT_ALL;
	o->width = PLOT_WIDTH;
	o->height = PLOT_HEIGHT;
}

int
plot_parse_panels(const char *s, unsigned *panels, struct errmsg *err)
{
	static const char *const names[] = {"cpu", "mem", "rx", "tx"};
	unsigned out = 0;
	const char *p = s, *end;
	size_t len, i;

	for (;;) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < 4; i++)
			if (strlen(names[i]) == len &&
			    memcmp(names[i], p, len) == 0)
				break;
		if (i == 4)
			return ERRMSG_SET(err, EINVAL,
			    "bad panels \"%s\" (a comma list of cpu, mem, rx, "
			    "tx)",
			    s);
		out |= 1u << i;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*panels = out;
	return 0;
}

/* --- reading ------------------------------------------------------------ */

/*
 * The UTC offset of the first (first) or last complete row of the day
 * file on fd, without reading the whole file. Returns 0, or -1 when
 * there is no such row within PEEK_LEN bytes.
 */
static int
peek_utcoff(int fd, bool first, int *utcoff)
{
	char buf[PEEK_LEN];
	struct stat st;
	off_t at = 0;
	ssize_t n;
	char *line, *end;
	time_t t;

	if (fstat(fd, &st) == -1)
		return -1;
	if (!first && st.st_size > PEEK_LEN)
		at = st.st_size - PEEK_LEN;
	if ((n = pread(fd, buf, sizeof(buf), at)) <= 0)
		return -1;
	if (first) {
		if ((end = memchr(buf, '\n', (size_t)n)) == NULL)
			return -1;
		line = end + 1;
	} else {
		/* A torn last line lacks its '\n': step back to one that has.
		 */
		end = buf + n;
		while (end > buf && end[-1] != '\n')
			end--;
		if (end == buf)
			return -1;
		line = --end;
		while (line > buf && line[-1] != '\n')
			line--;
		if (line == buf) /* the header, or a line longer than buf */
			return -1;
	}
	if (buf + n - line <= TIMESTAMP_LEN || line[TIMESTAMP_LEN] != ',' ||
	    timestamp_parse(line, TIMESTAMP_LEN, &t, utcoff) == -1)
		return -1;
	return 0;
}

/* Local midnight starting day d + add, from a row's offset if known. */
static time_t
midnight(const struct daydate *d, long add, bool known, int utcoff)
{
	struct daydate x;

	daydate_from_days(daydate_to_days(d) + add, &x);
	if (known)
		return (time_t)daydate_to_days(&x) * 86400 - utcoff;
	return plottick_midnight(&x);
}

static char *
day_path(const struct plot_opts *o, long day, char date[DAYDATE_LEN + 1])
{
	struct daydate d;

	daydate_from_days(day, &d);
	daydate_format(&d, date);
	return xasprintf("%s/%s.csv", o->data_dir, date);
}

/*
 * The axis: from the first day's midnight to the midnight after the
 * last, taken from the rows' offsets (23, 24 or 25 hours a day, as the
 * recorder's zone had them), else from the process's zone.
 */
static void
plot_bounds(struct plot *p)
{
	const struct plot_opts *o = p->o;
	char date[DAYDATE_LEN + 1], *path;
	int fd, off = 0;
	bool known;

	path = day_path(o, daydate_to_days(&o->from), date);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	known = fd != -1 && peek_utcoff(fd, true, &off) == 0;
	p->start = midnight(&o->from, 0, known, off);
	if (fd != -1)
		close(fd);
	free(path);
	path = day_path(o, daydate_to_days(&o->to), date);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	known = fd != -1 && peek_utcoff(fd, false, &off) == 0;
	p->end = midnight(&o->to, 1, known, off);
	if (fd != -1)
		close(fd);
	free(path);
}

/*
 * Folds every day file of the range into p->r. A day's missing file is
 * an error for a one-day plot, a gap in a range. Returns 0 or -1.
 */
static int
plot_read(struct plot *p, struct errmsg *err)
{
	const struct plot_opts *o = p->o;
	struct dayreader_stats st;
	char date[DAYDATE_LEN + 1], *path;
	long day, first = daydate_to_days(&o->from), rows = 0;
	int fd, n_files = 0, rc;

	for (day = first; day < first + p->n_days; day++) {
		path = day_path(o, day, date);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			rc = errno;
			if (rc == ENOENT && p->n_days > 1) {
				free(path);
				continue;
			}
			ERRMSG_SET(err, rc, "%s: %s", path, strerror(rc));
			free(path);
			return -1;
		}
		rc = dayreduce_read(p->r, fd, path, &st, err);
		close(fd);
		free(path);
		if (rc == -1)
			return -1;
		n_files++;
		rows += st.rows;
	}
	daydate_format(&o->from, date);
	if (n_files == 0)
		return ERRMSG_SET(err, ENOENT, "%s/%s.csv ...: no day files",
		    o->data_dir, date);
	if (rows == 0)
		return ERRMSG_SET(err, ENOENT, "%s/%s.csv%s: no rows",
		    o->data_dir, date, p->n_days > 1 ? " ..." : "");
	return 0;
}

/* Chooses the interfaces: all, or the named ones, each of which must exist. */
static int
plot_choose_ifaces(struct plot *p, struct errmsg *err)
{
	const struct plot_opts *o = p->o;
	char date[DAYDATE_LEN + 1];
	size_t i, n = dayreduce_n_ifaces(p->r);

	if (o->n_ifaces == 0) {
		p->iface = xreallocarray(NULL, n + 1, sizeof(*p->iface));
		for (i = 0; i < n; i++)
			p->iface[i] = i;
		p->n_iface = n;
		return 0;
	}
	p->iface = xreallocarray(NULL, o->n_ifaces, sizeof(*p->iface));
	for (i = 0; i < o->n_ifaces; i++) {
		if (dayreduce_find_iface(p->r, o->ifaces[i], &p->iface[i]) ==
		    -1) {
			daydate_format(&o->from, date);
			return ERRMSG_SET(err, ENOENT,
			    "interface \"%s\" not in %s/%s.csv%s", o->ifaces[i],
			    o->data_dir, date, p->n_days > 1 ? " ..." : "");
		}
	}
	p->n_iface = o->n_ifaces;
	return 0;
}

/*
 * Where lines break (SPEC §2): between two buckets with rows when the
 * step between them is more than twice the step before it. Empty
 * buckets alone do not break a line: slow rows leave some columns empty.
 */
static void
plot_find_gaps(struct plot *p)
{
	size_t i, n = dayreduce_n_buckets(p->r);
	struct dayreduce_stat s;
	double last = 0, step = -1, gap;
	bool any = false;

	p->joins = xcalloc(n, sizeof(*p->joins));
	for (i = 0; i < n; i++) {
		if (!dayreduce_get(p->r, DAYCOL_TIME, i, &s))
			continue;
		gap = s.min - last;
		p->joins[i] = any && (step < 0 || gap <= 2 * step);
		step = s.n >= 2 ? (s.max - s.min) / (double)(s.n - 1) : gap;
		if (!any)
			step = s.n >= 2 ? step : -1;
		last = s.max;
		any = true;
	}
}

/* --- drawing ------------------------------------------------------------ */

/* Interface names may hold any byte but a few: draw printable ASCII. */
static void
printable(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

static int
text_width(struct pen *pen, double pt, const char *s)
{
	if (pen->text == NULL)
		return (int)strlen(s) * gdFontGetSmall()->w;
	return plottext_width(pen->text, pt, s);
}

/* Draws s with its top-left corner at x, y. */
static void
text_draw(struct pen *pen, double pt, int x, int y, int colour, const char *s)
{
	if (pen->text == NULL) {
		gdImageString(pen->im, gdFontGetSmall(), x, y,
		    (unsigned char *)s, colour);
		return;
	}
	/* FreeType takes the baseline: a cap height below the top. */
	plottext_draw(pen->text, pen->im, pt, x,
	    y + (int)(pt * 96 / 72 * 0.75 + 0.5), colour, s);
}

static int
text_height(struct pen *pen, double pt)
{
	if (pen->text == NULL)
		return gdFontGetSmall()->h;
	return (int)(pt * 96 / 72 + 0.5);
}

/* Envelopes: 55 % toward white, so a lone spike still shows. */
#define ENVELOPE_LIGHT 0.55

void
plot_colours(size_t k, unsigned long *line, unsigned long *envelope)
{
	struct rgb c = palette[k % PLOT_COLOURS];
	double r = c.r, g = c.g, b = c.b;

	*line = (unsigned long)c.r << 16 | (unsigned long)c.g << 8 | c.b;
	r += (255 - r) * ENVELOPE_LIGHT;
	g += (255 - g) * ENVELOPE_LIGHT;
	b += (255 - b) * ENVELOPE_LIGHT;
	*envelope =
	    (unsigned long)r << 16 | (unsigned long)g << 8 | (unsigned long)b;
}

static int
allocate(gdImagePtr im, unsigned long rgb)
{
	return gdImageColorAllocate(im, (int)(rgb >> 16 & 0xff),
	    (int)(rgb >> 8 & 0xff), (int)(rgb & 0xff));
}

/* Line and envelope colours of the k-th series. */
static void
iface_colours(gdImagePtr im, size_t k, struct series *s)
{
	unsigned long line, envelope;

	plot_colours(k, &line, &envelope);
	s->style = (unsigned)(k / PLOT_COLOURS % 3);
	s->line = allocate(im, line);
	s->envelope = allocate(im, envelope);
}

static int
value_y(double v, double max, int top, int ph)
{
	double f = max > 0 ? v / max : 0;

	if (!(f >= 0))
		f = 0;
	if (f > 1)
		f = 1;
	return top + ph - 1 - (int)(f * (ph - 1) + 0.5);
}

static bool
style_on(unsigned style, int x)
{
	if (style == 1)
		return x / 6 % 3 != 2;
	if (style == 2)
		return x / 3 % 2 == 0;
	return true;
}

/* The envelopes of all series first, then their mean lines on top. */
static void
draw_series(struct plot *p, const struct series *ser, size_t n_ser, double max,
    int top, int ph)
{
	size_t i, k, n = (size_t)p->pw;
	struct dayreduce_stat s, t;
	int x, y, prev_y;
	long prev_rows, last_x;

	for (k = 0; k < n_ser; k++)
		for (i = 0; i < n; i++)
			if (dayreduce_get(p->r, ser[k].col, i, &s))
				gdImageLine(p->im, p->x0 + (int)i,
				    value_y(s.min, max, top, ph),
				    p->x0 + (int)i,
				    value_y(s.max, max, top, ph),
				    ser[k].envelope);
	for (k = 0; k < n_ser; k++) {
		prev_rows = last_x = -1;
		prev_y = 0;
		for (i = 0; i < n; i++) {
			if (!dayreduce_get(p->r, DAYCOL_TIME, i, &t))
				continue;
			if (!dayreduce_get(p->r, ser[k].col, i, &s)) {
				prev_rows = (long)i;
				continue;
			}
			x = p->x0 + (int)i;
			y = value_y(s.mean, max, top, ph);
			if (!style_on(ser[k].style, x))
				;
			else if (p->joins[i] && last_x == prev_rows &&
			         last_x >= 0)
				gdImageLine(p->im, p->x0 + (int)last_x, prev_y,
				    x, y, ser[k].line);
			else
				gdImageSetPixel(p->im, x, y, ser[k].line);
			prev_rows = last_x = (long)i;
			prev_y = y;
		}
	}
}

/* Horizontal grid and labels of a value axis. */
static void
draw_value_axis(struct plot *p, const struct plotaxis *ax, int top, int ph)
{
	int th = text_height(&p->pen, LABEL_PT), y, w, last = INT32_MAX;
	size_t i;

	for (i = 0; i < ax->n; i++) {
		y = value_y(ax->tick[i].value, ax->max, top, ph);
		gdImageLine(p->im, p->x0, y, p->x0 + p->pw - 1, y, p->grid);
		/* On a low panel, labels only where they do not overlap. */
		if (i + 1 < ax->n &&
		    (last - y < th ||
		        y - value_y(ax->max, ax->max, top, ph) < th))
			continue;
		w = text_width(&p->pen, LABEL_PT, ax->tick[i].label);
		last = y;
		y -= th / 2;
		if (y < top - th / 2)
			y = top - th / 2;
		text_draw(&p->pen, LABEL_PT, p->x0 - 6 - w, y, p->ink,
		    ax->tick[i].label);
	}
}

static int
time_x(const struct plot *p, double t)
{
	return p->x0 + (int)((t - (double)p->start) * p->pw /
	                     (double)(p->end - p->start));
}

/* Every hour of a day, every midnight of a range: the panel's grid. */
static void
draw_time_grid(struct plot *p, int top, int bottom)
{
	struct plottick t[PLOTTICK_MAX];
	size_t n, i;
	int x;

	if (p->n_days == 1)
		n = plottick_hours(p->start, p->end, 1, t, PLOTTICK_MAX);
	else
		n = plottick_days(p->start, p->end, 1, t, PLOTTICK_MAX);
	for (i = 0; i < n; i++) {
		x = time_x(p, t[i].value);
		gdImageLine(p->im, x, top, x, bottom,
		    p->n_days > 1 || i % 6 == 0 ? p->grid_major : p->grid);
	}
}

/* Hour or day labels under the last panel, as often as they fit. */
static void
draw_time_labels(struct plot *p, int bottom)
{
	static const unsigned hours[] = {1, 2, 3, 4, 6, 12, 24};
	static const unsigned days[] = {1, 2, 7, 14, 31};
	struct plottick t[PLOTTICK_MAX];
	double span = (double)(p->end - p->start);
	int need = text_width(&p->pen, LABEL_PT, "00:00") + 12, x, w;
	size_t n, i, k;

	if (p->n_days == 1) {
		for (k = 0; k < 6; k++)
			if (hours[k] * 3600 * p->pw / span >= need)
				break;
		n = plottick_hours(p->start, p->end, hours[k], t, PLOTTICK_MAX);
	} else {
		for (k = 0; k < 4; k++)
			if (days[k] * 86400 * p->pw / span >= need)
				break;
		n = plottick_days(p->start, p->end, days[k], t, PLOTTICK_MAX);
	}
	for (i = 0; i < n; i++) {
		x = time_x(p, t[i].value);
		gdImageLine(p->im, x, bottom, x, bottom + 3, p->ink);
		w = text_width(&p->pen, LABEL_PT, t[i].label);
		x -= w / 2;
		if (x + w > (int)p->o->width - 2)
			x = (int)p->o->width - 2 - w;
		text_draw(&p->pen, LABEL_PT, x, bottom + 5, p->ink, t[i].label);
	}
}

/* The highest envelope value over the series, NAN when all are empty. */
static double
series_max(const struct plot *p, const struct series *ser, size_t n_ser)
{
	struct dayreduce_stat s;
	double max = NAN;
	size_t i, k;

	for (k = 0; k < n_ser; k++)
		for (i = 0; i < (size_t)p->pw; i++)
			if (dayreduce_get(p->r, ser[k].col, i, &s) &&
			    !(s.max <= max))
				max = s.max;
	return max;
}

/* Panel title and its series' names in their colours, above the panel. */
static void
draw_header(struct plot *p, const char *title, const struct series *ser,
    size_t n_ser, int x, int y)
{
	size_t k;

	text_draw(&p->pen, LABEL_PT, x, y, p->ink, title);
	x += text_width(&p->pen, LABEL_PT, title) + 16;
	for (k = 0; k < n_ser && ser[k].name != NULL; k++) {
		gdImageFilledRectangle(p->im, x, y + 3, x + 11, y + 10,
		    ser[k].line);
		text_draw(&p->pen, LABEL_PT, x + 15, y, p->ink, ser[k].name);
		x += 15 + text_width(&p->pen, LABEL_PT, ser[k].name) + 14;
	}
}

/* The interface legend: one swatch and name each, in rows from y. */
static int
legend_rows(struct plot *p, const struct series *ser, bool draw, int y)
{
	char name[32];
	int x = p->x0, rows = 1, w, row_h = text_height(&p->pen, LABEL_PT) + 5;
	size_t k;

	for (k = 0; k < p->n_iface; k++) {
		printable(dayreduce_iface(p->r, p->iface[k]), name,
		    sizeof(name));
		w = 15 + text_width(&p->pen, LABEL_PT, name) + 16;
		if (x + w > p->x0 + p->pw && x > p->x0) {
			x = p->x0;
			rows++;
		}
		if (draw) {
			int ry = y + (rows - 1) * row_h;

			gdImageFilledRectangle(p->im, x, ry + 2, x + 11,
			    ry + 11, ser[k].line);
			text_draw(&p->pen, LABEL_PT, x + 15, ry, p->ink, name);
		}
		x += w;
	}
	return rows * row_h;
}

struct panel {
	unsigned bit;
	const char *title;
};

static void
plot_title(struct plot *p)
{
	const struct plot_opts *o = p->o;
	char a[DAYDATE_LEN + 1], b[DAYDATE_LEN + 1], host[80], *title;
	/* libgd's own font is Latin-2: no em dash. */
	const char *dash = p->pen.text != NULL ? " \xe2\x80\x94 " : " - ";

	daydate_format(&o->from, a);
	daydate_format(&o->to, b);
	printable(o->host != NULL ? o->host : "", host, sizeof(host));
	if (p->n_days > 1)
		title =
		    xasprintf("%s%s%s to %s", host, o->host ? dash : "", a, b);
	else
		title = xasprintf("%s%s%s", host, o->host ? dash : "", a);
	text_draw(&p->pen, TITLE_PT, p->x0, 6, p->ink, title);
	free(title);
}

static void
plot_draw(struct plot *p)
{
	static const struct panel panels[] = {{PLOT_CPU, "CPU load"},
	    {PLOT_MEM, "memory"}, {PLOT_RX, "received"}, {PLOT_TX, "sent"}};
	const struct plot_opts *o = p->o;
	struct series *ser = xcalloc(p->n_iface + 2, sizeof(*ser));
	struct series *rx = xcalloc(p->n_iface + 1, sizeof(*rx));
	struct plotaxis ax;
	int th = text_height(&p->pen, LABEL_PT), head = th + 6;
	int top = text_height(&p->pen, TITLE_PT) + 16, legend = 0;
	int n_panels = 0, ph, y, bottom;
	const struct series *hser;
	const char *htitle = NULL;
	double max;
	size_t i, k, hn;

	for (k = 0; k < p->n_iface; k++)
		iface_colours(p->im, k, &rx[k]);
	for (i = 0; i < 4; i++)
		n_panels += (o->panels & panels[i].bit) != 0;
	if (o->panels & (PLOT_RX | PLOT_TX))
		legend = legend_rows(p, rx, false, 0) + 4;
	ph = ((int)o->height - top - legend - th - 10 -
	         n_panels * (head + PANEL_GAP)) /
	     n_panels;
	if (ph < 3 * th) {
		ph += head;
		head = 0;
	}
	if (ph < 8)
		ph = 8;
	y = top;
	for (i = 0; i < 4; i++) {
		if (!(o->panels & panels[i].bit))
			continue;
		y += head;
		hser = NULL;
		hn = 0;
		memset(ser, 0, (p->n_iface + 2) * sizeof(*ser));
		if (panels[i].bit == PLOT_CPU) {
			ser[0].col = DAYCOL_CPU;
			iface_colours(p->im, 0, &ser[0]);
			htitle = "CPU load";
			/* Fixed 0-100 %: days compare at a glance. */
			for (k = 0; k < 5; k++) {
				ax.tick[k].value = 25.0 * (double)k;
				snprintf(ax.tick[k].label,
				    sizeof(ax.tick[k].label), "%d %%",
				    25 * (int)k);
			}
			ax.n = 5;
			ax.max = 100;
			draw_time_grid(p, y, y + ph - 1);
			draw_value_axis(p, &ax, y, ph);
			draw_series(p, ser, 1, 100, y, ph);
		} else if (panels[i].bit == PLOT_MEM) {
			ser[0].col = DAYCOL_MEM_AVAILABLE;
			ser[0].name = "available";
			iface_colours(p->im, 2, &ser[0]);
			ser[1].col = DAYCOL_MEM_FREE;
			ser[1].name = "free";
			iface_colours(p->im, 1, &ser[1]);
			htitle = "memory";
			hser = ser;
			hn = 2;
			ser[2].col = DAYCOL_MEM_TOTAL;
			max = series_max(p, &ser[2], 1);
			if (isnan(max))
				max = series_max(p, ser, 2);
			plottick_kib(max, (size_t)(ph / 28 + 1), &ax);
			draw_time_grid(p, y, y + ph - 1);
			draw_value_axis(p, &ax, y, ph);
			draw_series(p, ser, 2, ax.max, y, ph);
		} else {
			for (k = 0; k < p->n_iface; k++) {
				rx[k].col = panels[i].bit == PLOT_RX
				                ? DAYCOL_RX(p->iface[k])
				                : DAYCOL_TX(p->iface[k]);
				rx[k].name = NULL;
			}
			htitle = panels[i].title;
			max = series_max(p, rx, p->n_iface);
			plottick_bps(isnan(max) ? 0 : max,
			    (size_t)(ph / 28 + 1), &ax);
			draw_time_grid(p, y, y + ph - 1);
			draw_value_axis(p, &ax, y, ph);
			draw_series(p, rx, p->n_iface, ax.max, y, ph);
		}
		/* Squeezed panels carry their titles inside, over the data. */
		if (head > 0)
			draw_header(p, htitle, hser, hn, p->x0, y - head);
		else
			draw_header(p, htitle, hser, hn, p->x0 + 4, y + 1);
		gdImageRectangle(p->im, p->x0 - 1, y - 1, p->x0 + p->pw, y + ph,
		    p->ink);
		y += ph + PANEL_GAP;
	}
	bottom = y - PANEL_GAP;
	draw_time_labels(p, bottom);
	if (legend > 0)
		legend_rows(p, rx, true, bottom + th + 10);
	plot_title(p);
	free(ser);
	free(rx);
}

/* --- the whole ---------------------------------------------------------- */

static int
plot_check(const struct plot_opts *o, struct plot *p, struct errmsg *err)
{
	size_t i;

	if (o->width < PLOT_WIDTH_MIN || o->width > PLOT_WIDTH_MAX)
		return ERRMSG_SET(err, EINVAL, "bad width %u (%d-%d)", o->width,
		    PLOT_WIDTH_MIN, PLOT_WIDTH_MAX);
	if (o->height < PLOT_HEIGHT_MIN || o->height > PLOT_HEIGHT_MAX)
		return ERRMSG_SET(err, EINVAL, "bad height %u (%d-%d)",
		    o->height, PLOT_HEIGHT_MIN, PLOT_HEIGHT_MAX);
	if ((o->panels & ~(unsigned)PLOT_ALL) != 0)
		return ERRMSG_SET(err, EINVAL, "bad panels 0x%x", o->panels);
	for (i = 0; i < o->n_ifaces; i++)
		if (!dayreader_iface_name_ok(o->ifaces[i],
		        strlen(o->ifaces[i])))
			return ERRMSG_SET(err, EINVAL,
			    "bad interface name \"%.32s\"", o->ifaces[i]);
	return datearg_range(&o->from, &o->to, &p->n_days, err);
}

static int
write_all(int fd, const unsigned char *buf, size_t len, struct errmsg *err)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return ERRMSG_SET(err, errno, "write: %s",
			    strerror(errno));
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
plot_write(const struct plot_opts *o0, int fd, struct errmsg *err)
{
	struct plot_opts o = *o0;
	struct plot p;
	void *png = NULL;
	int size, rc = -1;

	memset(&p, 0, sizeof(p));
	if (o.panels == 0)
		o.panels = PLOT_ALL;
	p.o = &o;
	if (plot_check(&o, &p, err) == -1)
		return -1;
	p.x0 = PLOT_MARGIN_LEFT;
	p.pw = (int)o.width - PLOT_MARGIN_LEFT - PLOT_MARGIN_RIGHT;
	plot_bounds(&p);
	if ((p.r = dayreduce_new(p.start, p.end, (size_t)p.pw, err)) == NULL)
		return -1;
	dayreduce_set_threads(p.r, o.threads);
	if (plot_read(&p, err) == -1 || plot_choose_ifaces(&p, err) == -1)
		goto fail;
	plot_find_gaps(&p);
	/* A palette image: ~6x cheaper to encode than truecolor. */
	if ((p.im = gdImageCreate((int)o.width, (int)o.height)) == NULL) {
		ERRMSG_SET(err, ENOMEM, "gdImageCreate: out of memory");
		goto fail;
	}
	p.white = gdImageColorAllocate(p.im, 255, 255, 255);
	p.ink = gdImageColorAllocate(p.im, 0x33, 0x33, 0x33);
	p.grid = gdImageColorAllocate(p.im, 0xe6, 0xe6, 0xe6);
	p.grid_major = gdImageColorAllocate(p.im, 0xc8, 0xc8, 0xc8);
	p.pen.im = p.im;
	/* A missing or bad font is no error: libgd's own font draws. */
	p.pen.text = plottext_open(
	    o.font_path != NULL ? o.font_path : PLOT_FONT_PATH, NULL);
	plot_draw(&p);
	if ((png = gdImagePngPtrEx(p.im, &size, PNG_LEVEL)) == NULL) {
		ERRMSG_SET(err, ENOMEM, "gdImagePngPtrEx: cannot encode");
		goto fail;
	}
	rc = write_all(fd, png, (size_t)size, err);
fail:
	if (png != NULL)
		gdFree(png);
	if (p.im != NULL)
		gdImageDestroy(p.im);
	plottext_close(p.pen.text);
	free(p.iface);
	free(p.joins);
	dayreduce_free(p.r);
	return rc;
}
