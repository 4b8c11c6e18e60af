/* cmd_live.c - resmon live: record, and redraw the host's numbers every
 * interval */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "recorder.h"
#include "recording.h"
#include "resmon.h"
#include "row.h"
#include "timestamp.h"
#include "units.h"
#include "xalloc.h"

#define HISTORY 512 /* samples kept per series: wider than most terminals */
#define LOG_LINES 3 /* recorder messages kept on screen */
#define NAME_WIDTH 16

/* The last HISTORY values of one series; NAN where there was none. */
struct history {
	double v[HISTORY];
	size_t head, len;
};

struct iface_view {
	char name[IFACE_NAME_MAX + 1];
	struct history rx, tx;
	int64_t rx_bps, tx_bps;
};

struct live {
	bool tty, utf8;
	int rows, cols;
	struct history cpu;
	struct iface_view *ifaces;
	size_t n_ifaces;
	char log[LOG_LINES][256];
	size_t n_log;
	char host[256];
};

static volatile sig_atomic_t resized = 1;

static void
on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void
history_add(struct history *h, double v)
{
	h->v[(h->head + h->len) % HISTORY] = v;
	if (h->len < HISTORY)
		h->len++;
	else
		h->head = (h->head + 1) % HISTORY;
}

/* The i-th of the last n values (0 the oldest). */
static double
history_at(const struct history *h, size_t n, size_t i)
{
	return h->v[(h->head + h->len - n + i) % HISTORY];
}

/* Appends a sparkline of the last width values of h, scaled to max. */
static void
put_sparkline(const struct live *lv, const struct history *h, int width,
    double max)
{
	static const char *const blocks[] = {"\u2581", "\u2582", "\u2583",
	    "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
	static const char ascii[] = "_.-:=+*#";
	size_t n = h->len < (size_t)width ? h->len : (size_t)width, i;
	double v;
	int level;

	for (i = 0; i < n; i++) {
		v = history_at(h, n, i);
		if (isnan(v)) {
			fputc(' ', stdout);
			continue;
		}
		level = max > 0 ? (int)(v / max * 7.999) : 0;
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		if (lv->utf8)
			fputs(blocks[level], stdout);
		else
			fputc(ascii[level], stdout);
	}
}

static double
history_max(const struct history *h, size_t width)
{
	size_t n = h->len < width ? h->len : width, i;
	double max = 0, v;

	for (i = 0; i < n; i++) {
		v = history_at(h, n, i);
		if (!isnan(v) && v > max)
			max = v;
	}
	return max;
}

static void
put_bar(const struct live *lv, double share, int width)
{
	int fill = (int)(share * width + 0.5), i;

	fputc('[', stdout);
	for (i = 0; i < width; i++)
		fputs(i < fill ? (lv->utf8 ? "\u2588" : "#") : " ", stdout);
	fputc(']', stdout);
}

static struct iface_view *
live_iface(struct live *lv, const char *name)
{
	size_t i;

	for (i = 0; i < lv->n_ifaces; i++)
		if (strcmp(lv->ifaces[i].name, name) == 0)
			return &lv->ifaces[i];
	lv->ifaces =
	    xreallocarray(lv->ifaces, lv->n_ifaces + 1, sizeof(*lv->ifaces));
	memset(&lv->ifaces[lv->n_ifaces], 0, sizeof(*lv->ifaces));
	memcpy(lv->ifaces[lv->n_ifaces].name, name, IFACE_NAME_MAX + 1);
	return &lv->ifaces[lv->n_ifaces++];
}

/* Folds a new row into the histories; interfaces not in it get a gap. */
static void
live_take_row(struct live *lv, const struct row *row)
{
	size_t i;

	history_add(&lv->cpu,
	    row->cpu_centi == ROW_EMPTY ? NAN : row->cpu_centi / 100.0);
	for (i = 0; i < lv->n_ifaces; i++)
		lv->ifaces[i].rx_bps = lv->ifaces[i].tx_bps = ROW_EMPTY;
	for (i = 0; i < row->n_net; i++) {
		struct iface_view *iv = live_iface(lv, row->cols->names[i]);

		iv->rx_bps = row->net[i].rx_bps;
		iv->tx_bps = row->net[i].tx_bps;
	}
	for (i = 0; i < lv->n_ifaces; i++) {
		struct iface_view *iv = &lv->ifaces[i];

		history_add(&iv->rx,
		    iv->rx_bps == ROW_EMPTY ? NAN : iv->rx_bps);
		history_add(&iv->tx,
		    iv->tx_bps == ROW_EMPTY ? NAN : iv->tx_bps);
	}
}

static void
rate_text(int64_t bps, char buf[UNITS_LEN])
{
	if (bps == ROW_EMPTY)
		memcpy(buf, "-", 2);
	else
		units_bps(bps, buf);
}

/* Not a terminal: one plain line per row, for logs and pipes. */
static void
live_print_line(struct live *lv, const struct row *row)
{
	char ts[TIMESTAMP_LEN + 1], a[UNITS_LEN], b[UNITS_LEN];
	size_t i;

	if (timestamp_format(row->t, ts, NULL) == -1)
		return;
	printf("%s cpu ", ts);
	if (row->cpu_centi == ROW_EMPTY)
		printf("-");
	else
		printf("%d.%02d%%", row->cpu_centi / 100, row->cpu_centi % 100);
	units_kib((uint64_t)row->mem_free_kib, a);
	units_kib((uint64_t)(row->mem_available_kib == ROW_EMPTY
	                         ? 0
	                         : row->mem_available_kib),
	    b);
	printf(" mem free %s available %s", a, b);
	for (i = 0; i < lv->n_ifaces; i++) {
		rate_text(lv->ifaces[i].rx_bps, a);
		rate_text(lv->ifaces[i].tx_bps, b);
		printf(" %s rx %s tx %s", lv->ifaces[i].name, a, b);
	}
	putchar('\n');
	(void)fflush(stdout);
}

static void
live_size(struct live *lv)
{
	struct winsize ws;

	resized = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		lv->rows = ws.ws_row;
		lv->cols = ws.ws_col;
	} else {
		lv->rows = 24;
		lv->cols = 80;
	}
}

static void
live_draw(struct live *lv, struct recorder *r, const struct row *row)
{
	struct recorder_status st;
	char ts[TIMESTAMP_LEN + 1], a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];
	int width, bar, line = 0, room;
	double avail_share;
	size_t i;

	if (resized)
		live_size(lv);
	recorder_status(r, &st);
	width = lv->cols;
	bar = width - 22 > 60 ? 60 : width - 22;
	if (bar < 10)
		bar = 10;
	if (timestamp_format(row->t, ts, NULL) == -1)
		memcpy(ts, "?", 2);
	/* Home, then each line cleared to its end: no flicker from a full
	 * clear. */
	printf("\033[H\033[1mresmon live\033[0m  %s  %s  every %u s\033[K\n",
	    lv->host, ts, st.interval_s);
	printf("writing %s  rows %lu  backlog %zu  dropped %lu  clock steps "
	       "%lu\033[K\n",
	    st.file, st.rows_written, st.backlog, st.rows_dropped,
	    st.clock_steps);
	printf("\033[K\n");
	line = 3;

	printf("\033[1mCPU\033[0m     ");
	if (row->cpu_centi == ROW_EMPTY)
		printf("%*s      -", bar + 2, "");
	else {
		put_bar(lv, row->cpu_centi / 10000.0, bar);
		printf(" %3d.%02d %%", row->cpu_centi / 100,
		    row->cpu_centi % 100);
	}
	printf("\033[K\n        ");
	put_sparkline(lv, &lv->cpu, width - 9, 100);
	printf("\033[K\n");
	line += 2;

	units_kib((uint64_t)row->mem_total_kib, a);
	units_kib((uint64_t)row->mem_free_kib, b);
	if (row->mem_available_kib != ROW_EMPTY) {
		units_kib((uint64_t)row->mem_available_kib, c);
		avail_share =
		    (double)row->mem_available_kib /
		    (double)(row->mem_total_kib > 0 ? row->mem_total_kib : 1);
	} else {
		memcpy(c, "-", 2);
		avail_share = 1;
	}
	printf("\033[1mMemory\033[0m  ");
	put_bar(lv, 1 - avail_share, bar);
	printf(" %5.1f %% used\033[K\n", (1 - avail_share) * 100);
	printf("        total %s  free %s  available %s\033[K\n\033[K\n", a, b,
	    c);
	line += 3;

	printf("\033[1m%-*s %12s %12s  receive history\033[0m\033[K\n",
	    NAME_WIDTH, "Interface", "receive", "transmit");
	line++;
	room = lv->rows - line - LOG_LINES - 1;
	for (i = 0; i < lv->n_ifaces; i++) {
		const struct iface_view *iv = &lv->ifaces[i];
		int spark = width - NAME_WIDTH - 28;

		if ((int)i >= room - 1 && i + 1 < lv->n_ifaces) {
			printf("... and %zu more interfaces\033[K\n",
			    lv->n_ifaces - i);
			break;
		}
		rate_text(iv->rx_bps, a);
		rate_text(iv->tx_bps, b);
		printf("%-*s %12s %12s  ", NAME_WIDTH, iv->name, a, b);
		if (spark > 0)
			put_sparkline(lv, &iv->rx, spark,
			    history_max(&iv->rx, (size_t)spark));
		printf("\033[K\n");
	}
	printf("\033[J");
	/* The recorder's latest messages, at the bottom. */
	for (i = 0; i < lv->n_log; i++)
		printf("\033[%d;1H%.*s\033[K",
		    lv->rows - (int)lv->n_log + (int)i + 1, lv->cols,
		    lv->log[i]);
	(void)fflush(stdout);
}

static void
live_after_tick(void *ctx, struct recorder *r)
{
	struct live *lv = ctx;
	const struct row *row = recorder_last_row(r);

	if (row == NULL)
		return;
	live_take_row(lv, row);
	if (lv->tty)
		live_draw(lv, r, row);
	else
		live_print_line(lv, row);
}

static void
live_log(void *ctx, int level, const char *msg)
{
	struct live *lv = ctx;

	(void)level;
	if (!lv->tty) {
		fprintf(stderr, "resmon: %s\n", msg);
		return;
	}
	if (lv->n_log == LOG_LINES) {
		memmove(lv->log[0], lv->log[1],
		    sizeof(lv->log[0]) * (LOG_LINES - 1));
		lv->n_log--;
	}
	(void)snprintf(lv->log[lv->n_log++], sizeof(lv->log[0]), "%s", msg);
}

int
cmd_live(int argc, char **argv)
{
	struct live lv;
	struct recording rec;
	struct sigaction sa;
	const char *codeset;
	int status;

	status = recording_parse("live", argc, argv, &rec);
	if (status != 0) {
		recording_free(&rec);
		return status == -1 ? EXIT_SUCCESS : status;
	}
	memset(&lv, 0, sizeof(lv));
	lv.tty = isatty(STDOUT_FILENO) == 1;
	if (setlocale(LC_CTYPE, "") != NULL) {
		codeset = nl_langinfo(CODESET);
		lv.utf8 = codeset != NULL && strcmp(codeset, "UTF-8") == 0;
	}
	if (gethostname(lv.host, sizeof(lv.host) - 1) == -1)
		memcpy(lv.host, "?", 2);
	if (lv.tty) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_winch;
		if (sigemptyset(&sa.sa_mask) == -1 ||
		    sigaction(SIGWINCH, &sa, NULL) == -1)
			warnx_msg("sigaction SIGWINCH: %s", strerror(errno));
		/* The alternate screen keeps the shell's scrollback as it was.
		 */
		printf("\033[?1049h\033[?25l\033[H\033[2Jresmon live: first "
		       "reading in %u s...\n",
		    rec.conf.interval_s);
		(void)fflush(stdout);
	}
	status = recording_run(&rec, (struct logsink){live_log, &lv},
	    live_after_tick, &lv);
	if (lv.tty) {
		printf("\033[?25h\033[?1049l");
		(void)fflush(stdout);
		for (size_t i = 0; i < lv.n_log; i++)
			fprintf(stderr, "resmon: %s\n", lv.log[i]);
	}
	free(lv.ifaces);
	recording_free(&rec);
	return status;
}
