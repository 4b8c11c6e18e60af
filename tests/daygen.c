/* daygen.c - write a realistic, reproducible day file for tests and benches */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dayreader.h"
#include "parse.h"
#include "timestamp.h"

/*
 * What a generated day holds, so tests can assert on it (local times of
 * the day's own zone; with --interval S the first row at or after each):
 *
 *   cpu_percent   a daily cycle (low near 04:00, high near 16:00), noise,
 *                 12 bursts of 1-10 minutes at 70-95 %, a one-second
 *                 spike to 100.00 at 12:34:56, and a few random
 *                 one-second spikes (about one in 20,000 rows)
 *   memory        16 GiB total; available and free follow the load
 *   interfaces    eth0, eth1, ... with traffic falling fourfold per
 *                 interface; eth0 follows the CPU bursts; eth1's counter
 *                 resets at 09:15:00 (both its cells empty in that row)
 *   --late-iface  the last interface appears at 12:00:00: its columns are
 *                 in the header from the start, as after a widening
 *                 rewrite, with empty cells up to and including the
 *                 12:00:00 row (its first interval has no rate)
 *   --gaps        no rows 03:10:00-03:14:59 (suspended host), none
 *                 17:45:30-17:46:59 (stopped recorder), and 21:00:07
 *                 missing (a late read)
 *
 * The same options and seed give the same bytes. Without --tz the zone
 * is the environment's TZ, as for the recorder. The default day,
 * 2026-11-27 with 4 interfaces, is about 10 MB.
 */

#define MAX_IFACES 64
#define N_BURSTS 12
#define MEM_TOTAL_KIB 16318480
#define SPIKE_SOD (12 * 3600 + 34 * 60 + 56)
#define NOON_SOD (12 * 3600)
#define RESET_SOD (9 * 3600 + 15 * 60)

struct opts {
	struct daydate date;
	unsigned n_ifaces;
	unsigned interval_s;
	uint64_t seed;
	bool gaps;
	bool late_iface;
	const char *out;
};

struct burst {
	int start_sod, end_sod;
	double level;
};

struct gen {
	uint64_t rng;
	struct burst bursts[N_BURSTS];
	bool spiked, late_seen, reset_done;
	double mem_drift;
};

/* splitmix64: tiny, and its output does not depend on the C library. */
static uint64_t
rng_next(struct gen *g)
{
	uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct gen *g)
{
	return (double)(rng_next(g) >> 11) / 9007199254740992.0;
}

/* Roughly normal, mean 0, deviation 1 (Irwin-Hall of four). */
static double
rng_noise(struct gen *g)
{
	return (rng_unit(g) + rng_unit(g) + rng_unit(g) + rng_unit(g) - 2.0) *
	       1.732;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: daygen [--date YYYY-MM-DD] [--tz ZONE] "
	           "[--ifaces N] [--interval S] [--seed N]\n"
	           "              [--gaps] [--late-iface] [-o FILE]\n");
}

static void __attribute__((noreturn))
bad_usage(const char *what, const char *value)
{
	fprintf(stderr, "daygen: bad %s \"%s\"\n", what, value);
	usage(stderr);
	exit(2);
}

/*
 * glibc takes an unknown zone name for UTC without a word; a test asking
 * for Europe/Berlin must not get UTC from a typo. A POSIX rule such as
 * "CET-1CEST,M3.5.0,M10.5.0/3" has a digit and is taken as it is.
 */
static bool
zone_exists(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	int n;

	if (*zone == ':')
		zone++;
	if (*zone == '\0')
		return false;
	if (strpbrk(zone, "0123456789") != NULL)
		return true;
	if (*zone == '/')
		return access(zone, R_OK) == 0;
	n = snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo", zone);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"date", required_argument, NULL, 'd'},
	    {"tz", required_argument, NULL, 'z'},
	    {"ifaces", required_argument, NULL, 'n'},
	    {"interval", required_argument, NULL, 'i'},
	    {"seed", required_argument, NULL, 's'},
	    {"gaps", no_argument, NULL, 'g'},
	    {"late-iface", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->date = (struct daydate){2026, 11, 27};
	o->n_ifaces = 4;
	o->interval_s = 1;
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (daydate_parse(optarg, strlen(optarg), &o->date) ==
			    -1)
				bad_usage("date", optarg);
			break;
		case 'z':
			/* Set now: every later localtime() uses the zone. */
			if (!zone_exists(optarg) ||
			    setenv("TZ", optarg, 1) == -1)
				bad_usage("zone", optarg);
			tzset();
			break;
		case 'n':
			if (parse_uint(optarg, 0, MAX_IFACES, &v) == -1)
				bad_usage("interface count", optarg);
			o->n_ifaces = (unsigned)v;
			break;
		case 'i':
			if (parse_uint(optarg, 1, 3600, &v) == -1)
				bad_usage("interval", optarg);
			o->interval_s = (unsigned)v;
			break;
		case 's':
			if (parse_uint(optarg, 0, UINT64_MAX, &v) == -1)
				bad_usage("seed", optarg);
			o->seed = v;
			break;
		case 'g':
			o->gaps = true;
			break;
		case 'l':
			o->late_iface = true;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc)
		bad_usage("argument", argv[optind]);
	if (o->late_iface && o->n_ifaces == 0)
		bad_usage("--late-iface with interface count", "0");
}

static void
gen_init(struct gen *g, const struct opts *o)
{
	int i, len;

	memset(g, 0, sizeof(*g));
	g->rng = o->seed;
	for (i = 0; i < N_BURSTS; i++) {
		len = 60 + (int)(rng_unit(g) * 540);
		g->bursts[i].start_sod = (int)(rng_unit(g) * (86400 - len));
		g->bursts[i].end_sod = g->bursts[i].start_sod + len;
		g->bursts[i].level = 70 + rng_unit(g) * 25;
	}
}

static bool
in_gap(int sod)
{
	return (sod >= 3 * 3600 + 10 * 60 && sod < 3 * 3600 + 15 * 60) ||
	       (sod >= 17 * 3600 + 45 * 60 + 30 && sod < 17 * 3600 + 47 * 60) ||
	       sod == 21 * 3600 + 7;
}

/* 0 at 04:00, 1 at 16:00. */
static double
day_cycle(int sod)
{
	return 0.5 - 0.5 * cos(2 * M_PI * (sod - 4 * 3600) / 86400.0);
}

static double
gen_cpu(struct gen *g, int sod, double *burst)
{
	double cpu = 5 + 35 * day_cycle(sod) + 3 * rng_noise(g);
	int i;

	*burst = 0;
	for (i = 0; i < N_BURSTS; i++)
		if (sod >= g->bursts[i].start_sod && sod < g->bursts[i].end_sod)
			*burst = g->bursts[i].level + 4 * rng_noise(g);
	if (*burst > cpu)
		cpu = *burst;
	if (!g->spiked && sod >= SPIKE_SOD) {
		g->spiked = true;
		cpu = 100;
	} else if (rng_next(g) % 20000 == 0) {
		cpu = 85 + rng_unit(g) * 15;
	}
	return cpu < 0 ? 0 : cpu > 100 ? 100 : cpu;
}

static int
put_rate(char *p, size_t room, double bps)
{
	return snprintf(p, room, ",%" PRIu64, (uint64_t)(bps < 0 ? 0 : bps));
}

/* Formats the row for t into buf; returns its length. */
static size_t
gen_row(struct gen *g, const struct opts *o, const char *when, int sod,
    char *buf, size_t size)
{
	double cpu, burst, avail, free_kib, base, rx, tx;
	size_t len;
	unsigned i;
	bool late_now, reset_now;

	cpu = gen_cpu(g, sod, &burst);
	g->mem_drift += rng_noise(g) * 200;
	if (g->mem_drift > 400000 || g->mem_drift < -400000)
		g->mem_drift *= 0.9;
	avail = MEM_TOTAL_KIB * (0.70 - 0.30 * cpu / 100) + g->mem_drift +
	        rng_noise(g) * 2000;
	free_kib = avail * 0.38 + rng_noise(g) * 1500;
	if (free_kib < 0)
		free_kib = 0;
	len = (size_t)snprintf(buf, size, "%s,%.2f,%d,%.0f,%.0f", when, cpu,
	    MEM_TOTAL_KIB, free_kib, avail);
	reset_now = !g->reset_done && sod >= RESET_SOD;
	if (reset_now)
		g->reset_done = true;
	late_now = false;
	if (o->late_iface && sod >= NOON_SOD && !g->late_seen) {
		g->late_seen = true;
		late_now = true;
	}
	for (i = 0; i < o->n_ifaces; i++) {
		if ((i == 1 && reset_now) ||
		    (o->late_iface && i == o->n_ifaces - 1 &&
		        (!g->late_seen || late_now))) {
			len += (size_t)snprintf(buf + len, size - len, ",,");
			continue;
		}
		/* eth0 about 20 Mbit/s at the afternoon peak, each next / 4. */
		base = 2e7 / pow(4, i) * (0.1 + day_cycle(sod));
		rx = base * (1 + 0.3 * rng_noise(g));
		tx = base * 0.2 * (1 + 0.3 * rng_noise(g));
		if (i == 0 && burst > 0) {
			rx += 80e6 * (0.8 + 0.2 * rng_unit(g));
			tx += 2e6 * rng_unit(g);
		}
		len += (size_t)put_rate(buf + len, size - len, rx);
		len += (size_t)put_rate(buf + len, size - len, tx);
	}
	buf[len++] = '\n';
	return len;
}

static void
write_header(FILE *f, const struct opts *o)
{
	unsigned i;

	for (i = 0; i < DAYCOL_FIXED; i++)
		fprintf(f, "%s%s", i > 0 ? "," : "", daycol_fixed_names[i]);
	for (i = 0; i < o->n_ifaces; i++)
		fprintf(f, ",net_rx_bps:eth%u,net_tx_bps:eth%u", i, i);
	fputc('\n', f);
}

int
main(int argc, char **argv)
{
	char when[TIMESTAMP_LEN + 1], row[160 + MAX_IFACES * 48];
	struct opts o;
	struct gen g;
	struct daydate d;
	struct tm tm;
	time_t t;
	FILE *f = stdout;
	int sod, cmp;

	parse_opts(argc, argv, &o);
	gen_init(&g, &o);
	if (o.out != NULL && (f = fopen(o.out, "w")) == NULL) {
		fprintf(stderr, "daygen: %s: %s\n", o.out, strerror(errno));
		return 1;
	}
	write_header(f, &o);
	/*
	 * Start two hours before local midnight as mktime() sees it and
	 * walk: midnight itself may be skipped or repeated in some zones.
	 */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = o.date.year - 1900;
	tm.tm_mon = o.date.month - 1;
	tm.tm_mday = o.date.day;
	tm.tm_isdst = -1;
	t = mktime(&tm) - 7200;
	t -= t % o.interval_s;
	for (;; t += o.interval_s) {
		if (timestamp_format(t, when, &d) == -1) {
			fprintf(stderr, "daygen: cannot format time %lld\n",
			    (long long)t);
			return 1;
		}
		if ((cmp = daydate_cmp(&d, &o.date)) < 0)
			continue;
		if (cmp > 0)
			break;
		sod = ((when[11] - '0') * 10 + (when[12] - '0')) * 3600 +
		      ((when[14] - '0') * 10 + (when[15] - '0')) * 60 +
		      (when[17] - '0') * 10 + (when[18] - '0');
		if (o.gaps && in_gap(sod))
			continue;
		fwrite(row, 1, gen_row(&g, &o, when, sod, row, sizeof(row)), f);
	}
	if (ferror(f) || (f != stdout ? fclose(f) : fflush(f)) == EOF) {
		fprintf(stderr, "daygen: %s: write failed: %s\n",
		    o.out != NULL ? o.out : "stdout", strerror(errno));
		return 1;
	}
	return 0;
}
