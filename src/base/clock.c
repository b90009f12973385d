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

int clock_advance(int64_t ms)
{
	/* Ten years at a time at most: the clock must never wrap. */
	if (!atomic_load(&test_on) || ms < 0 || ms > 10LL * 366 * 86400000 ||
	    atomic_load(&test_offset) > INT64_MAX / 4)
		return -1;
	atomic_fetch_add(&test_offset, ms);
	return 0;
}

/*
 * Civil date from days since 1970-01-01 (proleptic Gregorian), after Howard
 * Hinnant's days_from_civil inverse: no tables, no locale, no locks, which
 * matters because every time in every reply is formatted here.
 */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void clock_format(int64_t ms, char out[32])
{
	int64_t secs = ms / 1000, frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days -= 1;
	}
	int64_t y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	if (y < 0)
		y = 0; /* years outside 0..9999 cannot be written in this form */
	if (y > 9999)
		y = 9999;
	/* YYYY-MM-DDTHH:MM:SS.mmmZ */
	put2(out, (unsigned)(y / 100));
	put2(out + 2, (unsigned)(y % 100));
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, (unsigned)(rem / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(rem / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(rem % 60));
	out[19] = '.';
	out[20] = (char)('0' + frac / 100);
	put2(out + 21, (unsigned)(frac % 100));
	out[23] = 'Z';
	out[24] = '\0';
}

void clock_format_minute(int64_t ms, char out[32])
{
	char full[32];
	clock_format(ms, full); /* "2026-11-27T14:05:09.000Z" */
	snprintf(out, 32, "%.10s %.5s UTC", full, full + 11);
}
