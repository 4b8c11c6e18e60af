/* cmd_live.c - resmon live: record (or follow another recorder's file) and
 * redraw the host's numbers every interval */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "live.h"
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

/* One screen line being built, clipped to the width when written. */
struct linebuf {
	char *s;
	size_t len, cap;
};

struct live {
	bool tty, utf8;
	int rows, cols;
	unsigned interval_s;
	struct history cpu;
	struct iface_view *ifaces;
	size_t n_ifaces;
	char log[LOG_LINES][256];
	size_t n_log;
	char host[256];
	struct linebuf line;
	int line_no;        /* screen line drawn next, 1-based */
	struct recorder *r; /* recording mode; NULL when following */
	struct follow *fw;  /* display-only mode; NULL when recording */
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
line_add(struct live *lv, const char *s, size_t len)
{
	struct linebuf *lb = &lv->line;

	if (len > lb->cap - lb->len) {
		while (len > lb->cap - lb->len)
			lb->cap = lb->cap ? 2 * lb->cap : 1024;
		lb->s = xreallocarray(lb->s, lb->cap, 1);
	}
	memcpy(lb->s + lb->len, s, len);
	lb->len += len;
}

static void
line_puts(struct live *lv, const char *s)
{
	line_add(lv, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
line_printf(struct live *lv, const char *fmt, ...)
{
	char buf[512], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		line_add(lv, buf, (size_t)n);
		return;
	}
	/* A long data folder name: format again, sized. */
	va_start(ap, fmt);
	if (vasprintf(&big, fmt, ap) != -1) {
		line_puts(lv, big);
		free(big);
	}
	va_end(ap);
}

/* Length of the escape sequence at s[0..len) ("\033[1m"), 0 if none. */
static size_t
escape_len(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || s[0] != '\033' || s[1] != '[')
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] >= 0x40 && s[i] <= 0x7e)
			return i + 1;
	return len;
}

/*
 * Writes the line built at screen line lv->line_no, cut at the width so
 * the terminal never wraps it (escape sequences and UTF-8 continuation
 * bytes take no column), and clears the rest of that line. Lines below
 * the screen are dropped: nothing scrolls.
 */
static void
line_end(struct live *lv)
{
	const struct linebuf *lb = &lv->line;
	size_t i = 0, esc;
	int col = 0;

	if (lv->line_no <= lv->rows) {
		/* Find the cut; the bytes before it go out in one fwrite. */
		while (i < lb->len) {
			esc = escape_len(lb->s + i, lb->len - i);
			if (esc > 0) {
				i += esc;
				continue;
			}
			if (((unsigned char)lb->s[i] & 0xc0) != 0x80 &&
			    col++ == lv->cols)
				break;
			i++;
		}
		printf("\033[%d;1H", lv->line_no);
		fwrite(lb->s, 1, i, stdout);
		/* At the last column the cursor sits on the last cell, which
		 * an erase would take with it. */
		fputs(col < lv->cols ? "\033[0m\033[K" : "\033[0m", stdout);
	}
	lv->line_no++;
	lv->line.len = 0;
}

/* Appends a sparkline of the last width values of h, scaled to max. */
static void
put_sparkline(struct live *lv, const struct history *h, int width, double max)
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
			line_add(lv, " ", 1);
			continue;
		}
		level = max > 0 ? (int)(v / max * 7.999) : 0;
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		if (lv->utf8)
			line_puts(lv, blocks[level]);
		else
			line_add(lv, &ascii[level], 1);
	}
}

static void
put_bar(struct live *lv, double share, int width)
{
	int fill = (int)(share * width + 0.5), i;

	line_add(lv, "[", 1);
	for (i = 0; i < width; i++)
		line_puts(lv, i < fill ? (lv->utf8 ? "\u2588" : "#") : " ");
	line_add(lv, "]", 1);
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

static void
kib_text(int64_t kib, char buf[UNITS_LEN])
{
	if (kib == ROW_EMPTY)
		memcpy(buf, "-", 2);
	else
		units_kib((uint64_t)kib, buf);
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
	kib_text(row->mem_free_kib, a);
	kib_text(row->mem_available_kib, b);
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
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		lv->rows = ws.ws_row;
		lv->cols = ws.ws_col;
	} else {
		lv->rows = 24;
		lv->cols = 80;
	}
}

/* Lines 2 and 3: who writes the folder, and how its file looks. */
static void
live_draw_source(struct live *lv)
{
	const struct follow *fw = lv->fw;
	struct recorder_status st;

	if (lv->r != NULL) {
		recorder_status(lv->r, &st);
		line_printf(lv,
		    "writing %s  rows %lu  backlog %zu  dropped %lu  clock "
		    "steps %lu",
		    st.file, st.rows_written, st.backlog, st.rows_dropped,
		    st.clock_steps);
		line_end(lv);
		line_end(lv);
		return;
	}
	if (fw->holder > 0)
		line_printf(lv,
		    "another recorder (pid %ld) is writing %s; showing its "
		    "rows",
		    (long)fw->holder, fw->data_dir);
	else
		line_printf(lv,
		    "no recorder is writing %s now; showing its last rows",
		    fw->data_dir);
	line_end(lv);
	/* Reverse video: a stale or unreadable file must not pass as live. */
	if (fw->state == FOLLOW_STALE || fw->state == FOLLOW_FAILED)
		line_printf(lv, "\033[7m%s\033[0m", fw->note);
	else
		line_puts(lv, fw->note);
	line_end(lv);
}

static void
live_draw_cpu(struct live *lv, const struct row *row, int bar)
{
	line_puts(lv, "\033[1mCPU\033[0m     ");
	if (row->cpu_centi == ROW_EMPTY) {
		line_printf(lv, "%*s      -", bar + 2, "");
	} else {
		put_bar(lv, row->cpu_centi / 10000.0, bar);
		line_printf(lv, " %3d.%02d %%", row->cpu_centi / 100,
		    row->cpu_centi % 100);
	}
	line_end(lv);
	line_puts(lv, "        ");
	put_sparkline(lv, &lv->cpu, lv->cols - 9, 100);
	line_end(lv);
}

static void
live_draw_memory(struct live *lv, const struct row *row, int bar)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];
	double used;

	line_puts(lv, "\033[1mMemory\033[0m  ");
	if (row->mem_available_kib == ROW_EMPTY || row->mem_total_kib <= 0) {
		line_printf(lv, "%*s      - %% used", bar + 2, "");
	} else {
		used = 1 - (double)row->mem_available_kib /
		               (double)row->mem_total_kib;
		used = used < 0 ? 0 : used;
		put_bar(lv, used, bar);
		line_printf(lv, " %5.1f %% used", used * 100);
	}
	line_end(lv);
	kib_text(row->mem_total_kib, a);
	kib_text(row->mem_free_kib, b);
	kib_text(row->mem_available_kib, c);
	line_printf(lv, "        total %s  free %s  available %s", a, b, c);
	line_end(lv);
	line_end(lv);
}

static void
live_draw_ifaces(struct live *lv)
{
	char a[UNITS_LEN], b[UNITS_LEN];
	int spark = lv->cols - NAME_WIDTH - 28, room;
	size_t i;

	line_printf(lv, "\033[1m%-*s %12s %12s  receive history\033[0m",
	    NAME_WIDTH, "Interface", "receive", "transmit");
	line_end(lv);
	room = lv->rows - lv->line_no + 1 - LOG_LINES - 1;
	for (i = 0; i < lv->n_ifaces; i++) {
		const struct iface_view *iv = &lv->ifaces[i];

		if ((int)i >= room - 1 && i + 1 < lv->n_ifaces) {
			line_printf(lv, "... and %zu more interfaces",
			    lv->n_ifaces - i);
			line_end(lv);
			break;
		}
		rate_text(iv->rx_bps, a);
		rate_text(iv->tx_bps, b);
		line_printf(lv, "%-*s %12s %12s  ", NAME_WIDTH, iv->name, a, b);
		if (spark > 0)
			put_sparkline(lv, &iv->rx, spark,
			    history_max(&iv->rx, (size_t)spark));
		line_end(lv);
	}
}

/* Redraws the whole screen; row is NULL while a followed file has none. */
static void
live_draw(struct live *lv, const struct row *row)
{
	char ts[TIMESTAMP_LEN + 1];
	int bar;
	size_t i;

	if (resized)
		live_size(lv);
	lv->line_no = 1;
	bar = lv->cols - 23 > 60 ? 60 : lv->cols - 23;
	if (bar < 10)
		bar = 10;
	if (row == NULL || timestamp_format(row->t, ts, NULL) == -1)
		memcpy(ts, "-", 2);
	line_printf(lv, "\033[1mresmon live\033[0m  %s  %s  every %u s",
	    lv->host, ts, lv->interval_s);
	line_end(lv);
	live_draw_source(lv);
	if (row != NULL) {
		live_draw_cpu(lv, row, bar);
		live_draw_memory(lv, row, bar);
		live_draw_ifaces(lv);
	}
	/* Each line cleared to its end, then all below: no flicker from a
	 * full clear. */
	if (lv->line_no <= lv->rows)
		printf("\033[%d;1H\033[J", lv->line_no);
	/* The latest messages, at the bottom. */
	for (i = 0; i < lv->n_log; i++) {
		lv->line_no = lv->rows - (int)lv->n_log + (int)i + 1;
		if (lv->line_no < 1)
			continue;
		line_puts(lv, lv->log[i]);
		line_end(lv);
	}
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
		live_draw(lv, row);
	else
		live_print_line(lv, row);
}

/* A signal cut the sleep short: redraw at once after a resize. */
static void
live_woken(void *ctx)
{
	struct live *lv = ctx;
	const struct row *row;

	if (!lv->tty || !resized)
		return;
	row = lv->r != NULL ? recorder_last_row(lv->r) : lv->fw->row;
	if (row != NULL || lv->fw != NULL)
		live_draw(lv, row);
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

/* Every interval: who holds the folder, the newest row, its age. */
static void
live_follow_tick(void *ctx, struct recorder *r)
{
	struct live *lv = ctx;
	enum follow_state was = lv->fw->state;
	const struct row *row;

	(void)r;
	row = follow_poll(lv->fw, lv->interval_s, time(NULL));
	if (row != NULL) {
		live_take_row(lv, row);
		if (!lv->tty)
			live_print_line(lv, row);
	}
	if (lv->tty)
		live_draw(lv, lv->fw->row);
	else if (lv->fw->state != was && lv->fw->state != FOLLOW_SHOWING)
		fprintf(stderr, "resmon: %s\n", lv->fw->note);
}

static void
live_init(struct live *lv, const struct recording *rec)
{
	const char *codeset;

	memset(lv, 0, sizeof(*lv));
	lv->interval_s = rec->conf.interval_s;
	lv->tty = isatty(STDOUT_FILENO) == 1;
	if (setlocale(LC_CTYPE, "") != NULL) {
		codeset = nl_langinfo(CODESET);
		lv->utf8 = codeset != NULL && strcmp(codeset, "UTF-8") == 0;
	}
	if (gethostname(lv->host, sizeof(lv->host) - 1) == -1)
		memcpy(lv->host, "?", 2);
}

static void
live_screen_enter(struct live *lv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	/* No SA_RESTART: a resize ends the sleep, to redraw at once. */
	if (sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGWINCH, &sa, NULL) == -1)
		warnx_msg("sigaction SIGWINCH: %s", strerror(errno));
	/* A whole frame in one write(2), not one per line. */
	(void)setvbuf(stdout, NULL, _IOFBF, 64 * 1024);
	/* The alternate screen keeps the shell's scrollback as it was. */
	printf("\033[?1049h\033[?25l\033[H\033[2J");
	if (lv->r != NULL)
		printf("resmon live: first reading in %u s...", lv->interval_s);
	(void)fflush(stdout);
}

static void
live_screen_leave(struct live *lv)
{
	size_t i;

	printf("\033[?25h\033[?1049l");
	(void)fflush(stdout);
	for (i = 0; i < lv->n_log; i++)
		fprintf(stderr, "resmon: %s\n", lv->log[i]);
}

int
cmd_live(int argc, char **argv)
{
	struct recording_hooks hooks;
	struct recording rec;
	struct follow fw;
	struct errmsg err;
	struct live lv;
	int status;

	status = recording_parse("live", argc, argv, &rec);
	if (status != 0) {
		recording_free(&rec);
		return status == -1 ? EXIT_SUCCESS : status;
	}
	live_init(&lv, &rec);
	hooks = (struct recording_hooks){live_after_tick, live_woken, &lv};
	if (recording_open(&rec, (struct logsink){live_log, &lv}, &err) == 0) {
		lv.r = rec.r;
	} else if (err.code == EWOULDBLOCK) {
		/* SPEC §2: one writer per folder; live then only displays. */
		if (follow_open(&fw, rec.data_dir) == -1) {
			recording_free(&rec);
			return EXIT_FAILURE;
		}
		lv.fw = &fw;
		hooks.tick = live_follow_tick;
		if (!lv.tty)
			warnx_msg("another recorder (pid %ld) is writing %s; "
			          "showing its rows",
			    (long)fw.holder, rec.data_dir);
	} else {
		warn_err(&err);
		recording_free(&rec);
		return EXIT_FAILURE;
	}
	if (lv.tty)
		live_screen_enter(&lv);
	status = lv.r != NULL ? recording_loop(&rec, &hooks)
	                      : recording_follow(&rec, &hooks);
	if (lv.tty)
		live_screen_leave(&lv);
	if (lv.fw != NULL)
		follow_close(&fw);
	free(lv.ifaces);
	free(lv.line.s);
	recording_free(&rec);
	return status;
}
