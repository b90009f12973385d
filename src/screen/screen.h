/*
 * screen.h - finding and removing contact details in text.
 *
 * Pure functions over UTF-8 text: no I/O, no allocation per character,
 * work linear in the input.  screen_find() reports spans as byte offsets
 * into the text; screen_redact() replaces them.
 *
 * Five kinds of finding: phone numbers (with digits, in words or both),
 * e-mail addresses (also with "at" and "dot" written out), links and bare
 * domains, handles, and solicitations (invitations to talk or trade
 * elsewhere), plus the registered details of one party (screen_party).
 * The detectors read the text folded by norm.h (compatibility forms, case,
 * accents, digits of other scripts, look-alike letters, invisible
 * characters) with letters spaced out closed up, and report spans of the
 * original text.  Numbers that belong in order talk (references, tracking
 * numbers, barcodes, dates, prices) are told apart by their shape and the
 * words before them.  See docs/screening.md.
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
	const char *last_name;	   /* a whole word, at least two letters */
	const char *address;	   /* each comma-separated part of four or more characters */
	const char *const *others; /* websites and handles ("@janemakes"), as whole words */
	int nothers;
};

/*
 * The operator's own addresses and links, which are never findings: a host
 * in domains allows itself and every host under it, with any path; an
 * address in emails allows that address.  Lower case.
 */
struct screen_allow {
	const char *const *domains;
	int ndomains;
	const char *const *emails;
	int nemails;
};

/* kapsule.co.uk and support@kapsule.co.uk. */
extern const struct screen_allow screen_allow_default;

/*
 * Sets what screen_find allows from now on (NULL: the default).  Called once
 * at start-up, before any thread screens; a is not copied.
 */
void screen_allow_set(const struct screen_allow *a);

/* The kind's name as the command and the API write it ("phone", ...). */
const char *screen_kind_name(enum screen_kind k);

#define SCREEN_MAX_INPUT  ((size_t)1 << 20)
#define SCREEN_MAX_SPANS  256
#define SCREEN_MAX_OTHERS 32 /* screen_party.others past this are not looked for */

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
 * screen_find without the merging: every finding on its own, sorted by
 * start, overlaps kept (a number inside a link is the link and the number;
 * a registered handle inside an address is both).  For comparing details.
 */
enum kerr screen_find_each(const char *text, size_t n, const struct screen_party *party,
			   struct screen_span *spans, int max, int *count);

/*
 * Merges findings of screen_find_each as screen_find does: sorted, and
 * overlapping ones made one span of the stronger kind.  Returns the count.
 */
int screen_merge(struct screen_span *spans, int n);

/*
 * Appends text[0..n) to out with each span replaced by
 * "[contact details removed]".  Spans must be sorted and disjoint.
 */
enum kerr screen_redact(const char *text, size_t n, const struct screen_span *spans, int count,
			struct buf *out);

/*
 * The value of a finding, for telling whether two findings are the same
 * detail however each was written, into out (NUL-terminated, cut at cap):
 *   phone   its digits, number words read as digits, without a country code
 *           44 or trunk 0 ("7700900123")
 *   email   the address with "at" and "dot" written as '@' and '.', no spaces
 *   url     the host without "www." ("janescandles.co.uk")
 *   handle  the name without '@'
 * and the folded text of other kinds.  KERR_BAD_VALUE for a span outside text.
 */
enum kerr screen_value(const char *text, size_t n, const struct screen_span *sp, char *out,
		       size_t cap);

/*
 * Calls each() for every run of digits in text of at least seven digits:
 * digits of any script, number words ("oh seven", "double nine") and O, I,
 * l in words of digits, joined by at most three of " -./()+,:?=&#_" (so a
 * number inside a link is a run too).  start and end are bytes of text;
 * digits is the run's digits.  For finding a known number however written.
 */
enum kerr screen_digit_runs(const char *text, size_t n,
			    void (*each)(void *ctx, size_t start, size_t end, const char *digits),
			    void *ctx);

/* screen_find then screen_redact; *removed gets the number of spans. */
enum kerr screen_redact_text(const char *text, size_t n, const struct screen_party *party,
			     struct buf *out, int *removed);

#endif
