/* rusage_run.c - run a command, print its CPU time and memory (bench only) */
/* SPDX-License-Identifier: MIT */
/*
 * usage: rusage_run [-s SECONDS] [-k SECONDS] [-o FILE] -- COMMAND [ARG]...
 *
 * Forks, execs COMMAND, waits for it with wait4(2) and prints one line:
 *
 *   cpu_us=U+S utime_us=U stime_us=S maxrss_kib=M wall_ms=W status=X
 *   rssanon_kib=A vmhwm_kib=H vmrss_kib=R rssfile_kib=F
 *
 * -s SECONDS: read RssAnon, VmHWM, VmRSS and RssFile from
 * /proc/PID/status this many seconds after the start (-1 in the output if
 * never read).
 * -k SECONDS: send SIGTERM this many seconds after the start (for programs
 * without a sample count, such as collectd); SIGKILL 10 s later.
 * -o FILE: append the line to FILE instead of stdout.
 *
 * The child's CPU time is that of the child alone (and of any children it
 * waited for), not of this wrapper, which sleeps until SIGCHLD or a
 * deadline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads "Key:   N kB" from /proc/PID/status; -1 if absent. */
static long
status_kib(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	if (p == NULL)
		return -1;
	p += strlen(key);
	return strtol(p, NULL, 10);
}

static double
parse_seconds(const char *s, const char *opt)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 86400) {
		fprintf(stderr, "rusage_run: %s: bad seconds \"%s\"\n", opt, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	double sample_at = -1, kill_at = -1, start, killed_at = -1;
	const char *out_path = NULL;
	long rssanon = -1, vmhwm = -1, vmrss = -1, rssfile = -1;
	struct rusage ru;
	sigset_t chld;
	FILE *out = stdout;
	pid_t pid, w;
	int c, status = 0;

	while ((c = getopt(argc, argv, "+s:k:o:")) != -1) {
		switch (c) {
		case 's':
			sample_at = parse_seconds(optarg, "-s");
			break;
		case 'k':
			kill_at = parse_seconds(optarg, "-k");
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			fprintf(stderr,
			    "usage: rusage_run [-s SECONDS] "
			    "[-k SECONDS] [-o FILE] -- COMMAND [ARG]...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "rusage_run: no command\n");
		return 2;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	start = now_s();
	pid = fork();
	if (pid == -1) {
		perror("rusage_run: fork");
		return 1;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "rusage_run: %s: %s\n", argv[optind],
		    strerror(errno));
		_exit(127);
	}
	/*
	 * Sleeps in sigtimedwait until SIGCHLD or the next deadline (at most
	 * 1 s), so the wrapper wakes rarely and does not disturb the child.
	 * Bounded: a child still there a day later is killed.
	 */
	for (;;) {
		double t, next = 1.0;
		struct timespec to;

		w = wait4(pid, &status, WNOHANG, &ru);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR) {
			perror("rusage_run: wait4");
			return 1;
		}
		t = now_s() - start;
		if (sample_at >= 0 && rssanon == -1 && t >= sample_at) {
			char path[64], text[8192];
			FILE *f;
			size_t n;

			snprintf(path, sizeof(path), "/proc/%d/status",
			    (int)pid);
			f = fopen(path, "r");
			if (f != NULL) {
				n = fread(text, 1, sizeof(text) - 1, f);
				text[n] = '\0';
				fclose(f);
				rssanon = status_kib(text, "RssAnon:");
				vmhwm = status_kib(text, "VmHWM:");
				vmrss = status_kib(text, "VmRSS:");
				rssfile = status_kib(text, "RssFile:");
			}
		}
		if (kill_at >= 0 && killed_at < 0 && t >= kill_at) {
			kill(pid, SIGTERM);
			killed_at = t;
		}
		if ((killed_at >= 0 && t >= killed_at + 10) || t > 86400 + 60)
			kill(pid, SIGKILL);
		if (sample_at >= 0 && rssanon == -1 && sample_at - t < next)
			next = sample_at - t;
		if (kill_at >= 0 && killed_at < 0 && kill_at - t < next)
			next = kill_at - t;
		if (next < 0.001)
			next = 0.001;
		to.tv_sec = (time_t)next;
		to.tv_nsec = (long)((next - (double)to.tv_sec) * 1e9);
		(void)sigtimedwait(&chld, NULL, &to);
	}
	if (out_path != NULL) {
		out = fopen(out_path, "a");
		if (out == NULL) {
			perror(out_path);
			return 1;
		}
	}
	fprintf(out,
	    "cpu_us=%lld utime_us=%lld stime_us=%lld maxrss_kib=%ld "
	    "wall_ms=%.0f status=%d rssanon_kib=%ld vmhwm_kib=%ld "
	    "vmrss_kib=%ld rssfile_kib=%ld\n",
	    (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	        ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
	    (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
	    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
	    ru.ru_maxrss, (now_s() - start) * 1000,
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	    rssanon, vmhwm, vmrss, rssfile);
	if (out != stdout)
		fclose(out);
	return 0;
}
