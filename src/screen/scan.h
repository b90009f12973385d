/*
 * scan.h - what the detectors of screen.c, words.c and links.c share: the
 * list they add spans to, character classes of the folded text, and its
 * words with the roles the vocabulary gives them.  Internal to src/screen.
 */
#ifndef KAPSULE_SCREEN_SCAN_H
#define KAPSULE_SCREEN_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "screen/norm.h"
#include "screen/screen.h"

struct found {
	struct screen_span *spans;
	int max, n;
	int overflow;
	const struct screen_allow *allow;
	const struct words *ws; /* the words of the text */
};

void found_add(struct found *f, size_t start, size_t end, enum screen_kind kind, int conf);

static inline int sc_digit(unsigned char c)
{
	return (unsigned)(c - '0') < 10u;
}

static inline int sc_alpha(unsigned char c)
{
	return (unsigned)(c - 'a') < 26u;
}

/* Letters and digits of the folded text (which has no upper case). */
/* What each byte of the folded text is, by bits (a load, not tests and branches between them). */
extern const uint8_t sc_kinds[256];
#define SC_ALNUM 1u /* '0'..'9', 'a'..'z' */
#define SC_LABEL 2u /* a letter, digit or '-': of a host's label */
#define SC_SEP	 4u /* ' ', '-', '.', '/': between the digit groups of a number */

static inline int sc_alnum(unsigned char c)
{
	return sc_kinds[c] & SC_ALNUM;
}

/* A character of a host's label. */
static inline int sc_label(unsigned char c)
{
	return (sc_kinds[c] & SC_LABEL) != 0;
}

/* 1 when c is one of the characters of set (never for NUL, which strchr would find). */
static inline int sc_oneof(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* The next run of letters and digits at or after *s, as [*s, *e); 0 when there is none. */
static inline int sc_next_word(const char *t, size_t n, size_t *s, size_t *e)
{
	size_t i = *s;
	while (i < n && !sc_alnum((unsigned char)t[i]))
		i++;
	if (i >= n)
		return 0;
	size_t k = i;
	while (k < n && sc_alnum((unsigned char)t[k]))
		k++;
	*s = i;
	*e = k;
	return 1;
}

/* Characters of an address's local part. */
static inline int sc_local(unsigned char c)
{
	return sc_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Characters of a handle, or of a word as the tokenizer reads it (plus '_' and '.'). */
static inline int sc_handle(unsigned char c)
{
	return sc_alnum(c) || c == '_' || c == '.';
}

/* A fixed string with its length: F("x"), and how many of them an array holds. */
struct form {
	const char *s;
	size_t n;
};
#define F(x)                                                                                       \
	{                                                                                          \
		x, sizeof(x) - 1                                                                   \
	}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when t[0..n) is one of the forms. */
static inline int one_of(const char *t, size_t n, const struct form *forms, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (forms[i].n == n && forms[i].s[0] == t[0] && memcmp(t, forms[i].s, n) == 0)
			return 1;
	return 0;
}

/* Roles of a vocabulary word; a word may have several. */
#define R_NUMBER   (1ull << 0)	/* a digit's name: zero..nine, oh, nought */
#define R_REPEAT   (1ull << 1)	/* double, triple */
#define R_PRONOUN  (1ull << 2)	/* me, us */
#define R_VERB	   (1ull << 3)	/* call, text, whatsapp ...: "VERB me" invites contact */
#define R_GIVE	   (1ull << 4)	/* give, drop, send, shoot: "give me a call" */
#define R_NOUN	   (1ull << 5)	/* call, ring, line, text, message, email ... */
#define R_FIND	   (1ull << 6)	/* find, follow, add, search, look */
#define R_PLATFORM (1ull << 7)	/* whatsapp, instagram, snap ... */
#define R_PREP	   (1ull << 8)	/* on, via, through, at, in */
#define R_AWAY	   (1ull << 9)	/* directly, outside, off, privately */
#define R_OPERATOR (1ull << 10) /* kapsule, here, app, platform: the operator's channel */
#define R_DET	   (1ull << 11) /* a, an, the, my, our */
#define R_CHANNEL  (1ull << 12) /* website, site, number, email ...: a way to reach someone */
#define R_DOCUMENT (1ull << 13) /* delivery note, invoice, label, card ... */
#define R_REFERENCE                                                                                \
	(1ull << 14) /* order, tracking, invoice, isbn, imei, serial ...: a label of a number */
#define R_PHONEWORD                                                                                \
	(1ull << 15)		  /* tel, phone, mobile, call, ring ...: a label of a phone number \
				   */
#define R_TRADE	     (1ull << 16) /* buy, order, purchase, pay */
#define R_HANDLEWORD (1ull << 17) /* handle, username, user, name, account */
#define R_LOOK	     (1ull << 34) /* look, peek, squiz: "have a look at our site" */
#define R_CHEAPER    (1ull << 35) /* cheaper: "cheaper on our own site" */
#define R_OTHER	     (1ull << 32) /* same, slide, pop, shop: other words that begin a phrase */
#define R_HALF	     (1ull << 33) /* whats, insta, tele ...: the first half of a platform name */
#define R_IS	     (1ull << 18) /* is, as, = : "my snap is jb_2001" */
#define R_SELF	     (1ull << 19) /* my, our */
#define R_NAME	     (1ull << 20) /* name, surname, initials: "my first name at outlook dot com" */
#define R_PLUS	     (1ull << 21) /* plus */
#define R_MAILHOST   (1ull << 22) /* gmail, outlook, hotmail, yahoo, icloud ... */
#define R_WE	     (1ull << 23) /* we're, we, i'm: "we're on instagram" */
#define R_SHOP	     (1ull << 24) /* shop, store, business, company */
#define R_STOP	     (1ull << 25) /* words that are never a handle or a domain label */
#define R_WEAK	     (1ull << 26) /* write, talk, get (in touch): only with a platform after */
#define R_THIRD	     (1ull << 27) /* them, her, the customer: only with a platform after */
#define R_JOIN	     (1ull << 28) /* join: "join our facebook group" */
#define R_GROUP	     (1ull << 29) /* group, channel, community */
#define R_BETTER     (1ull << 30) /* easiest, best, quicker: "whatsapp is easiest" */
#define R_NEG	     (1ull << 31) /* not, never, stop, don't: "please stop emailing me" */

/* A word of the folded text: a run of letters and digits. */
struct tok {
	size_t s, e;	/* bytes [s, e) */
	uint64_t roles; /* R_* of the vocabulary word, 0 for others */
};

/* The roles of t[0..n) as a word (0 when not in the vocabulary). */
uint64_t word_roles(const char *t, size_t n);

/* The digit a number word names ("seven", "oh"), or -1. */
int word_digit(const char *t, size_t n);

/*
 * The words of the folded text, read once by words_read(): each a byte
 * offset, a length and the vocabulary entry it is (eight bytes a word).
 */
struct word {
	uint32_t s;
	uint16_t len;
	uint16_t
	    v; /* 1 + the vocabulary index, 0 for none; WORD_INFLECTED set for "calls" (words.c) */
};
#define WORD_INFLECTED 0x8000u

struct words {
	const char *t;
	size_t n;
	struct word *w;
	uint8_t *cls;	   /* of each word, W_*: which detectors start from it */
	uint64_t first[6]; /* of the first 64 words, bit k of first[c]: word k has class 1 << c */
	size_t count;
	unsigned
	    signs; /* what the text holds at all (WS_*): a detector without its sign is not run */
	int lent;  /* w is the caller's (words_read_in) */
};
#define WS_DIGIT 1u /* a digit */
#define WS_LINKISH                                                                                 \
	4u /* a ':', the word "dot", or a '.' that may join labels ("x.y", "[.]", " . ") */
#define WS_SPACED  8u  /* three one-character words one space apart ("0 7 7", "j a n") */
#define WS_OILY	   16u /* a digit next to an o, i or l ("O77OO") */
#define WS_ATSIGN  32u /* an '@' */
#define WS_DIGITS8 64u /* eight digits or more, as a phone number written in digits needs */

/* What a word may begin, so that each detector visits only its own words (ws_next). */
#define W_DIGIT	 1u  /* a number: starts with a digit (or an o, i, l in a text with O77OO) */
#define W_LINK	 2u  /* a link: followed by a character that may join labels (links.c) */
#define W_START	 4u  /* a phrase (find_words) */
#define W_NAMED	 8u  /* a handle named by its platform: "IG: x", "my snap is x" */
#define W_NUMBER 16u /* a number in words: "seven", "double", "plus" */
#define W_AT	 32u /* the word "at" */
/* While the words are read (words.c): a run to look up, a run with an apostrophe after. */
#define W_ANCHOR     64u
#define W_APOSTROPHE 128u

/* The first of cls[i..count) that has one of the classes in bits; count if none. */
static inline size_t cls_next(const uint8_t *cls, size_t i, size_t count, unsigned bits)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight at a time (cls has eight zero bytes past count), the lowest byte first. */
	const uint64_t spread = 0x0101010101010101ull * (uint8_t)bits;
	for (; i < count; i += 8) {
		uint64_t x;
		memcpy(&x, cls + i, 8);
		if ((x &= spread)) {
			size_t k = i + (size_t)__builtin_ctzll(x) / 8;
			return k < count ? k : count;
		}
	}
	return count;
#else
	while (i < count && !(cls[i] & bits))
		i++;
	return i < count ? i : count;
#endif
}

/*
 * The first word at or after i that has the class bit (one W_* of the
 * six above); ws->count if none.  The first 64 words from their marks
 * (struct words), without a loop; the others from their class bytes.
 */
static inline size_t ws_next(const struct words *ws, size_t i, unsigned bit)
{
	if (i < 64) {
		uint64_t x = ws->first[__builtin_ctz(bit)] >> i;
		if (x)
			return i + (size_t)__builtin_ctzll(x);
		if (ws->count <= 64)
			return ws->count;
		i = 64;
	}
	return cls_next(ws->cls, i, ws->count, bit);
}

/*
 * Reads the words of t[0..n), which must be followed by NORM_PAD zero
 * bytes (norm.h pads the folded text so), into the caller's room
 * for `cap` words (and cap + 64 classes) when that is enough; KERR_INTERNAL
 * when out of memory.
 */
enum kerr words_read_in(const char *t, size_t n, struct words *ws, struct word *room,
			uint8_t *room_cls, size_t cap);
void words_free(struct words *ws);

/* Word i as a struct tok. */
void tok_get(const struct words *ws, size_t i, struct tok *w);

/* The index of the first word starting at or after byte pos (ws->count if none). */
size_t tok_find(const struct words *ws, size_t pos);

/* 1 when one of the up to `words` words before byte pos has one of roles. */
int words_before(const struct words *ws, size_t pos, int words, uint64_t roles);

/* Top-level domains people write addresses and links with. */
int known_tld(const char *t, size_t n);

/* Ways of writing '@' and '.' out; the length of the form t[0..n) starts with, or 0. */
size_t at_form(const char *t, size_t n);
size_t dot_form(const char *t, size_t n, int plain);

/*
 * A host name starting at t[i] whose dots may be written out: returns its
 * end and the number of labels, 0 when the labels do not end in a known
 * top-level domain.  *written is set when a dot was written out.
 */
size_t host_at(const char *t, size_t n, size_t i, int *labels, int *written);

/* Words of a sentence that are never an address's local part: "us at", "up at". */
#define SENTENCE                                                                                   \
	(R_PRONOUN | R_STOP | R_DET | R_PREP | R_IS | R_WE | R_NEG | R_AWAY | R_BETTER |           \
	 R_OPERATOR | R_THIRD)

/* 1 when t[0..n) is a word standing for a name ("firstname"): a detail described. */
int described(const char *t, size_t n);

/*
 * At t[i] a written "at" begins (" at ", "(at)", " @ " ...): 1 with the
 * address's bytes [*start, *end) when the words around it make an address
 * ("jane at gmail dot com"), 2 when they describe one ("my first name at
 * outlook dot com"), 0 otherwise ("us at janescandles.co.uk" is a link).
 */
int address_at(const char *t, size_t n, size_t i, const struct screen_allow *a, size_t *start,
	       size_t *end);

/* 1 when host t[0..n) is, or is under, one of the operator's domains. */
int allowed_host(const struct screen_allow *a, const char *t, size_t n);
int allowed_email(const struct screen_allow *a, const char *t, size_t n);

void find_words(struct found *f);
void find_links(const char *t, size_t n, struct found *f);

#endif
