/*
 * screen.c - contact-detail finding.  Three passes over the text: e-mail
 * addresses around each '@', runs of digits and phone separators, and the
 * party's registered details; the results are merged into sorted, disjoint
 * spans.
 */
#include "screen/screen.h"

#include "screen/norm.h"

#include <string.h>
#include <strings.h>

#define REDACTED "[contact details removed]"

struct found {
	struct screen_span *spans;
	int max, n;
	int overflow;
};

static void add(struct found *f, size_t start, size_t end, enum screen_kind kind, int conf)
{
	if (end <= start)
		return;
	if (f->n >= f->max) {
		f->overflow = 1;
		return;
	}
	f->spans[f->n++] = (struct screen_span){start, end, kind, conf};
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int is_domain(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

static void find_emails(const char *t, size_t n, struct found *f)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i] != '@')
			continue;
		size_t s = i;
		while (s > 0 && is_local((unsigned char)t[s - 1]))
			s--;
		size_t e = i + 1;
		while (e < n && is_domain((unsigned char)t[e]))
			e++;
		while (e > i + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
			e--;
		const char *dot = NULL;
		for (size_t k = i + 1; k < e; k++)
			if (t[k] == '.')
				dot = t + k;
		if (s < i && dot && dot > t + i + 1 && (size_t)(t + e - dot) >= 3)
			add(f, s, e, SCREEN_EMAIL, 95);
	}
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Separators inside a written phone number. */
static int is_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/';
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
	if (is_digit((unsigned char)t[i - 1]))
		return 1;
	return i >= 2 && is_sep((unsigned char)t[i - 1]) && is_digit((unsigned char)t[i - 2]);
}

/*
 * A phone number: "+" and 10 to 15 digits, or a national number of 10 or 11
 * digits starting with 0, written with single separators (space, hyphen,
 * dot, slash) between digit groups and optional brackets round the area
 * code, not glued to letters or to more digits.  Dates do not qualify: they
 * have too few digits, or start inside a longer run of digits.
 */
static void find_phones(const char *t, size_t n, struct found *f)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)t[i];
		int plus = c == '+' && i + 1 < n && is_digit((unsigned char)t[i + 1]);
		int starts = plus || c == '0' || (c == '(' && i + 1 < n && t[i + 1] == '0');
		if (!starts || (i > 0 && is_alnum((unsigned char)t[i - 1])) ||
		    follows_digits(t, i)) {
			i++;
			continue;
		}
		size_t e = i + (plus || c == '(' ? 1 : 0), last_digit = e;
		int digits = 0, bracket = c == '(';
		while (e < n) {
			unsigned char d = (unsigned char)t[e];
			if (is_digit(d)) {
				digits++;
				last_digit = ++e;
				continue;
			}
			/* Between groups: one separator, or a bracket and one. */
			size_t k = e;
			if (bracket && d == ')') {
				bracket = 0;
				k++;
			} else if (!bracket && is_sep(d) && k + 2 < n && t[k + 1] == '(' &&
				   is_digit((unsigned char)t[k + 2])) {
				bracket = 1;
				e = k + 2;
				continue;
			}
			if (k < n && is_sep((unsigned char)t[k]))
				k++;
			if (k > e && k < n && is_digit((unsigned char)t[k])) {
				e = k;
				continue;
			}
			break;
		}
		int glued = last_digit < n && is_alnum((unsigned char)t[last_digit]);
		int ok = plus ? digits >= 10 && digits <= 15 : digits >= 10 && digits <= 11;
		if (ok && !glued)
			add(f, i, last_digit, SCREEN_PHONE, 85);
		i = last_digit > i ? last_digit : i + 1;
	}
}

/* Finds needle case-insensitively as a whole word; each hit is a span. */
/* The digit a number word stands for, or -1; words are folded (lower case). */
static int digit_word(const char *w, size_t n)
{
	static const char *const words[] = {"zero", "one", "two",   "three", "four",
					    "five", "six", "seven", "eight", "nine"};
	for (int d = 0; d < 10; d++)
		if (strlen(words[d]) == n && memcmp(words[d], w, n) == 0)
			return d;
	if ((n == 2 && memcmp(w, "oh", 2) == 0) || (n == 1 && w[0] == 'o') ||
	    (n == 6 && memcmp(w, "nought", 6) == 0) || (n == 3 && memcmp(w, "nil", 3) == 0))
		return 0;
	return -1;
}

/* 2 for "double", 3 for "triple", else 0. */
static int repeat_word(const char *w, size_t n)
{
	if (n == 6 && memcmp(w, "double", 6) == 0)
		return 2;
	if (n == 6 && memcmp(w, "triple", 6) == 0)
		return 3;
	return 0;
}

/*
 * A phone number written partly or wholly in words: "zero seven seven double
 * nine ...", "07 seven 00 nine oh oh", with "plus four four" in front.  A
 * run of number words, "double"/"triple" and digit groups, separated only
 * by spaces and punctuation, that holds at least one word and makes 10 to
 * 13 digits (counting "double nine" as two) is one.  Counting out loud
 * ("one two three ... nine ten") stops short, and quantities ("two mugs")
 * are single words.
 */
static void find_spelled_phones(const char *t, size_t n, struct found *f)
{
	size_t i = 0;
	while (i < n) {
		/* The run starts at a word or digit group at a word boundary. */
		if (!is_alnum((unsigned char)t[i]) ||
		    (i > 0 && is_alnum((unsigned char)t[i - 1]))) {
			i++;
			continue;
		}
		size_t start = i, end = i, k = i;
		int digits = 0, words = 0, repeat = 0;
		if (start >= 5 && memcmp(t + start - 5, "plus ", 5) == 0)
			start -= 5;
		else if (start >= 1 && t[start - 1] == '+')
			start -= 1;
		while (k < n) {
			size_t w = k;
			while (w < n && is_alnum((unsigned char)t[w]))
				w++;
			const char *tok = t + k;
			size_t len = w - k;
			int all_digits = 1;
			for (size_t j = 0; j < len; j++)
				all_digits &= is_digit((unsigned char)tok[j]);
			int d = all_digits ? -1 : digit_word(tok, len);
			int r = all_digits ? 0 : repeat_word(tok, len);
			if (all_digits && len > 0 && len <= 5 && !repeat) {
				digits += (int)len;
			} else if (d >= 0) {
				digits += repeat ? repeat : 1;
				repeat = 0;
				words++;
			} else if (r && !repeat) {
				repeat = r;
			} else {
				break;
			}
			if (!repeat)
				end = w;
			/* Between tokens: spaces and light punctuation only. */
			size_t g = w;
			while (g < n && g - w < 3 &&
			       (t[g] == ' ' || t[g] == '-' || t[g] == '.' || t[g] == ',' ||
				t[g] == '/' || t[g] == '(' || t[g] == ')'))
				g++;
			if (g == w || g >= n || !is_alnum((unsigned char)t[g]))
				break;
			k = g;
		}
		if (words > 0 && digits >= 10 && digits <= 13)
			add(f, start, end, SCREEN_PHONE, 80);
		i = end > i ? end : i + 1;
		while (i < n && is_alnum((unsigned char)t[i]))
			i++;
	}
}

/* Length of the first of forms[0..count) that t[0..n) starts with; 0 if none. */
static size_t starts_with_any(const char *t, size_t n, const char *const *forms, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		size_t k = strlen(forms[i]);
		if (k <= n && memcmp(t, forms[i], k) == 0)
			return k;
	}
	return 0;
}

/* Ways of writing "@" and "." out, longest first where one begins another. */
static const char *const at_forms[] = {" at sign ", " at ",   " (at) ", "(at)",	  " [at] ",
				       "[at]",	    " {at} ", "{at}",	" <at> ", "<at>",
				       " @ ",	    " -at- ", "-at-",	" _at_ ", "_at_"};
static const char *const dot_forms[] = {" dot ",   " (dot) ", "(dot)", " [dot] ", "[dot]",
					" {dot} ", "{dot}",   " [.] ", "[.]",	  "(.)",
					" . ",	   "-dot-",   "."};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when t[0..n) is a top-level domain people write addresses with. */
static int known_tld(const char *t, size_t n)
{
	static const char *const tlds[] = {
	    "com", "net", "org",    "uk",   "co",    "io",    "me",   "de",   "fr",    "es",
	    "it",  "nl",  "ie",	    "eu",   "us",    "ca",    "au",   "info", "biz",   "app",
	    "dev", "xyz", "online", "shop", "store", "email", "mail", "live", "icloud"};
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (strlen(tlds[i]) == n && memcmp(tlds[i], t, n) == 0)
			return 1;
	return 0;
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
	for (size_t i = 1; i < n; i++) {
		if (t[i] != ' ' && t[i] != '(' && t[i] != '[' && t[i] != '{' && t[i] != '<' &&
		    t[i] != '-' && t[i] != '_')
			continue;
		size_t at = starts_with_any(t + i, n - i, at_forms, COUNT(at_forms));
		if (!at || !is_local((unsigned char)t[i - 1]))
			continue;
		size_t s = i;
		while (s > 0 && is_local((unsigned char)t[s - 1]))
			s--;
		size_t e = i + at, last_label = 0, labels = 0, end = 0;
		for (;;) {
			size_t l = e;
			while (e < n && (is_alnum((unsigned char)t[e]) || t[e] == '-'))
				e++;
			if (e == l)
				break;
			labels++;
			last_label = l;
			end = e;
			size_t d = starts_with_any(t + e, n - e, dot_forms, COUNT(dot_forms));
			if (!d || e + d >= n || !is_alnum((unsigned char)t[e + d]))
				break;
			e += d;
		}
		if (labels >= 2 && known_tld(t + last_label, end - last_label) &&
		    (end >= n || !is_alnum((unsigned char)t[end])))
			add(f, s, end, SCREEN_EMAIL, 85);
		if (end > i)
			i = end;
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
		int left = i == 0 || !is_alnum((unsigned char)t[i - 1]);
		int right = i + wn == n || !is_alnum((unsigned char)t[i + wn]);
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
		if (is_digit((unsigned char)*p))
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
		if (k < wn || (e < n && is_alnum((unsigned char)t[e])))
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
		if (s > 0 && is_alnum((unsigned char)t[s - 1]))
			continue; /* the tail of a longer number or word */
		add(f, s, e, SCREEN_PHONE, 100);
		i = e;
	}
}

static void find_party(const char *t, size_t n, const struct screen_party *p, struct found *f)
{
	if (p->email)
		find_word(t, n, p->email, strlen(p->email), SCREEN_EMAIL, f);
	if (p->phone)
		find_digits(t, n, p->phone, f);
	if (p->last_name)
		find_word(t, n, p->last_name, strlen(p->last_name), SCREEN_KNOWN, f);
	if (p->address) {
		const char *a = p->address;
		while (*a) {
			const char *comma = strchr(a, ',');
			size_t len = comma ? (size_t)(comma - a) : strlen(a);
			struct slice part = slice_trim((struct slice){a, len});
			if (part.n >= 4)
				find_word(t, n, part.p, part.n, SCREEN_KNOWN, f);
			a += len + (comma ? 1 : 0);
		}
	}
}

/* Folds one registered detail as the text is folded; NULL stays NULL. */
static enum kerr fold(const char *v, struct norm *out)
{
	return v ? norm_text(v, strlen(v), out) : KERR_OK;
}

/* find_party with the party's details folded like the text. */
static enum kerr find_party_folded(const char *t, size_t n, const struct screen_party *p,
				   struct found *f)
{
	struct norm email = {0}, phone = {0}, last = {0}, address = {0};
	enum kerr rc = KERR_OK;
	if ((rc = fold(p->email, &email)) || (rc = fold(p->phone, &phone)) ||
	    (rc = fold(p->last_name, &last)) || (rc = fold(p->address, &address)))
		goto out;
	struct screen_party folded = {p->email ? email.text : NULL, p->phone ? phone.text : NULL,
				      p->last_name ? last.text : NULL,
				      p->address ? address.text : NULL};
	find_party(t, n, &folded, f);
out:
	norm_free(&email);
	norm_free(&phone);
	norm_free(&last);
	norm_free(&address);
	return rc;
}

/* Sorts by start (insertion sort: span counts are small) and merges overlaps. */
static int normalise(struct screen_span *s, int n)
{
	for (int i = 1; i < n; i++) {
		struct screen_span x = s[i];
		int j = i - 1;
		while (j >= 0 && s[j].start > x.start) {
			s[j + 1] = s[j];
			j--;
		}
		s[j + 1] = x;
	}
	int out = 0;
	for (int i = 0; i < n; i++) {
		if (out && s[i].start < s[out - 1].end) {
			if (s[i].end > s[out - 1].end)
				s[out - 1].end = s[i].end;
			continue;
		}
		s[out++] = s[i];
	}
	return out;
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

enum kerr screen_find(const char *text, size_t n, const struct screen_party *party,
		      struct screen_span *spans, int max, int *count)
{
	*count = 0;
	if (n > SCREEN_MAX_INPUT)
		return KERR_TOO_LARGE;
	/* The detectors read the folded text (norm.h); spans map back. */
	struct norm nm;
	enum kerr folded = norm_text(text, n, &nm);
	if (folded) {
		norm_free(&nm);
		return folded;
	}
	struct found f = {spans, max, 0, 0};
	find_emails(nm.text, nm.n, &f);
	find_phones(nm.text, nm.n, &f);
	find_spelled_phones(nm.text, nm.n, &f);
	find_spelled_emails(nm.text, nm.n, &f);
	enum kerr rc = KERR_OK;
	if (party)
		rc = find_party_folded(nm.text, nm.n, party, &f);
	for (int i = 0; i < f.n; i++)
		norm_span(&nm, spans[i].start, spans[i].end, &spans[i].start, &spans[i].end);
	norm_free(&nm);
	if (rc)
		return rc;
	if (f.overflow)
		return KERR_LIMIT;
	*count = normalise(spans, f.n);
	return KERR_OK;
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
