/* apijson.h - the JSON objects `resmon ... --json` and the API both give */
/* SPDX-License-Identifier: MIT */
#ifndef RESMON_APIJSON_H
#define RESMON_APIJSON_H

struct ctl_status;
struct daylist;
struct json_object;

/*
 * Every function returns a new JSON object the caller releases with
 * json_object_put(); none can fail (json-c aborts when out of memory).
 */

/*
 * s with every byte that is not UTF-8 replaced by U+FFFD, for a JSON key
 * or a Prometheus label. Returns a string the caller frees.
 */
char *apijson_utf8(const char *s);

/*
 * s as a JSON string, a byte that is not UTF-8 replaced by U+FFFD (an
 * interface name is any bytes the kernel took), so the output parses.
 */
struct json_object *apijson_string(const char *s);

/*
 * resmond's status (GET /api/v1/recorder, resmon status --json): times
 * as epoch seconds, null when not set.
 */
struct json_object *apijson_status(const struct ctl_status *st);

/*
 * The day files (GET /api/v1/days, resmon days --json): an array of
 * {date, size_bytes, rows, first_time, last_time, interfaces}, with
 * null fields and an "error" for a day that cannot be read.
 */
struct json_object *apijson_daylist(const struct daylist *l);

#endif
