/*
 * clock.h - the time source of the program.
 *
 * Everything that stores or compares times asks clock_now_ms(), so tests can
 * move time forward instead of sleeping.  The test clock is off unless the
 * configuration turns it on; when on, it is the real time plus an offset
 * that only moves forward.
 */
#ifndef KAPSULE_BASE_CLOCK_H
#define KAPSULE_BASE_CLOCK_H

#include <stdint.h>

/* Wall-clock milliseconds since the Unix epoch, plus the test offset. */
int64_t clock_now_ms(void);
/* Monotonic microseconds, for measuring durations only. */
int64_t clock_mono_us(void);
/* Turns the test clock's offset on (1) or off (0). */
void clock_enable_test(int on);
/*
 * Moves the test clock forward by ms (0 to ten years). Returns 0, or -1 when
 * the test clock is off or ms is out of range.
 */
int clock_advance(int64_t ms);
/*
 * Formats ms since the epoch as RFC 3339 UTC with milliseconds into out[32]:
 * always 24 characters ("2026-11-26T10:00:00.000Z") and a NUL; years are
 * clamped to 0000..9999.
 */
void clock_format(int64_t ms, char out[32]);
/* Formats ms since the epoch as people read it, to the minute: "2026-11-27 14:05 UTC". */
void clock_format_minute(int64_t ms, char out[32]);

#endif
