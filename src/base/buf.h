/*
 * buf.h - the growable byte buffer and the pointer+length slice used
 * everywhere in the program.
 *
 * A struct buf owns its bytes (malloc'd) and keeps them NUL-terminated so
 * that they can be passed to C string functions; len never counts the NUL.
 * Every buffer has a hard cap (max): appending past it fails with
 * KERR_TOO_LARGE and leaves the buffer as it was, so input-sized buffers can
 * never grow without bound.  Small allocation failures abort the program
 * (see xmalloc); they mean the machine is out of memory.
 *
 * A struct slice borrows bytes owned by someone else.
 */
#ifndef KAPSULE_BASE_BUF_H
#define KAPSULE_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct buf {
	char *data; /* NULL until the first append; then NUL-terminated */
	size_t len; /* bytes in use, excluding the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* most bytes len may reach; 0 means BUF_DEFAULT_MAX */
};

struct slice {
	const char *p; /* first byte, may be NULL when n is 0 */
	size_t n;      /* number of bytes */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Initialises b as empty with the cap max (0: BUF_DEFAULT_MAX). */
void buf_init(struct buf *b, size_t max);
/* Frees b's bytes; b is left empty and may be reused. Safe on a zeroed buf. */
void buf_free(struct buf *b);
/* Empties b without freeing. */
void buf_reset(struct buf *b);
/* Makes room for n more bytes without appending; KERR_TOO_LARGE past the cap. */
enum kerr buf_reserve(struct buf *b, size_t n);
/* Appends n bytes. Fails with KERR_TOO_LARGE past the cap, changing nothing. */
enum kerr buf_append(struct buf *b, const void *p, size_t n);
enum kerr buf_append_str(struct buf *b, const char *s);
enum kerr buf_append_char(struct buf *b, char c);
enum kerr buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum kerr buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hands b's bytes to the caller (who frees them) and empties b. Never NULL. */
char *buf_steal(struct buf *b);
/* b's bytes as a C string; "" for an empty buffer. */
const char *buf_cstr(const struct buf *b);

/* malloc/realloc/strdup that abort with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Slice helpers. */
struct slice slice_from(const char *s); /* s may be NULL: an empty slice */
struct slice slice_trim(struct slice s);
/*
 * The next item of a list separated by sep ("a,b,c"): *item gets the bytes
 * up to the next sep or the end, *rest what follows.  0 when *rest is empty
 * (no item; a list never ends in an empty one).
 */
int slice_split(struct slice *rest, char sep, struct slice *item);

/*
 * Parses all of s as a decimal int64 within [min, max]. Returns 0 and sets
 * *out, or -1 for empty input, other characters, or a value out of range.
 */
int parse_i64(struct slice s, int64_t min, int64_t max, int64_t *out);

#endif
