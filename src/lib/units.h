/* units.h - human units: SI bit rates, IEC memory, as the live view and plots
 * show them */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_UNITS_H
#define RESMON_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Longest text the functions below write, NUL included. */
#define UNITS_LEN 16

/*
 * "0 bit/s", "999 bit/s", "1.00 kbit/s", "12.3 Mbit/s", "456 Gbit/s":
 * SI prefixes (1 kbit/s = 1000 bit/s), three significant digits.
 * Cannot fail; buf holds at least UNITS_LEN bytes.
 */
void units_bps(int64_t bps, char buf[UNITS_LEN]);

/* "512 KiB", "1.50 MiB", "23.5 GiB" from KiB: IEC prefixes. Cannot fail. */
void units_kib(uint64_t kib, char buf[UNITS_LEN]);

/* "0 B", "999 B", "1.50 KiB", "12.3 MiB": a size in bytes, IEC. Cannot fail. */
void units_bytes(uint64_t bytes, char buf[UNITS_LEN]);

#endif
