/*
 * test_clock.c - formatting times: RFC 3339 for machines, to the minute for people.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"

static void test_formats(void **state)
{
	(void)state;
	char out[32];
	/* 2026-11-27 14:05:09.123 UTC */
	int64_t ms = 1795788309123LL;
	clock_format(ms, out);
	assert_string_equal(out, "2026-11-27T14:05:09.123Z");
	clock_format_minute(ms, out);
	assert_string_equal(out, "2026-11-27 14:05 UTC");
	clock_format_minute(0, out);
	assert_string_equal(out, "1970-01-01 00:00 UTC");
	clock_format_minute(-1, out); /* a millisecond before the epoch */
	assert_string_equal(out, "1969-12-31 23:59 UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
