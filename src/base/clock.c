/*
 * clock.c - real and test time.  The offset is an atomic so that request
 * threads and the scheduler read it without a lock.
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_int test_on;
static _Atomic int64_t test_offset;

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (atomic_load_explicit(&test_on, memory_order_relaxed))
		ms += atomic_load(&test_offset);
	return ms;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_enable_test(int on)
{
	atomic_store(&test_on, on ? 1 : 0);
}

int clock_test_enabled(void)
{
	return atomic_load(&test_on);
}

int clock_advance(int64_t ms)
{
	if (!atomic_load(&test_on) || ms < 0)
		return -1;
	atomic_fetch_add(&test_offset, ms);
	return 0;
}

void clock_format(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	/* Years past 9999 cannot be stored (clock_now_ms is bounded by the OS). */
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999)
		year = year < 0 ? 0 : 9999;
	char tmp[96];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	snprintf(out, 32, "%.31s", tmp);
}
