/*
 * links.c - links, bare domains and handles, and the operator's own
 * addresses and links, which are allowed.
 */
#include "screen/scan.h"

#include <pthread.h>
#include <string.h>

static const char *const tlds[] = {
    "com",	"net",	   "org",  "uk",     "co",   "io",     "me",	 "de",	  "fr",	  "es",
    "it",	"nl",	   "ie",   "eu",     "us",   "ca",     "au",	 "nz",	  "info", "biz",
    "app",	"dev",	   "xyz",  "online", "shop", "store",  "email",	 "live",  "site", "tv",
    "ly",	"gg",	   "link", "page",   "art",  "design", "london", "wales", "scot", "studio",
    "boutique", "club",	   "ltd",  "be",     "ch",   "at",     "pl",	 "se",	  "dk",	  "no",
    "fi",	"pt",	   "in",   "ee",     "gle",  "to",     "cc",	 "ai",	  "bio",  "social",
    "agency",	"gallery", "za",   "jp",     "ru",   "cn",     "br",	 "mx",	  "sg",	  "hk",
    "ae",	"tr",	   "gr",   "cz",     "ro",   "kr"};

/*
 * The top-level domains, each in one place of 1024 by a multiply (found
 * once, in a few tries: a multiplier under which no two share a place),
 * as its letters packed in a number.
 */
static uint64_t tld_places[1024];
static uint64_t tld_multiplier;
static pthread_once_t tlds_placed = PTHREAD_ONCE_INIT;

/* The letters t[0..n) (n <= 8) as a number. */
static uint64_t packed(const char *t, size_t n)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)(unsigned char)t[i] << (8 * i);
	return x;
}

static void place_tlds(void)
{
	for (uint64_t m = 0x9e3779b97f4a7c15ull;; m += 0x2545f4914f6cdd1dull) {
		memset(tld_places, 0, sizeof(tld_places));
		size_t i = 0;
		for (; i < COUNT(tlds); i++) {
			uint64_t key = packed(tlds[i], strlen(tlds[i]));
			uint64_t *at = &tld_places[(key * m) >> 54];
			if (*at)
				break;
			*at = key;
		}
		if (i == COUNT(tlds)) {
			tld_multiplier = m;
			return;
		}
	}
}

int known_tld(const char *t, size_t n)
{
	/* Every one is letters only: numbers such as "34.99" go no further. */
	if (n < 2 || n > 8 || !sc_alpha((unsigned char)t[0]) || !sc_alpha((unsigned char)t[n - 1]))
		return 0;
	pthread_once(&tlds_placed, place_tlds);
	uint64_t key = packed(t, n);
	return tld_places[(key * tld_multiplier) >> 54] == key;
}

/* Characters a written "at" or "dot" may be bracketed with: ( [ { < - _ */
static inline char closing(char c)
{
	static const char closers[256] = {
	    ['('] = ')', ['['] = ']', ['{'] = '}', ['<'] = '>', ['-'] = '-', ['_'] = '_'};
	return closers[(unsigned char)c]; /* a load, not a switch of branches */
}

/* "(at)", "[@]", "-at-", "(dot)", "[.]" ...: word (or sign) between brackets at t; its length or 0.
 */
static size_t bracketed(const char *t, size_t n, const char *word, size_t wn, char sign)
{
	char close = n >= 3 ? closing(t[0]) : 0;
	if (!close)
		return 0;
	if (t[1] == sign && t[2] == close)
		return 3;
	if (n >= wn + 2 && memcmp(t + 1, word, wn) == 0 && t[wn + 1] == close)
		return wn + 2;
	return 0;
}

/*
 * A written form of word ("at", "dot") or its sign ('@', '.') at t: " at ",
 * " at sign ", "(at)", " [at] ", " @ ", "-at-", ...; its length or 0.
 */
static size_t written(const char *t, size_t n, const char *word, size_t wn, char sign)
{
	if (n < 3)
		return 0;
	if (t[0] != ' ')
		return bracketed(t, n, word, wn, sign);
	if (t[1] == sign)
		return t[2] == ' ' ? 3 : 0; /* " @ ", " . " */
	if (t[1] == word[0]) {
		if (n >= wn + 2 && memcmp(t + 1, word, wn) == 0 && t[wn + 1] == ' ') {
			if (sign == '@' && n >= 9 && memcmp(t + 4, "sign ", 5) == 0)
				return 9; /* " at sign " */
			return wn + 2;
		}
		return 0;
	}
	size_t k = bracketed(t + 1, n - 1, word, wn, sign);
	return k && k + 1 < n && t[k + 1] == ' ' ? k + 2 : 0;
}

size_t at_form(const char *t, size_t n)
{
	return written(t, n, "at", 2, '@');
}

size_t dot_form(const char *t, size_t n, int plain)
{
	if (n && plain && t[0] == '.')
		return 1;
	return written(t, n, "dot", 3, '.');
}

/* host_at(), and in *stop where the labels it read end, found or not. */
static size_t host_scan(const char *t, size_t n, size_t i, int *labels, int *written, size_t *stop)
{
	size_t e = i, end = i, last = 0;
	*labels = 0;
	*written = 0;
	for (;;) {
		size_t l = e;
		while (e < n && sc_label((unsigned char)t[e]))
			e++;
		if (e == l || e - l > 63)
			break;
		++*labels;
		last = l;
		end = e;
		size_t d = dot_form(t + e, n - e, 1);
		if (!d || e + d >= n || !sc_alnum((unsigned char)t[e + d]))
			break;
		if (t[e] != '.')
			*written = 1;
		e += d;
	}
	*stop = end;
	if (*labels < 2 || !known_tld(t + last, end - last))
		return 0;
	return end;
}

size_t host_at(const char *t, size_t n, size_t i, int *labels, int *written)
{
	size_t stop;
	return host_scan(t, n, i, labels, written, &stop);
}

/* 1 when host t[0..n) is suffix or a host under it ("shop.janemakes.co.uk"). */
static int under(const char *t, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	if (k == 0 || k > n || memcmp(t + n - k, suffix, k) != 0)
		return 0;
	return k == n || t[n - k - 1] == '.';
}

int allowed_host(const struct screen_allow *a, const char *t, size_t n)
{
	for (int i = 0; a && i < a->ndomains; i++)
		if (under(t, n, a->domains[i]))
			return 1;
	return 0;
}

int allowed_email(const struct screen_allow *a, const char *t, size_t n)
{
	for (int i = 0; a && i < a->nemails; i++)
		if (strlen(a->emails[i]) == n && memcmp(a->emails[i], t, n) == 0)
			return 1;
	return 0;
}

/* Characters a link goes on with. */
static int link_char(unsigned char c)
{
	return c > ' ' && c != '<' && c != '>' && c != '"' && c != '\'' && c != '`' && c != 0x7f &&
	       c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}' && c != '|';
}

/* The end of a link's path from e: link characters, less closing punctuation. */
static size_t path_end(const char *t, size_t n, size_t e)
{
	while (e < n && link_char((unsigned char)t[e]))
		e++;
	while (e > 0 && sc_oneof(t[e - 1], ".,;:!?*"))
		e--;
	return e;
}

/* The host of the link starting at s: after "scheme://" and "user@", before ':' '/' '?' '#'. */
static void link_host(const char *t, size_t s, size_t e, size_t *hs, size_t *he)
{
	size_t h = s;
	for (size_t k = s; k + 2 < e; k++)
		if (t[k] == ':' && t[k + 1] == '/' && t[k + 2] == '/') {
			h = k + 3;
			break;
		}
	size_t x = h;
	while (x < e && t[x] != '/' && t[x] != '?' && t[x] != '#' && t[x] != ':')
		x++;
	for (size_t k = h; k < x; k++)
		if (t[k] == '@')
			h = k + 1;
	*hs = h;
	*he = x;
}

static int word_start(const char *t, size_t i)
{
	return i == 0 || !(sc_alnum((unsigned char)t[i - 1]) || t[i - 1] == '.' ||
			   t[i - 1] == '-' || t[i - 1] == '@' || t[i - 1] == '_');
}

/* 1 when t[0..n) is a word standing for a name ("firstname"): a detail described, not given. */
int described(const char *t, size_t n)
{
	return (word_roles(t, n) & R_NAME) != 0;
}

/*
 * 1 when t[0..n) looks like the local part of an address rather than a
 * word of a sentence: it holds a mark or digit ("jo.b", "sam_k", "jb88"),
 * or is a common mailbox name.
 */
static int mailbox_word(const char *t, size_t n)
{
	static const struct form words[] = {F("info"),	    F("sales"),	    F("hello"),
					    F("hi"),	    F("orders"),    F("contact"),
					    F("admin"),	    F("enquiries"), F("enquiry"),
					    F("accounts"),  F("office"),    F("team"),
					    F("support"),   F("help"),	    F("mail"),
					    F("studio"),    F("shop"),	    F("trade"),
					    F("wholesale"), F("bookings"),  F("customerservice"),
					    F("service"),   F("returns"),   F("billing")};
	for (size_t i = 0; i < n; i++)
		if (!sc_alpha((unsigned char)t[i]))
			return 1;
	return one_of(t, n, words, COUNT(words));
}

int address_at(const char *t, size_t n, size_t i, const struct screen_allow *a, size_t *start,
	       size_t *end)
{
	size_t at = at_form(t + i, n - i);
	if (!at || i == 0 || !sc_local((unsigned char)t[i - 1]))
		return 0;
	size_t s = i;
	while (s > 0 && sc_local((unsigned char)t[s - 1]))
		s--;
	int labels, written;
	size_t e = host_at(t, n, i + at, &labels, &written);
	if (!e) { /* "jane at gmail": a mail host named without its domain */
		size_t w = i + at;
		while (w < n && sc_alnum((unsigned char)t[w]))
			w++;
		if (w > i + at && (word_roles(t + i + at, w - i - at) & R_MAILHOST))
			e = w, written = 1;
	}
	if (!e || (e < n && sc_alnum((unsigned char)t[e])))
		return 0;
	if (described(t + s, i - s))
		return 2;
	if (allowed_host(a, t + i + at, e - i - at))
		return 0;
	/*
	 * "us at janescandles.co.uk", "cheaper at janescandles.co.uk" are
	 * links; "jane at gmail.com", "jo.b at shop.com", "sales at shop dot
	 * com" are addresses.
	 */
	int mailbox = mailbox_word(t + s, i - s);
	if (!mailbox && (word_roles(t + s, i - s) & SENTENCE))
		return 0;
	if (t[i + 1] == 'a' && !written && !mailbox &&
	    !(word_roles(t + i + at, e - i - at) & R_MAILHOST))
		return 0;
	/* "tom dot hughes at ...": the local part's dots written out too. */
	for (;;) {
		size_t d = 0;
		if (s >= 5 && memcmp(t + s - 5, " dot ", 5) == 0)
			d = 5;
		else if (s >= 12 && memcmp(t + s - 12, " underscore ", 12) == 0)
			d = 12;
		else if (s >= 3 &&
			 (memcmp(t + s - 3, "(.)", 3) == 0 || memcmp(t + s - 3, "[.]", 3) == 0))
			d = 3;
		if (!d)
			break;
		size_t k = s - d, w = k;
		while (w > 0 && sc_local((unsigned char)t[w - 1]))
			w--;
		if (w == k || word_roles(t + w, k - w))
			break;
		s = w;
	}
	*start = s;
	*end = e;
	return 1;
}

/*
 * 1 when the host at i follows a written "at" that makes it the domain of
 * an address ("jane at shop dot com", found as one) or of a detail
 * described ("my first name at outlook dot com").
 */
static int address_domain(const char *t, size_t n, size_t i, const struct screen_allow *a)
{
	for (size_t k = 2; k <= 9 && k <= i; k++) {
		size_t s, e;
		if (at_form(t + i - k, k) == k && address_at(t, n, i - k, a, &s, &e))
			return 1;
	}
	return 0;
}

/* A link's path written out: "shop dot com slash sale"; the end past it. */
static size_t slashes(const char *t, size_t n, size_t e)
{
	while (e + 8 <= n && memcmp(t + e, " slash ", 7) == 0 &&
	       sc_alnum((unsigned char)t[e + 7])) {
		size_t k = e + 7;
		while (k < n && (sc_alnum((unsigned char)t[k]) || t[k] == '-' || t[k] == '_'))
			k++;
		e = k;
	}
	return e;
}

/*
 * Links: anything after "http://", "https://" or "www.", and bare host
 * names ending in a known top-level domain ("janescandles.co.uk/sale"),
 * including hosts with the dots written out ("janes candles dot co dot
 * uk").  Addresses belong to e-mail; the operator's hosts are allowed.
 */
static void find_urls(const char *t, size_t n, struct found *f)
{
	const struct words *ws = f->ws;
	size_t done = 0; /* the end of the last link */
	for (size_t wi = ws_next(ws, 0, W_LINK); wi < ws->count; wi = ws_next(ws, wi + 1, W_LINK)) {
		size_t i = ws->w[wi].s;
		if (i < done || !word_start(t, i))
			continue;
		/* Only where a dot, written or not, or a scheme's colon follows the first label. */
		size_t r = i + ws->w[wi].len;
		while (r < n && sc_label((unsigned char)t[r]))
			r++;
		if (r + 1 >= n)
			continue;
		char c = t[r] == ' ' ? t[r + 1] : t[r]; /* what a written dot would start with */
		if (!((t[r] == '.' && sc_alnum((unsigned char)t[r + 1])) || t[r] == ':' ||
		      ((c == '.' || c == 'd' || closing(c)) && dot_form(t + r, n - r, 0))))
			continue;
		size_t e = 0;
		int scheme = (n - i > 7 && memcmp(t + i, "http://", 7) == 0) ||
			     (n - i > 8 && memcmp(t + i, "https://", 8) == 0) ||
			     (n - i > 4 && memcmp(t + i, "www.", 4) == 0 &&
			      sc_alnum((unsigned char)t[i + 4]));
		int labels = 0, written = 0;
		if (scheme) {
			e = path_end(t, n, i);
		} else {
			size_t stop;
			size_t h = host_scan(t, n, i, &labels, &written, &stop);
			/* The labels read need not be read again from each of them (linear work).
			 */
			if (!h && stop > done)
				done = stop;
			/* Not an address's local part, nor "e.g."-like words. */
			if (h && (h >= n || t[h] != '@') && !(i > 0 && t[i - 1] == '@')) {
				int all_digits = 1, letters = 0;
				for (size_t k = i; k < h; k++) {
					all_digits &= sc_digit((unsigned char)t[k]) || t[k] == '.';
					letters += sc_alpha((unsigned char)t[k]);
				}
				size_t first = i;
				while (first < h && sc_label((unsigned char)t[first]))
					first++;
				int stopword = written && (word_roles(t + i, first - i) &
							   (R_STOP | R_DET | R_PREP | R_OPERATOR));
				/* "t.me/x", "m.me/x": one letter only with a path. */
				int short_ok = first - i >= 2 || (h < n && t[h] == '/');
				if (!all_digits && letters >= 3 && short_ok && !stopword &&
				    !address_domain(t, n, i, f->allow))
					e = h < n && t[h] == '/' ? path_end(t, n, h)
								 : slashes(t, n, h);
			}
		}
		if (e > i) {
			size_t hs, he;
			link_host(t, i, e, &hs, &he);
			if (!allowed_host(f->allow, t + hs, he - hs))
				found_add(f, i, e, SCREEN_URL, scheme ? 95 : written ? 75 : 85);
			done = e;
		}
	}
}

/*
 * The end of a handle's name starting at b (at most 31 characters, no
 * closing dot), with its letters and its other characters counted.
 */
static size_t handle_end(const char *t, size_t n, size_t b, int *letters, int *marks)
{
	size_t e = b;
	while (e < n && sc_handle((unsigned char)t[e]) && e - b <= 30)
		e++;
	while (e > b && t[e - 1] == '.')
		e--;
	*letters = *marks = 0;
	for (size_t k = b; k < e; k++) {
		*letters += sc_alpha((unsigned char)t[k]);
		*marks += !sc_alpha((unsigned char)t[k]);
	}
	return e;
}

/* 1 for a time of day written as a word: "3pm", "10.30am". */
static int clock_time(const char *t, size_t n)
{
	size_t k = 0;
	while (k < n && k < 5 && (sc_digit((unsigned char)t[k]) || t[k] == '.'))
		k++;
	return k > 0 && sc_digit((unsigned char)t[0]) && n - k == 2 &&
	       (t[k] == 'a' || t[k] == 'p') && t[k + 1] == 'm';
}

/*
 * Handles: "@name" not preceded by an address's local part, with a letter
 * in it ("@ £5" and "@3pm" are not), and a name given after its platform
 * ("IG: jane.makes", "my snap is jb_2001", "tiktok - janemakes").
 */
static void find_handles(const char *t, size_t n, struct found *f)
{
	for (const char *p = f->ws->signs & WS_ATSIGN ? memchr(t, '@', n) : NULL; p;
	     p = memchr(p + 1, '@', n - (size_t)(p + 1 - t))) {
		size_t i = (size_t)(p - t);
		if (i > 0 && (sc_alnum((unsigned char)t[i - 1]) || sc_oneof(t[i - 1], "._%+-")))
			continue; /* an address */
		/* "@ cosy.corner.knits": a space after the @ only before a name with marks. */
		size_t b = i + 1 < n && t[i + 1] == ' ' ? i + 2 : i + 1;
		int letters, marks;
		size_t e = handle_end(t, n, b, &letters, &marks);
		if (!letters || e - b < 2 || (e < n && t[e] == '@') || (b > i + 1 && !marks) ||
		    clock_time(t + b, e - b))
			continue;
		/* "@shop.co" is a handle after its platform ("insta @shop.co"), else a stray
		 * domain. */
		int labels, written;
		if (host_at(t, n, b, &labels, &written) >= e &&
		    ((word_roles(t + b, e - b) & R_MAILHOST) ||
		     !words_before(f->ws, i, 3, R_PLATFORM | R_FIND)))
			continue;
		if (e - b == 7 && memcmp(t + b, "kapsule", 7) == 0)
			continue;
		found_add(f, i, e, SCREEN_HANDLE, 85);
	}
	const struct words *ws = f->ws;
	struct tok w;
	for (size_t wi = ws_next(ws, 0, W_NAMED); wi < ws->count;
	     wi = ws_next(ws, wi + 1, W_NAMED)) {
		tok_get(ws, wi, &w);
		if (!(w.roles & (R_PLATFORM | R_HANDLEWORD)) || (w.roles & R_REFERENCE))
			continue;
		/* The separator: ':', '-', '=', "is", "as", "name is" ... */
		size_t k = w.e;
		int said = 0;
		for (int step = 0; step < 3 && k < n; step++) {
			size_t sp = k;
			while (k < n && t[k] == ' ')
				k++;
			/* "IG: x", "tiktok - x", "snap, x_2"; not "insta-pot". */
			int spaced = k > sp || (k + 1 < n && t[k + 1] == ' ');
			if (k < n && (t[k] == ':' || ((t[k] == '-' || t[k] == '=') && spaced))) {
				k++;
				said = 2;
				continue;
			}
			if (k < n && t[k] == ',') {
				k++;
				continue;
			}
			struct tok x;
			size_t xi = tok_find(ws, k);
			if (xi < ws->count && ws->w[xi].s == k && (tok_get(ws, xi, &x), 1) &&
			    (x.roles & (R_IS | R_HANDLEWORD | R_NAME | R_PRONOUN)) &&
			    !(x.roles & R_PLATFORM)) {
				said |= (x.roles & R_IS) != 0;
				k = x.e;
				continue;
			}
			break;
		}
		if (k >= n || t[k] == '@' || !sc_alnum((unsigned char)t[k]))
			continue;
		int letters, marks;
		size_t e = handle_end(t, n, k, &letters, &marks);
		uint64_t roles = word_roles(t + k, e - k);
		/* A plain word is a handle only after a colon or dash: "IG: janemakes". */
		if (e - k < 3 || !letters || roles || (said < 2 && !marks))
			continue;
		/* "tiktok: thecandleden.uk": a name on the platform, though it reads as a host. */
		int labels, written, link = 0;
		if (host_at(t, n, k, &labels, &written) >= e) {
			for (int j = 0; j < f->n; j++)
				if (f->spans[j].kind == SCREEN_URL && f->spans[j].start == k &&
				    f->spans[j].end == e && (w.roles & R_PLATFORM) && said == 2)
					f->spans[j].kind = SCREEN_HANDLE;
			link = 1;
		}
		if (link)
			continue;
		found_add(f, k, e, SCREEN_HANDLE, said ? 75 : 65);
		wi = tok_find(ws, e) - 1;
	}
}

void find_links(const char *t, size_t n, struct found *f)
{
	if (f->ws->signs & WS_LINKISH)
		find_urls(t, n, f);
	find_handles(t, n, f);
}
