/*
 * screen.c - contact-detail finding.  Three passes over the text: e-mail
 * addresses around each '@', runs of digits and phone separators, and the
 * party's registered details; the results are merged into sorted, disjoint
 * spans.
 */
#include "screen/screen.h"

#include "screen/norm.h"
#include "screen/scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REDACTED "[contact details removed]"

static const char *const default_domains[] = {"kapsule.co.uk"};
static const char *const default_emails[] = {"support@kapsule.co.uk"};
const struct screen_allow screen_allow_default = {default_domains, 1, default_emails, 1};
static const struct screen_allow *allowed = &screen_allow_default;

void screen_allow_set(const struct screen_allow *a)
{
	allowed = a ? a : &screen_allow_default;
}

void found_add(struct found *f, size_t start, size_t end, enum screen_kind kind, int conf)
{
	if (end <= start)
		return;
	if (f->n >= f->max) {
		f->overflow = 1;
		return;
	}
	f->spans[f->n++] = (struct screen_span){start, end, kind, conf};
}

#define add found_add

static int is_domain(unsigned char c)
{
	return sc_alnum(c) || c == '.' || c == '-';
}

static void find_emails(const char *t, size_t n, struct found *f)
{
	for (const char *p = memchr(t, '@', n); p;
	     p = memchr(p + 1, '@', n - (size_t)(p + 1 - t))) {
		size_t i = (size_t)(p - t);
		size_t s = i;
		while (s > 0 && sc_local((unsigned char)t[s - 1]))
			s--;
		while (s < i && t[s] == '.')
			s++;
		size_t e = i + 1;
		while (e < n && is_domain((unsigned char)t[e]))
			e++;
		while (e > i + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
			e--;
		const char *dot = NULL;
		for (size_t k = i + 1; k < e; k++)
			if (t[k] == '.')
				dot = t + k;
		if (s < i && dot && dot > t + i + 1 && (size_t)(t + e - dot) >= 3 &&
		    !allowed_email(f->allow, t + s, e - s) && !described(t + s, i - s))
			add(f, s, e, SCREEN_EMAIL, 95);
	}
}

/* Separators inside a written phone number. */
static int is_sep(unsigned char c)
{
	return (sc_kinds[c] & SC_SEP) != 0;
}

/*
 * 1 when the text just before i is a digit, or a digit and one separator:
 * a number starting at i would be the tail of a longer run (a date such as
 * 2024-01-15, or digits glued to more digits).
 */
static int follows_digits(const char *t, size_t i)
{
	if (i == 0)
		return 0;
	if (sc_digit((unsigned char)t[i - 1]))
		return 1;
	return i >= 2 && is_sep((unsigned char)t[i - 1]) && sc_digit((unsigned char)t[i - 2]);
}

#define MAX_GROUPS 24

/* A run of digit groups read by read_number. */
struct number {
	size_t end;	     /* past the last digit */
	int digits;	     /* how many */
	int groups;	     /* how many groups (at most MAX_GROUPS counted) */
	int len[MAX_GROUPS]; /* digits in each of the first groups */
	int singles;	     /* 1 when each of the first groups has one digit ("0 7 7 0 0") */
	int bracketed;	     /* the first group was in brackets: (01632) */
	int closed;	     /* ... and the bracket was closed */
	int inner;	     /* ... with digits after it: (01632) 960 123 */
};

/* The end of the run of digits t[e..n) starts with: eight bytes at a time where there are eight. */
static size_t digits_end(const char *t, size_t e, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t highs = 0x8080808080808080ull, ones = 0x0101010101010101ull;
	for (; e + 8 <= n; e += 8) {
		uint64_t x;
		memcpy(&x, t + e, 8);
		uint64_t low =
		    x & ~highs; /* seven bits a byte: no carry from one byte to the next */
		uint64_t from0 = (low + ones * (0x80 - '0')) & highs;	  /* at least '0' */
		uint64_t past9 = (low + ones * (0x80 - '9' - 1)) & highs; /* past '9' */
		uint64_t other = ~(from0 & ~past9 & ~x) & highs;	  /* not a digit */
		if (other)
			return e + (size_t)__builtin_ctzll(other) / 8;
	}
#endif
	while (e < n && sc_digit((unsigned char)t[e]))
		e++;
	return e;
}

/*
 * Reads digit groups from e (just past a '+' or '(' if any): groups joined
 * by up to three separators (space, hyphen, dot, slash) or a bracket.
 */
static void read_number(const char *t, size_t n, size_t e, int bracket, struct number *x)
{
	/* len[] is written as groups are read: only the first x->groups are ever read */
	x->digits = x->groups = x->closed = x->inner = 0;
	x->singles = 1;
	x->end = e;
	x->bracketed = bracket;
	while (e < n) {
		if (sc_digit((unsigned char)t[e])) { /* a group: its digits in one go */
			size_t g = e;
			e = digits_end(t, e, n);
			if (x->groups < MAX_GROUPS) {
				x->len[x->groups] = (int)(e - g);
				x->singles &= e - g == 1;
			}
			x->groups++;
			x->digits += (int)(e - g);
			x->end = e;
			if (e >= n)
				break;
		}
		unsigned char d = (unsigned char)t[e];
		size_t k = e;
		if (bracket && d == ')') {
			bracket = 0;
			x->closed = 1;
			k++;
			size_t g = k;
			while (g < n && g - k < 3 && is_sep((unsigned char)t[g]))
				g++;
			x->inner = g < n && sc_digit((unsigned char)t[g]);
		}
		size_t seps = 0;
		while (k < n && seps < 3 && is_sep((unsigned char)t[k]))
			k++, seps++;
		/* "07700 900123 / 020 7946 0958": a wide separator after a whole number ends it. */
		if (seps > 1 && x->digits >= 10)
			break;
		if (!bracket && k + 1 < n && t[k] == '(' && sc_digit((unsigned char)t[k + 1]) &&
		    seps) {
			bracket = 1;
			k++;
		}
		if (k > e && k < n && sc_digit((unsigned char)t[k])) {
			e = k;
			continue;
		}
		break;
	}
}

/* 1 when the groups are a North American number: 3-3-4, or 1-3-3-4. */
static int north_american(const char *t, size_t s, const struct number *x)
{
	const int *g = x->len;
	if (x->groups == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4)
		return t[s] >= '2' && t[s] <= '9';
	return x->groups == 4 && g[0] == 1 && t[s] == '1' && g[1] == 3 && g[2] == 3 && g[3] == 4;
}

/* 1 when t[s..e) begins like a date: 05/01/2025, 2025-01-05, 05.01.25. */
static int dated(const char *t, size_t s, size_t e)
{
	size_t g[3] = {0}, k = s;
	char sep = 0;
	for (int i = 0; i < 3; i++) {
		while (k < e && sc_digit((unsigned char)t[k]))
			g[i]++, k++;
		if (i < 2) {
			if (k >= e || (sep && t[k] != sep) ||
			    (t[k] != '/' && t[k] != '-' && t[k] != '.'))
				return 0;
			sep = t[k++];
		}
	}
	return (g[0] <= 2 && g[1] <= 2 && (g[2] == 2 || g[2] == 4)) ||
	       (g[0] == 4 && g[1] <= 2 && g[2] <= 2);
}

/* 1 when the word before s, across one space, mixes letters and digits ("1Z 4E5 67F 03 ..."). */
static int after_code(const char *t, size_t s)
{
	if (s < 2 || t[s - 1] != ' ')
		return 0;
	size_t k = s - 1;
	int digits = 0, letters = 0;
	while (k > 0 && sc_alnum((unsigned char)t[k - 1])) {
		k--;
		digits += sc_digit((unsigned char)t[k]);
		letters += !sc_digit((unsigned char)t[k]);
	}
	return digits && letters;
}

/*
 * Phone numbers written with digits: "+" and 8 to 15 digits; "00" and 11 to
 * 15; a national number of 10 or 11 digits starting with 0; a North
 * American 3-3-4.  Groups are joined by separators or brackets round the
 * area code; the number is not glued to letters or to more digits.  What
 * is not one: dates and times (too few digits, or inside a longer run),
 * barcodes and tracking numbers (too many), ISBNs (a last group of one
 * digit), and numbers labelled as references ("order", "tracking",
 * "IMEI", ...) unless a phone word is nearer.
 */
static void find_phones(const char *t, size_t n, struct found *f)
{
	/* Numbers start at a word (of digits) or at a '+' or '(' just before one. */
	const struct words *ws = f->ws;
	size_t done = 0; /* the end of the last number read */
	for (size_t wi = ws_next(ws, 0, W_DIGIT); wi < ws->count;
	     wi = ws_next(ws, wi + 1, W_DIGIT)) {
		size_t i = ws->w[wi].s;
		if (i < done || !sc_digit((unsigned char)t[i]))
			continue;
		if (i > 0 && (t[i - 1] == '+' || t[i - 1] == '('))
			i--;
		unsigned char c = (unsigned char)t[i];
		int plus = c == '+' && i + 1 < n && sc_digit((unsigned char)t[i + 1]);
		int bracket = c == '(' && i + 1 < n && sc_digit((unsigned char)t[i + 1]);
		if (!(plus || bracket || sc_digit(c)) ||
		    (i > 0 && sc_alnum((unsigned char)t[i - 1])) || follows_digits(t, i) ||
		    (i > 0 && (t[i - 1] == '/' || t[i - 1] == '#')))
			continue;
		struct number x;
		read_number(t, n, i + (plus || bracket), bracket, &x);
		/* "(07700 900123, ..." or "(07700 900123)": the bracket is not the number's */
		if (bracket && (!x.closed || !x.inner)) {
			i++;
			bracket = 0;
			read_number(t, n, i, 0, &x);
		}
		size_t s = i + (plus || bracket ? 1 : 0);
		/* Glued to letters, an address, or a time ("05/01/2025 15:10"). */
		int glued =
		    x.end < n &&
		    (sc_alnum((unsigned char)t[x.end]) || t[x.end] == '@' ||
		     (x.end + 1 < n && (t[x.end] == ':' || t[x.end] == '.' || t[x.end] == '/') &&
		      sc_digit((unsigned char)t[x.end + 1])));
		int last_one = x.groups >= 3 && x.groups <= MAX_GROUPS &&
			       x.len[x.groups - 1] == 1 && !x.singles;
		int ok = 0, conf = 85;
		if (plus)
			ok = x.digits >= 8 && x.digits <= 15;
		else if (t[s] == '0' && s + 1 < n && t[s + 1] == '0')
			ok = x.digits >= 11 && x.digits <= 15 && !last_one && x.groups > 1;
		else if (t[s] == '0')
			ok = x.digits >= 10 && x.digits <= 11 && !last_one;
		else if (x.groups > 1 && north_american(t, s, &x))
			ok = 1, conf = 70;
		if (ok && (dated(t, i, x.end) || after_code(t, i)))
			ok = 0;
		if (ok && !plus && words_before(f->ws, i, 3, R_REFERENCE) &&
		    !words_before(f->ws, i, 2, R_PHONEWORD | R_PRONOUN))
			ok = 0;
		if (ok && !glued)
			add(f, i, x.end, SCREEN_PHONE, conf);
		done = x.end;
	}
}

/* The digit c is, with the letters o, i and l read as 0, 1 and 1. */
static char plain_digit(char c)
{
	return c == 'o' ? '0' : c == 'i' || c == 'l' ? '1' : c;
}

/*
 * 1 when t[0..n) is digits, or digits with the letters o, i and l among
 * them ("9OO", "I74"); *letters gets how many such letters.
 */
static int digits_in_disguise(const char *t, size_t n, int *letters)
{
	int real = 0;
	*letters = 0;
	for (size_t k = 0; k < n; k++) {
		if (sc_digit((unsigned char)t[k]))
			real++;
		else if (t[k] == 'o' || t[k] == 'i' || t[k] == 'l')
			++*letters;
		else
			return 0;
	}
	return real > 0;
}

/*
 * A copy of t[0..n) for find_phones, with the letters o, i and l read as
 * 0, 1 and 1 in words of digits and those letters only ("O77OO 9OO I74");
 * t itself when there are none, NULL when out of memory.
 */
static char *as_digits(char *t, size_t n)
{
	char *d = t;
	size_t i = 0, e;
	for (; sc_next_word(t, n, &i, &e); i = e) {
		int letters;
		if (digits_in_disguise(t + i, e - i, &letters) && letters) {
			if (d == t) { /* the first such word: from here on, a copy */
				if (!(d = malloc(n + 1)))
					return NULL;
				memcpy(d, t, n + 1);
			}
			for (size_t k = i; k < e; k++)
				d[k] = plain_digit(t[k]);
		}
	}
	return d;
}

/* 1 when t[0..n) is all digits. */
static int digits_only(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!sc_digit((unsigned char)t[i]))
			return 0;
	return 1;
}

/*
 * 1 when t[e..s) joins two parts of one number: one to three of gap, the
 * characters that may stand between them.
 */
static int joins(const char *t, size_t e, size_t s, const char *gap)
{
	if (s <= e || s - e > 3)
		return 0;
	for (size_t g = e; g < s; g++)
		if (!sc_oneof(t[g], gap))
			return 0;
	return 1;
}

/* Between the parts of a number written in words: spaces or light punctuation. */
#define SPELLED_GAP " -.,/()"
/* Between the parts of any run of digits, one inside a link too. */
#define DIGITS_GAP " -./()+,:?=&#_"

/*
 * A phone number written partly or wholly in words: "zero seven seven double
 * nine ...", "07 seven 00 nine oh oh", with "plus four four" in front.  A
 * run of number words, "double"/"triple" and digit groups, separated only
 * by spaces and punctuation, that holds at least one word and makes 10 to
 * 15 digits (counting "double nine" as two) is one.  Counting out loud
 * ("one two three ... nine ten") stops short, and quantities ("two mugs")
 * are single words.
 */
static void find_spelled_phones(const char *t, struct found *f)
{
	const struct words *ws = f->ws;
	struct tok w, x;
	size_t done = 0; /* the end of the last number found */
	for (size_t i = ws_next(ws, 0, W_NUMBER); i < ws->count; i = ws_next(ws, i + 1, W_NUMBER)) {
		/* From each number word, back over digit groups just before it ("07 seven"). */
		if (ws->w[i].s < done)
			continue;
		tok_get(ws, i, &w);
		if (!(w.roles & (R_NUMBER | R_PLUS | R_REPEAT)))
			continue;
		size_t orig = i;
		while (i > 0 && ws->w[i - 1].s >= done && ws->w[i - 1].len <= 8 &&
		       digits_only(t + ws->w[i - 1].s, ws->w[i - 1].len) &&
		       joins(t, ws->w[i - 1].s + ws->w[i - 1].len, ws->w[i].s, SPELLED_GAP))
			i--;
		tok_get(ws, i, &w);
		size_t start = w.s, end = w.s;
		int digits = 0, words = 0, repeat = 0;
		if (start >= 1 && t[start - 1] == '+')
			start -= 1;
		size_t j = i, last = i;
		for (; j < ws->count; j++) {
			tok_get(ws, j, &x);
			size_t len = x.e - x.s;
			if (digits_only(t + x.s, len) && len <= 8 && !repeat) {
				digits += (int)len;
			} else if (repeat && len == 1 && digits_only(t + x.s, 1)) {
				digits += repeat; /* "double 0" */
				repeat = 0;
				words++;
			} else if (x.roles & R_NUMBER) {
				digits += repeat ? repeat : 1;
				repeat = 0;
				words++;
			} else if ((x.roles & R_REPEAT) && !repeat) {
				repeat = t[x.s] == 'd' ? 2 : 3;
			} else if ((x.roles & R_PLUS) && j == i) {
				/* "plus four four" */
			} else {
				break;
			}
			if (!repeat && !(x.roles & R_PLUS)) {
				end = x.e;
				last = j;
			}
			if (j + 1 >= ws->count || !joins(t, x.e, ws->w[j + 1].s, SPELLED_GAP))
				break;
		}
		if (words > 0 && digits >= 10 && digits <= 15 && end > start) {
			add(f, start, end, SCREEN_PHONE, 80);
			i = last;
			done = end;
		} else { /* go on past the number word: nothing before it is read again */
			i = j > orig ? j : orig;
			done = ws->w[i < ws->count ? i : ws->count - 1].s + 1;
		}
	}
}

/*
 * An e-mail address with its "@" or dots written out: "jane at gmail dot
 * com", "jane(at)shop[.]co[.]uk", "jane @ gmail.com".  The local part is
 * one run of address characters just before the "at"; after it, two or
 * more labels joined by dots (written or not), the last a known top-level
 * domain, so that "meet me at home" or "at the shop. Thanks" are not one.
 */
static void find_spelled_emails(const char *t, size_t n, struct found *f)
{
	/* A written "at" is the word "at" or an '@' with a space or bracket before it. */
	const struct words *ws = f->ws;
	size_t done = 0; /* the end of the last address found */
	for (size_t i = ws_next(ws, 0, W_AT); i < ws->count; i = ws_next(ws, i + 1, W_AT)) {
		size_t w = ws->w[i].s;
		if (ws->w[i].len != 2 || t[w] != 'a' || t[w + 1] != 't' || w < 2 || w < done)
			continue;
		size_t s, e;
		if (address_at(t, n, w - 2, f->allow, &s, &e) == 1 ||
		    address_at(t, n, w - 1, f->allow, &s, &e) == 1) {
			add(f, s, e, SCREEN_EMAIL, 85);
			done = e;
		}
	}
	for (const char *p = ws->signs & WS_ATSIGN ? memchr(t, '@', n) : NULL; p;
	     p = memchr(p + 1, '@', n - (size_t)(p + 1 - t))) {
		size_t i = (size_t)(p - t), s, e;
		if (i >= 2 && (address_at(t, n, i - 2, f->allow, &s, &e) == 1 ||
			       address_at(t, n, i - 1, f->allow, &s, &e) == 1))
			add(f, s, e, SCREEN_EMAIL, 85);
	}
}

static void find_word(const char *t, size_t n, const char *w, size_t wn, enum screen_kind kind,
		      struct found *f)
{
	if (wn < 2 || wn > n)
		return;
	for (size_t i = 0; i + wn <= n; i++) {
		if (strncasecmp(t + i, w, wn) != 0)
			continue;
		int left = i == 0 || !sc_alnum((unsigned char)t[i - 1]);
		int right = i + wn == n || !sc_alnum((unsigned char)t[i + wn]);
		if (left && right) {
			add(f, i, i + wn, kind, 100);
			i += wn - 1;
		}
	}
}

/*
 * Finds the party's phone number: its national digits with single
 * separators between them, taking in a leading 0, 44, +44 or (0) written
 * before them.  A match that is the tail of a longer number is not one.
 */
static void find_digits(const char *t, size_t n, const char *phone, struct found *f)
{
	char want[32];
	size_t wn = 0;
	for (const char *p = phone; *p && wn < sizeof(want); p++)
		if (sc_digit((unsigned char)*p))
			want[wn++] = *p;
	/* Match the national part: drop a leading 44 / 0 so +44 7.. equals 07.. */
	size_t skip = 0;
	if (wn > 2 && want[0] == '4' && want[1] == '4')
		skip = 2;
	else if (wn > 1 && want[0] == '0')
		skip = 1;
	if (wn - skip < 6)
		return;
	for (size_t i = 0; i < n; i++) {
		if (t[i] != want[skip])
			continue;
		size_t k = skip, e = i;
		while (e < n && k < wn) {
			if (t[e] == want[k])
				k++, e++;
			else if (is_sep((unsigned char)t[e]) && e + 1 < n && t[e + 1] == want[k])
				e++;
			else
				break;
		}
		if (k < wn || (e < n && sc_alnum((unsigned char)t[e])))
			continue;
		size_t s = i;
		if (s >= 3 && t[s - 1] == ')' && t[s - 2] == '0' && t[s - 3] == '(')
			s -= 3; /* (0)7700 ... */
		else if (s >= 1 && t[s - 1] == '0')
			s -= 1; /* 07700 ... */
		else if (s >= 2 && t[s - 1] == '4' && t[s - 2] == '4')
			s -= 2; /* 447700 ... */
		else if (s >= 3 && is_sep((unsigned char)t[s - 1]) && t[s - 2] == '4' &&
			 t[s - 3] == '4')
			s -= 3; /* 44 7700 ... */
		if (s < i && s >= 4 && t[s - 1] == ' ' && t[s - 2] == '4' && t[s - 3] == '4' &&
		    t[s - 4] == '+')
			s -= 4; /* +44 (0)7700 ... */
		else if (s < i && s >= 3 && t[s - 1] == '4' && t[s - 2] == '4' && t[s - 3] == '+')
			s -= 3; /* +44(0)7700 ... */
		else if (s >= 1 && t[s - 1] == '+')
			s -= 1;
		if (s > 0 && sc_alnum((unsigned char)t[s - 1]))
			continue; /* the tail of a longer number or word */
		add(f, s, e, SCREEN_PHONE, 100);
		i = e;
	}
}

static void find_party(const char *t, size_t n, const struct screen_party *p, struct found *f)
{
	for (int i = 0; i < p->nothers; i++) {
		const char *o = p->others[i];
		if (o[0] == '@')
			o++; /* a handle, with its @ or without */
		find_word(t, n, o, strlen(o), SCREEN_HANDLE, f);
	}
	if (p->email)
		find_word(t, n, p->email, strlen(p->email), SCREEN_EMAIL, f);
	if (p->phone)
		find_digits(t, n, p->phone, f);
	if (p->last_name)
		find_word(t, n, p->last_name, strlen(p->last_name), SCREEN_KNOWN, f);
	if (p->address) {
		struct slice rest = slice_from(p->address), part;
		while (slice_split(&rest, ',', &part)) {
			part = slice_trim(part);
			if (part.n >= 4)
				find_word(t, n, part.p, part.n, SCREEN_KNOWN, f);
		}
	}
}

/* Folds one registered detail as the text is folded; NULL stays NULL. */
static enum kerr fold(const char *v, struct norm *out)
{
	if (v)
		return norm_text(v, strlen(v), out);
	memset(out, 0, sizeof(*out));
	return KERR_OK;
}

/* find_party with the party's details folded like the text. */
static enum kerr find_party_folded(const char *t, size_t n, const struct screen_party *p,
				   struct found *f)
{
	struct norm email = {0}, phone = {0}, last = {0}, address = {0};
	struct norm others[SCREEN_MAX_OTHERS];
	const char *folded_others[SCREEN_MAX_OTHERS];
	int nothers = p->nothers < SCREEN_MAX_OTHERS ? p->nothers : SCREEN_MAX_OTHERS, done = 0;
	enum kerr rc = KERR_OK;
	if ((rc = fold(p->email, &email)) || (rc = fold(p->phone, &phone)) ||
	    (rc = fold(p->last_name, &last)) || (rc = fold(p->address, &address)))
		goto out;
	for (; done < nothers; done++) {
		if ((rc = fold(p->others[done], &others[done])))
			goto out;
		folded_others[done] = others[done].text ? others[done].text : "";
	}
	struct screen_party folded = {p->email ? email.text : NULL,
				      p->phone ? phone.text : NULL,
				      p->last_name ? last.text : NULL,
				      p->address ? address.text : NULL,
				      folded_others,
				      nothers};
	find_party(t, n, &folded, f);
out:
	norm_free(&email);
	norm_free(&phone);
	norm_free(&last);
	norm_free(&address);
	for (int i = 0; i < done; i++)
		norm_free(&others[i]);
	return rc;
}

/* Which kind an overlap of two findings is reported as. */
static int rank(enum screen_kind k)
{
	switch (k) {
	case SCREEN_EMAIL:
		return 6;
	case SCREEN_URL:
		return 5;
	case SCREEN_PHONE:
		return 4;
	case SCREEN_HANDLE:
		return 3;
	case SCREEN_KNOWN:
		return 2;
	case SCREEN_SOLICITATION:
		break;
	}
	return 1;
}

/*
 * Sorts by start (insertion sort where span counts are small) and merges
 * overlaps into one span of the higher-ranked kind: a number inside a link
 * is the link's, and an address's domain is the address's.
 */
static int by_start(const void *a, const void *b)
{
	const struct screen_span *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static int normalise(struct screen_span *s, int n, int merge)
{
	if (n > 64) {
		qsort(s, (size_t)n, sizeof(*s), by_start);
	} else { /* stably (as glibc's qsort() does), without its copying: a few spans, mostly in
		    order */
		for (int i = 1; i < n; i++) {
			struct screen_span x = s[i];
			int k = i;
			for (; k > 0 && by_start(&s[k - 1], &x) > 0; k--)
				s[k] = s[k - 1];
			s[k] = x;
		}
	}
	if (!merge)
		return n;
	int out = 0;
	for (int i = 0; i < n; i++) {
		struct screen_span *last = out ? &s[out - 1] : NULL;
		if (last && s[i].start < last->end) {
			if (s[i].end > last->end)
				last->end = s[i].end;
			if (rank(s[i].kind) > rank(last->kind)) {
				last->kind = s[i].kind;
				last->confidence = s[i].confidence;
			}
			continue;
		}
		s[out++] = s[i];
	}
	return out;
}

/* 1 when t[i] is a character that may be spelled out on its own ("j a n e"). */
static int single(const char *t, size_t n, size_t i)
{
	unsigned char c = (unsigned char)t[i];
	return (sc_alnum(c) || c == '@' || c == '.' || c == '_' || c == '+') &&
	       (i == 0 || t[i - 1] == ' ') && (i + 1 == n || t[i + 1] == ' ');
}

/*
 * Closes up characters spaced out one by one ("j a n e @ g m a i l . c o
 * m", "0 7 7 0 0 ..."): in a run of five or more single characters joined
 * by single spaces, the spaces go.  A run stops where digits meet letters
 * ("0 7 7 ... 4 n i'll").  In place; from[] keeps its mapping.
 */
static void close_up(struct norm *nm)
{
	char *t = nm->text;
	size_t n = nm->n, out = 0, i = 0;
	while (i < n) {
		size_t k = i, count = 0;
		while (k < n && single(t, n, k)) {
			count++;
			if (k + 2 < n && t[k + 1] == ' ' && single(t, n, k + 2) &&
			    !(sc_digit((unsigned char)t[k]) && sc_alpha((unsigned char)t[k + 2])) &&
			    !(sc_alpha((unsigned char)t[k]) && sc_digit((unsigned char)t[k + 2])))
				k += 2;
			else {
				k++;
				break;
			}
		}
		if (count >= 5) {
			for (size_t j = i; j < k; j += 2) {
				t[out] = t[j];
				nm->from[out++] = nm->from[j];
			}
			i = k;
			continue;
		}
		size_t stop = count ? k : i + 1;
		for (; i < stop; i++) {
			t[out] = t[i];
			nm->from[out++] = nm->from[i];
		}
	}
	nm->n = out;
	memset(t + out, 0, NORM_PAD + 1); /* the zeros words_read_in() reads into */
}

const char *screen_kind_name(enum screen_kind k)
{
	switch (k) {
	case SCREEN_PHONE:
		return "phone";
	case SCREEN_EMAIL:
		return "email";
	case SCREEN_URL:
		return "url";
	case SCREEN_HANDLE:
		return "handle";
	case SCREEN_SOLICITATION:
		return "solicitation";
	case SCREEN_KNOWN:
		break;
	}
	return "known";
}

static enum kerr find_all(const char *text, size_t n, const struct screen_party *party,
			  struct screen_span *spans, int max, int *count, int merge)
{
	*count = 0;
	if (n > SCREEN_MAX_INPUT)
		return KERR_TOO_LARGE;
	/* The detectors read the folded text (norm.h); spans map back. */
	struct norm nm;
	struct norm_room room; /* short texts, most of them, are read without allocation */
	struct word words[1024];
	uint8_t classes[1024 + 64];
	enum kerr folded = norm_text_in(text, n, &nm, &room);
	if (folded) {
		norm_free(&nm);
		return folded;
	}
	struct words ws;
	char *digits = NULL;
	enum kerr rc = words_read_in(nm.text, nm.n, &ws, words, classes, 1024);
	if (!rc &&
	    (ws.signs & WS_SPACED)) { /* "j a n e @ ...": closed up, and the words read again */
		words_free(&ws);
		if (!(rc = norm_closed(&nm))) {
			close_up(&nm);
			rc = words_read_in(nm.text, nm.n, &ws, words, classes, 1024);
		}
	}
	if (rc || !(digits = ws.signs & WS_OILY ? as_digits(nm.text, nm.n) : nm.text)) {
		words_free(&ws);
		norm_free(&nm);
		return KERR_INTERNAL;
	}
	struct found f = {spans, max, 0, 0, allowed, &ws};
	/* Each detector only where what it starts from is there (struct words). */
	if (ws.signs & WS_ATSIGN)
		find_emails(nm.text, nm.n, &f);
	/* Eight digits at least: o, i and l may stand for more where there are any. */
	if ((ws.signs & WS_DIGITS8) || (ws.signs & WS_DIGIT && ws.signs & WS_OILY))
		find_phones(digits, nm.n, &f);
	if (digits != nm.text)
		free(digits);
	find_spelled_phones(nm.text, &f);
	find_spelled_emails(nm.text, nm.n, &f);
	find_links(nm.text, nm.n, &f);
	find_words(&f);
	words_free(&ws);
	if (party)
		rc = find_party_folded(nm.text, nm.n, party, &f);
	for (int i = 0; i < f.n; i++)
		norm_span(&nm, spans[i].start, spans[i].end, &spans[i].start, &spans[i].end);
	norm_free(&nm);
	if (rc)
		return rc;
	if (f.overflow)
		return KERR_LIMIT;
	*count = normalise(spans, f.n, merge);
	return KERR_OK;
}

enum kerr screen_find(const char *text, size_t n, const struct screen_party *party,
		      struct screen_span *spans, int max, int *count)
{
	return find_all(text, n, party, spans, max, count, 1);
}

int screen_merge(struct screen_span *spans, int n)
{
	return normalise(spans, n, 1);
}

enum kerr screen_find_each(const char *text, size_t n, const struct screen_party *party,
			   struct screen_span *spans, int max, int *count)
{
	return find_all(text, n, party, spans, max, count, 0);
}

enum kerr screen_redact(const char *text, size_t n, const struct screen_span *spans, int count,
			struct buf *out)
{
	size_t at = 0;
	enum kerr rc = KERR_OK;
	for (int i = 0; i < count && !rc; i++) {
		if (spans[i].start < at || spans[i].end > n)
			return KERR_INTERNAL;
		rc = buf_append(out, text + at, spans[i].start - at);
		if (!rc)
			rc = buf_append_str(out, REDACTED);
		at = spans[i].end;
	}
	if (!rc)
		rc = buf_append(out, text + at, n - at);
	return rc;
}

enum kerr screen_redact_text(const char *text, size_t n, const struct screen_party *party,
			     struct buf *out, int *removed)
{
	struct screen_span spans[SCREEN_MAX_SPANS];
	int count = 0;
	enum kerr rc = screen_find(text, n, party, spans, SCREEN_MAX_SPANS, &count);
	if (rc == KERR_LIMIT) {
		/* Too many to list: withhold the whole text rather than leak any. */
		*removed = SCREEN_MAX_SPANS;
		return buf_append_str(out, REDACTED);
	}
	if (rc)
		return rc;
	*removed = count;
	return screen_redact(text, n, spans, count, out);
}

/* The digits a word stands for into b (digits, a number word, O/I/l in a word of digits); 0 if
 * none. */
static int word_digits(const char *t, size_t n, int *repeat, struct buf *b)
{
	int d = word_digit(t, n);
	if (d >= 0) {
		for (int k = 0; k < (*repeat ? *repeat : 1); k++)
			buf_append_char(b, (char)('0' + d));
		*repeat = 0;
		return 1;
	}
	if (n == 6 && (memcmp(t, "double", 6) == 0 || memcmp(t, "triple", 6) == 0)) {
		*repeat = t[0] == 'd' ? 2 : 3;
		return 1;
	}
	int letters;
	if (!digits_in_disguise(t, n, &letters))
		return 0;
	for (size_t k = 0; k < n; k++)
		buf_append_char(b, plain_digit(t[k]));
	return 1;
}

/* The digits of a phone number as written (folded), number words read as digits. */
static void phone_digits(const char *t, size_t n, struct buf *b)
{
	int repeat = 0;
	size_t i = 0, e;
	for (; sc_next_word(t, n, &i, &e); i = e)
		word_digits(t + i, e - i, &repeat, b);
}

/* t with "at" and "dot" forms written as '@' and '.', " slash " as '/', and no spaces. */
static void address_text(const char *t, size_t n, struct buf *b)
{
	size_t i = 0;
	while (i < n) {
		size_t k;
		if ((k = at_form(t + i, n - i))) {
			buf_append_char(b, '@');
			i += k;
		} else if ((k = dot_form(t + i, n - i, 0))) {
			buf_append_char(b, '.');
			i += k;
		} else if (n - i >= 7 && memcmp(t + i, " slash ", 7) == 0) {
			buf_append_char(b, '/');
			i += 7;
		} else {
			if (t[i] != ' ')
				buf_append_char(b, t[i]);
			i++;
		}
	}
}

enum kerr screen_value(const char *text, size_t n, const struct screen_span *sp, char *out,
		       size_t cap)
{
	if (sp->start > sp->end || sp->end > n || cap == 0)
		return KERR_BAD_VALUE;
	struct norm nm;
	enum kerr rc = norm_text(text + sp->start, sp->end - sp->start, &nm);
	if (rc) {
		norm_free(&nm);
		return rc;
	}
	struct buf b;
	buf_init(&b, 0);
	const char *v;
	size_t len;
	switch (sp->kind) {
	case SCREEN_PHONE:
		phone_digits(nm.text, nm.n, &b);
		v = buf_cstr(&b);
		len = b.len;
		if (len > 2 && v[0] == '0' && v[1] == '0')
			v += 2, len -= 2; /* 0044 ... */
		if (len >= 12 && v[0] == '4' && v[1] == '4')
			v += 2, len -= 2; /* 44 7700 ... */
		if (len > 1 && v[0] == '0')
			v++, len--; /* 07700 ... */
		break;
	case SCREEN_EMAIL:
	case SCREEN_URL:
		address_text(nm.text, nm.n, &b);
		v = buf_cstr(&b);
		len = b.len;
		if (sp->kind == SCREEN_URL) {
			if (len > 8 && memcmp(v, "https://", 8) == 0)
				v += 8, len -= 8;
			else if (len > 7 && memcmp(v, "http://", 7) == 0)
				v += 7, len -= 7;
			if (len > 4 && memcmp(v, "www.", 4) == 0)
				v += 4, len -= 4;
			size_t h = 0;
			while (h < len && !sc_oneof(v[h], "/?#:"))
				h++;
			len = h;
		}
		break;
	case SCREEN_HANDLE:
		address_text(nm.text, nm.n, &b);
		v = buf_cstr(&b);
		len = b.len;
		if (len && v[0] == '@')
			v++, len--;
		break;
	default:
		v = nm.text;
		len = nm.n;
		break;
	}
	if (len >= cap)
		len = cap - 1;
	memcpy(out, v, len);
	out[len] = '\0';
	buf_free(&b);
	norm_free(&nm);
	return KERR_OK;
}

/* The run of digits t[s..e) to each(), when it has seven digits or more. */
static void run_found(const struct norm *nm, size_t s, size_t e, const struct buf *digits,
		      void (*each)(void *ctx, size_t start, size_t end, const char *digits),
		      void *ctx)
{
	if (digits->len < 7)
		return;
	size_t start, end;
	norm_span(nm, s, e, &start, &end);
	each(ctx, start, end, buf_cstr(digits));
}

enum kerr screen_digit_runs(const char *text, size_t n,
			    void (*each)(void *ctx, size_t start, size_t end, const char *digits),
			    void *ctx)
{
	if (n > SCREEN_MAX_INPUT)
		return KERR_TOO_LARGE;
	struct norm nm;
	enum kerr rc = norm_text(text, n, &nm);
	if (rc) {
		norm_free(&nm);
		return rc;
	}
	struct buf b;
	buf_init(&b, 0);
	const char *t = nm.text;
	size_t i = 0, e, run_start = 0, run_end = 0;
	int repeat = 0, in_run = 0;
	for (;;) {
		int more = sc_next_word(t, nm.n, &i, &e);
		/* The run so far ends here: at the end, or before a word not joined to it. */
		if (in_run && (!more || !joins(t, run_end, i, DIGITS_GAP))) {
			run_found(&nm, run_start, run_end, &b, each, ctx);
			in_run = 0;
		}
		if (!more)
			break;
		if (!in_run) {
			buf_reset(&b);
			repeat = 0;
			run_start = i;
		}
		/* (Appends nothing when the word is not a digit's.) */
		if (word_digits(t + i, e - i, &repeat, &b)) {
			in_run = 1;
			run_end = e;
		} else if (in_run) { /* a word that is not a digit ends the run */
			run_found(&nm, run_start, run_end, &b, each, ctx);
			in_run = 0;
		}
		i = e;
	}
	buf_free(&b);
	norm_free(&nm);
	return KERR_OK;
}
