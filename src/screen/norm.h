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
 * the output map back to spans of the input (kept as runs, not per byte).
 *
 * Work is linear in the input; memory is allocated per call, never per
 * character, and stays within a few times the input.
 */
#ifndef KAPSULE_SCREEN_NORM_H
#define KAPSULE_SCREEN_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * Where output bytes came from, as runs: output bytes from `out` on came
 * from input bytes from `in` on, one for one (an ASCII run), or all from
 * the one input character at `in` (NORM_ONE set: a folded character).
 */
struct norm_seg {
	uint32_t out, in;
};
#define NORM_ONE 0x80000000u

/* Zero bytes after the folded text's NUL, so that it can be read 64 bytes at a time. */
#define NORM_PAD 64

struct norm {
	char *text; /* the folded text, NUL-terminated, then NORM_PAD more zero bytes */
	size_t n;   /* bytes in text */
	size_t cap; /* allocated */
	struct norm_seg *segs;
	size_t nsegs, segcap;
	/*
	 * When set, the input offset of each output byte instead of runs: for
	 * text the runs would not save on (alternating scripts), and after
	 * norm_closed().
	 */
	uint32_t *from;
	struct norm_seg cur; /* while folding into from: where the bytes now written come from */
	const char *src;
	size_t srcn; /* the input */
	/* Room the caller lent for short texts (norm_text_in), used before any allocation. */
	char *lent_text;
	struct norm_seg *lent_segs;
};

/* Room for short texts, lent by the caller (on its stack) so that they need no allocation. */
struct norm_room {
	char text[2048];
	struct norm_seg segs[64];
};

/*
 * Folds src[0..n) into out (which norm_free releases).  KERR_LIMIT when the
 * folded text would pass three times the input (see norm.c): nothing is
 * left unfolded, the text just cannot be screened.
 */
enum kerr norm_text(const char *src, size_t n, struct norm *out);
/* norm_text() starting in room, which must outlive out. */
enum kerr norm_text_in(const char *src, size_t n, struct norm *out, struct norm_room *room);
void norm_free(struct norm *nm);

/* The input offset of the character output byte i came from. */
size_t norm_from(const struct norm *nm, size_t i);

/*
 * Turns the runs into one offset per output byte (nm->from), so that the
 * text can be edited in place with nm->from moved alongside it;
 * KERR_INTERNAL when out of memory.
 */
enum kerr norm_closed(struct norm *nm);

/* The input span [*start, *end) that output bytes [s, e) came from. */
void norm_span(const struct norm *nm, size_t s, size_t e, size_t *start, size_t *end);

#endif
