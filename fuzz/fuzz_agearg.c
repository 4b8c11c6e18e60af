/* fuzz_agearg.c - libFuzzer target: AGE arguments, agearg_parse() */
/* SPDX-License-Identifier: MIT */
#include "config.h"

#include "agearg.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seconds s spells, counted here digit by digit; 0 when not an age. */
static uint64_t
expected_age(const char *s)
{
	size_t digits = strspn(s, "0123456789"), i;
	uint64_t n = 0, unit;

	if (digits == 0 || s[digits] == '\0' || s[digits + 1] != '\0')
		return 0;
	switch (s[digits]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return 0;
	}
	for (i = 0; i < digits; i++) {
		/* Past the limit already: any more digits only grow it. */
		if (n > AGEARG_MAX_S)
			return 0;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n == 0 || n > AGEARG_MAX_S / unit)
		return 0;
	return n * unit;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	uint64_t age = 12345, want = expected_age(s);
	struct errmsg err;

	if (agearg_parse(s, &age, &err) == 0) {
		FUZZ_CHECK(age >= 1 && age <= AGEARG_MAX_S);
		FUZZ_CHECK(age == want);
	} else {
		FUZZ_CHECK(want == 0);
		FUZZ_CHECK(err.code == EINVAL);
		FUZZ_CHECK(age == 12345);
		FUZZ_CHECK(strncmp(err.msg, "bad age \"", 9) == 0);
	}
	free(s);
	return 0;
}
