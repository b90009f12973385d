/*
 * utf8.h - strict UTF-8 validation.
 *
 * Accepted: the shortest encoding of each scalar value U+0000..U+10FFFF
 * other than the surrogates.  Rejected: overlong forms, surrogates, values
 * past U+10FFFF, truncated sequences and stray continuation bytes.
 */
#ifndef KAPSULE_BASE_UTF8_H
#define KAPSULE_BASE_UTF8_H

#include <stddef.h>

/* 1 if p[0..n) is valid UTF-8, else 0. */
int utf8_valid(const char *p, size_t n);

/*
 * 1 if p[0..n) is valid UTF-8 text for a person to read: no NUL and no
 * control characters (C0, DEL or C1) other than tab, line feed and carriage
 * return.
 */
int utf8_valid_text(const char *p, size_t n);

/* Number of code points in valid UTF-8 p[0..n). */
size_t utf8_length(const char *p, size_t n);

/*
 * Largest prefix length <= max of valid UTF-8 p[0..n) that does not cut a
 * character in two; for truncating text shown in lists.
 */
size_t utf8_prefix(const char *p, size_t n, size_t max);

#endif
