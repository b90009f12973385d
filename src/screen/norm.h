/*
 * norm.h - the text the detectors read: Unicode folded to what a reader
 * sees, with a way back to the original bytes.
 *
 * norm_text() rewrites UTF-8 so that disguises built from look-alike
 * characters fall away: compatibility forms (full-width and mathematical
 * letters and digits, ligatures) become their plain forms (NFKC), letters
 * are case-folded and lose their accents, decimal digits of every script
 * become 0-9, Cyrillic and Greek letters that look Latin become Latin,
 * zero-width characters and soft hyphens disappear, every dash becomes
 * '-', and every kind of space becomes ' '.  Each output byte remembers
 * the input byte offset of the character it came from, so spans found in
 * the output map back to spans of the input.
 *
 * Work is linear in the input; memory is allocated per call, never per
 * character, and stays within a few times the input.
 */
#ifndef KAPSULE_SCREEN_NORM_H
#define KAPSULE_SCREEN_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct norm {
	char *text;	/* the folded text, NUL-terminated */
	uint32_t *from; /* from[i]: input offset of the character output byte i came from */
	size_t n;	/* bytes in text */
	size_t cap;	/* allocated */
	const char *src;
	size_t srcn; /* the input */
};

/*
 * Folds src[0..n) into out (which norm_free releases).  KERR_LIMIT when the
 * folded text would pass three times the input (see norm.c): nothing is
 * left unfolded, the text just cannot be screened.
 */
enum kerr norm_text(const char *src, size_t n, struct norm *out);
void norm_free(struct norm *nm);

/* The input span [*start, *end) that output bytes [s, e) came from. */
void norm_span(const struct norm *nm, size_t s, size_t e, size_t *start, size_t *end);

#endif
