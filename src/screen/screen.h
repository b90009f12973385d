/*
 * screen.h - finding and removing contact details in text.
 *
 * Pure functions over UTF-8 text: no I/O, no allocation per character,
 * work linear in the input.  screen_find() reports spans as byte offsets
 * into the text; screen_redact() replaces them.
 *
 * This engine knows e-mail addresses, international and national phone
 * numbers written with digits, and the registered details of one party
 * (screen_party) in any letter case and, for phones, with any separators.
 * It reads the text folded by norm.h (compatibility forms, case, accents,
 * digits of other scripts, look-alike letters, invisible characters), and
 * reports spans of the original text.
 */
#ifndef KAPSULE_SCREEN_SCREEN_H
#define KAPSULE_SCREEN_SCREEN_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum screen_kind {
	SCREEN_PHONE,	     /* a telephone number */
	SCREEN_EMAIL,	     /* an e-mail address */
	SCREEN_URL,	     /* a link or bare domain */
	SCREEN_HANDLE,	     /* a social or messaging handle */
	SCREEN_SOLICITATION, /* an invitation to talk elsewhere */
	SCREEN_KNOWN,	     /* a registered detail of the party: name, address */
};

struct screen_span {
	size_t start, end;     /* byte offsets, end exclusive */
	enum screen_kind kind; /* what was found */
	int confidence;	       /* 0..100 */
};

/* Registered details of one party to look for; any field may be NULL. */
struct screen_party {
	const char *email;
	const char *phone;
	const char *last_name; /* a whole word, at least two letters */
	const char *address;   /* each comma-separated part of four or more characters */
};

/* The kind's name as the command and the API write it ("phone", ...). */
const char *screen_kind_name(enum screen_kind k);

#define SCREEN_MAX_INPUT ((size_t)1 << 20)
#define SCREEN_MAX_SPANS 256

/*
 * Finds spans in text[0..n), sorted by start and not overlapping, into
 * spans[0..max).  party may be NULL.  Returns KERR_OK with the count in *count;
 * KERR_TOO_LARGE past SCREEN_MAX_INPUT bytes; KERR_LIMIT when more than max
 * spans are found or the text folds to more than three times its length
 * (norm.h); screen_redact_text then withholds the whole text.
 */
enum kerr screen_find(const char *text, size_t n, const struct screen_party *party,
		      struct screen_span *spans, int max, int *count);

/*
 * Appends text[0..n) to out with each span replaced by
 * "[contact details removed]".  Spans must be sorted and disjoint.
 */
enum kerr screen_redact(const char *text, size_t n, const struct screen_span *spans, int count,
			struct buf *out);

/* screen_find then screen_redact; *removed gets the number of spans. */
enum kerr screen_redact_text(const char *text, size_t n, const struct screen_party *party,
			     struct buf *out, int *removed);

#endif
