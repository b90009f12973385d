/*
 * norm.c - folding text for the detectors.  See norm.h.
 */
#include "screen/norm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Zeros of the decimal digit sets that NFKC leaves alone. */
static const int32_t digit_zeros[] = {
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
};

/* Cyrillic and Greek letters (after case folding) that pass for Latin ones. */
static const struct {
	int32_t cp;
	char latin;
} look_alikes[] = {
    {0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043A, 'k'}, {0x043C, 'm'}, {0x043D, 'h'},
    {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'}, {0x0445, 'x'},
    {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x04BB, 'h'}, {0x0501, 'd'}, {0x051B, 'q'},
    {0x051D, 'w'}, {0x03B1, 'a'}, {0x03B2, 'b'}, {0x03B5, 'e'}, {0x03B9, 'i'}, {0x03BA, 'k'},
    {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
    {0x0261, 'g'}, {0x0131, 'i'}, {0x1D00, 'a'}, {0x0251, 'a'},
};

static int32_t as_digit(int32_t cp)
{
	for (size_t i = 0; i < sizeof(digit_zeros) / sizeof(digit_zeros[0]); i++)
		if (cp >= digit_zeros[i] && cp <= digit_zeros[i] + 9)
			return '0' + (cp - digit_zeros[i]);
	return -1;
}

static int32_t as_latin(int32_t cp)
{
	for (size_t i = 0; i < sizeof(look_alikes) / sizeof(look_alikes[0]); i++)
		if (look_alikes[i].cp == cp)
			return look_alikes[i].latin;
	return -1;
}

/* Characters that are there to be invisible. */
static int invisible(int32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
	       cp == 0x00AD || cp == 0x180E || cp == 0x034F || (cp >= 0xFE00 && cp <= 0xFE0F);
}

/*
 * Memory stays within a small multiple of the input whatever it holds: a
 * character whose folding is longer than MAX_PARTS code points (Arabic
 * ligatures such as U+FDFA, squared words) is kept as it is, since no
 * contact detail hides in it, and the folded text may not pass three times
 * the input plus FOLD_ROOM (ordinary text stays near its own length; the
 * worst single characters reach two and a half times).  Past that the
 * folding fails with KERR_LIMIT rather than leave any text unfolded, and
 * callers withhold what they cannot screen.
 */
#define MAX_PARTS 4
#define FOLD_ROOM 256

static int grow(struct norm *nm, size_t more)
{
	size_t need = nm->n + more + 1 + NORM_PAD;
	if (need <= nm->cap)
		return 0;
	size_t cap = nm->cap ? nm->cap : 64;
	while (cap < need)
		cap *= 2;
	size_t most = 3 * nm->srcn + FOLD_ROOM;
	if (nm->n + more + 1 > most)
		return 1; /* the bound above: see MAX_PARTS */
	if (cap > most + NORM_PAD)
		cap = most + NORM_PAD;
	char *t;
	if (nm->text && nm->text == nm->lent_text) { /* out of the lent room */
		if ((t = malloc(cap)))
			memcpy(t, nm->text, nm->n);
	} else {
		t = realloc(nm->text, cap);
	}
	if (!t)
		return -1;
	nm->text = t;
	if (nm->from) {
		uint32_t *f = realloc(nm->from, cap * sizeof(*f));
		if (!f)
			return -1;
		nm->from = f;
	}
	nm->cap = cap;
	return 0;
}

/* The runs so far turned into one offset per output byte; the runs freed. */
static int to_bytes(struct norm *nm)
{
	uint32_t *from = malloc(nm->cap * sizeof(*from));
	if (!from)
		return -1;
	size_t s = 0;
	for (size_t i = 0; i < nm->n; i++) {
		while (s + 1 < nm->nsegs && nm->segs[s + 1].out <= i)
			s++;
		const struct norm_seg *g = &nm->segs[s];
		from[i] = g->in & NORM_ONE ? g->in & ~NORM_ONE : g->in + (uint32_t)(i - g->out);
	}
	if (nm->segs != nm->lent_segs)
		free(nm->segs);
	nm->segs = NULL;
	nm->nsegs = nm->segcap = 0;
	nm->from = from;
	return 0;
}

/* Offsets for output bytes [from, nm->n), in the mode of to_bytes(). */
static void note_bytes(struct norm *nm, size_t first)
{
	for (size_t i = first; i < nm->n; i++)
		nm->from[i] = nm->cur.in & NORM_ONE ? nm->cur.in & ~NORM_ONE
						    : nm->cur.in + (uint32_t)(i - nm->cur.out);
}

/* Output bytes from here on come from input at (one for one unless one). */
static int mark(struct norm *nm, size_t at, int one)
{
	uint32_t in = (uint32_t)at | (one ? NORM_ONE : 0);
	if (!nm->nsegs && nm->segcap && !nm->from) { /* the first run, into room there is */
		nm->segs[0] = (struct norm_seg){(uint32_t)nm->n, in};
		nm->nsegs = 1;
		return 0;
	}
	/* Runs cost eight bytes each: past four bytes an output byte, one offset a byte is less. */
	if (!nm->from && (nm->nsegs + 1) * sizeof(struct norm_seg) > nm->n * 4 + 4096 &&
	    to_bytes(nm))
		return -1;
	if (nm->from) {
		nm->cur = (struct norm_seg){(uint32_t)nm->n, in};
		return 0;
	}
	if (nm->nsegs) {
		struct norm_seg *last = &nm->segs[nm->nsegs - 1];
		if (last->out == nm->n) { /* nothing came of the last one */
			last->in = in;
			return 0;
		}
		if (!one && !(last->in & NORM_ONE) && last->in + (nm->n - last->out) == at)
			return 0; /* goes on one for one */
	}
	if (nm->nsegs == nm->segcap) {
		size_t cap = nm->segcap ? nm->segcap * 2 : 16;
		struct norm_seg *s;
		if (nm->segs && nm->segs == nm->lent_segs) { /* out of the lent room */
			if ((s = malloc(cap * sizeof(*s))))
				memcpy(s, nm->segs, nm->nsegs * sizeof(*s));
		} else {
			s = realloc(nm->segs, cap * sizeof(*s));
		}
		if (!s)
			return -1;
		nm->segs = s;
		nm->segcap = cap;
	}
	nm->segs[nm->nsegs++] = (struct norm_seg){(uint32_t)nm->n, in};
	return 0;
}

/* Appends cp (as UTF-8); grow()'s failures. */
static int emit(struct norm *nm, int32_t cp)
{
	int r = grow(nm, 4);
	if (r)
		return r;
	size_t first = nm->n;
	nm->n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)nm->text + nm->n);
	if (nm->from)
		note_bytes(nm, first);
	return 0;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Sixteen ASCII bytes in lower case (other bytes as they are). */
static inline __m128i lower16(__m128i x)
{
	__m128i is_upper = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'A'))),
					  _mm_set1_epi8((char)(-128 + 26)));
	return _mm_or_si128(x, _mm_and_si128(is_upper, _mm_set1_epi8(0x20)));
}
#endif

/*
 * Copies the ASCII src[0..n) to dst in lower case, sixteen bytes at a
 * time with SSE2 (eight without).
 */
static void lower_ascii(char *dst, const char *src, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16)
		_mm_storeu_si128(
		    (__m128i *)(void *)(dst + i),
		    lower16(_mm_loadu_si128((const __m128i *)(const void *)(src + i))));
#else
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, src + i, 8);
		/* High bit of each byte: at least 'A', and not past 'Z'. */
		uint64_t ge_a = x + ones * (0x80 - 'A');
		uint64_t gt_z = x + ones * (0x7f - 'Z');
		x |= ((ge_a & ~gt_z) & highs) >> 2;
		memcpy(dst + i, &x, 8);
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

/* The end of the run of ASCII bytes from i, sixteen (or eight) bytes at a time where it can. */
static size_t ascii_run(const char *src, size_t i, size_t n)
{
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		int high =
		    _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(src + i)));
		if (high)
			return i + (size_t)__builtin_ctz((unsigned)high);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, src + i, 8);
		if (x & 0x8080808080808080ull)
			break;
	}
	while (i < n && (unsigned char)src[i] < 0x80)
		i++;
	return i;
}

/*
 * Copies src[0..n) to dst in lower case and returns 1 when it is all ASCII;
 * 0 (dst then holds nothing of use) when it is not.  dst has room for 16
 * bytes past n.
 */
static int all_ascii_lowered(char *dst, const char *src, size_t n)
{
#ifdef __SSE2__
	unsigned high = 0;
	size_t i = 0;
	for (; i + 16 <= n; i += 16) { /* straight from src, sixteen bytes at a time */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
		high |= (unsigned)_mm_movemask_epi8(x);
		_mm_storeu_si128((__m128i *)(void *)(dst + i), lower16(x));
	}
	if (i < n && n >= 16) { /* the last sixteen bytes, again in part */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + n - 16));
		high |= (unsigned)_mm_movemask_epi8(x);
		_mm_storeu_si128((__m128i *)(void *)(dst + n - 16), lower16(x));
	} else if (i < n) { /* a short text through dst, which has room for sixteen */
		memcpy(dst, src, n);
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)dst);
		high |= (unsigned)_mm_movemask_epi8(x) & ((1u << n) - 1); /* only the text's */
		_mm_storeu_si128((__m128i *)(void *)dst, lower16(x));
	}
	return high == 0;
#else
	if (ascii_run(src, 0, n) != n)
		return 0;
	lower_ascii(dst, src, n);
	return 1;
#endif
}

/* What cp folds to, worked out with utf8proc: see folded(). */
static int fold_char(int32_t cp, int32_t out[MAX_PARTS])
{
	if (invisible(cp))
		return -1;
	const utf8proc_property_t *prop = utf8proc_get_property(cp);
	if (prop->category == UTF8PROC_CATEGORY_PD) { /* every dash reads as '-' */
		out[0] = '-';
		return 1;
	}
	if (prop->category == UTF8PROC_CATEGORY_ZS) {
		out[0] = ' ';
		return 1;
	}
	int32_t d = as_digit(cp);
	if (d >= 0) {
		out[0] = d;
		return 1;
	}
	utf8proc_int32_t parts[32];
	int last = 0;
	utf8proc_ssize_t m = utf8proc_decompose_char(
	    cp, parts, 32,
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, &last);
	if (m <= 0 || m > MAX_PARTS) {
		parts[0] = cp;
		m = 1;
	}
	int count = 0;
	for (utf8proc_ssize_t k = 0; k < m; k++) {
		int32_t c = parts[k];
		if (invisible(c))
			continue;
		int32_t l = as_latin(c);
		int32_t dd = as_digit(c);
		if (utf8proc_get_property(c)->category == UTF8PROC_CATEGORY_ZS)
			c = ' ';
		out[count++] = l >= 0 ? l : dd >= 0 ? dd : c;
	}
	return count;
}

/*
 * Characters folded lately, so that the text of a message full of '£' or
 * curly quotes is not worked out again for each: an entry holds a code
 * point (high half; never 0, since ASCII does not come here), whether it
 * is invisible (bit 31) and the one code point it folds to.  Entries are
 * read and written whole, so threads may share the table; a character
 * that folds to more or fewer than one is worked out each time.
 */
#define RECENT 1024
static _Atomic uint64_t recent[RECENT];

/*
 * The code points cp folds to, in out[] (how many: 0 when its parts are
 * all invisible), or -1 when cp itself is invisible and leaves no trace.
 */
static int folded(int32_t cp, int32_t out[MAX_PARTS])
{
	_Atomic uint64_t *slot = &recent[(uint32_t)cp % RECENT];
	uint64_t e = atomic_load_explicit(slot, memory_order_relaxed);
	if (e >> 32 == (uint32_t)cp) {
		if (e & 0x80000000u)
			return -1;
		out[0] = (int32_t)(e & 0x7fffffffu);
		return 1;
	}
	int m = fold_char(cp, out);
	if (m == 1 || m < 0)
		atomic_store_explicit(
		    slot, (uint64_t)(uint32_t)cp << 32 | (m < 0 ? 0x80000000u : (uint32_t)out[0]),
		    memory_order_relaxed);
	return m;
}

/* norm_text's answer to a failed grow(): the bound, or no memory. */
static enum kerr fold_failed(int r)
{
	return r > 0 ? KERR_LIMIT : KERR_INTERNAL;
}

static enum kerr fold_text(const char *src, size_t n, struct norm *out);

enum kerr norm_text(const char *src, size_t n, struct norm *out)
{
	memset(out, 0, sizeof(*out));
	return fold_text(src, n, out);
}

enum kerr norm_text_in(const char *src, size_t n, struct norm *out, struct norm_room *room)
{
	memset(out, 0, sizeof(*out));
	out->text = out->lent_text = room->text;
	out->cap = sizeof(room->text);
	out->segs = out->lent_segs = room->segs;
	out->segcap = sizeof(room->segs) / sizeof(room->segs[0]);
	return fold_text(src, n, out);
}

static enum kerr fold_text(const char *src, size_t n, struct norm *out)
{
	out->src = src;
	out->srcn = n;
	if (n > UINT32_MAX / 4)
		return KERR_TOO_LARGE;
	int r;
	if ((r = grow(out, n + n / 4)))
		return fold_failed(r);
	if (all_ascii_lowered(out->text, src, n)) { /* the common case: one ASCII run */
		if ((r = mark(out, 0, 0)))
			return fold_failed(r);
		out->n = n;
		memset(out->text + n, 0, NORM_PAD + 1);
		return KERR_OK;
	}
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)src;
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)src[i] < 0x80) { /* the common case: a run of ASCII */
			size_t run = ascii_run(src, i, n);
			if ((r = grow(out, run - i)) || (r = mark(out, i, 0)))
				return fold_failed(r);
			lower_ascii(out->text + out->n, src + i, run - i);
			size_t first = out->n;
			out->n += run - i;
			if (out->from)
				note_bytes(out, first);
			i = run;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) { /* not UTF-8: a byte that stands for itself */
			if ((r = mark(out, i, 1)) || (r = emit(out, 0xFFFD)))
				return fold_failed(r);
			i++;
			continue;
		}
		size_t at = i;
		i += (size_t)len;
		int32_t parts[MAX_PARTS];
		int m = folded(cp, parts);
		if (m < 0) /* invisible */
			continue;
		if ((r = mark(out, at, 1)))
			return fold_failed(r);
		for (int k = 0; k < m; k++)
			if ((r = emit(out, parts[k])))
				return fold_failed(r);
	}
	memset(out->text + out->n, 0, NORM_PAD + 1);
	return KERR_OK;
}

size_t norm_from(const struct norm *nm, size_t i)
{
	if (nm->from)
		return nm->from[i];
	size_t lo = 0, hi = nm->nsegs;
	while (hi - lo > 1) { /* the last run starting at or before i */
		size_t mid = lo + (hi - lo) / 2;
		if (nm->segs[mid].out <= i)
			lo = mid;
		else
			hi = mid;
	}
	const struct norm_seg *s = &nm->segs[lo];
	return s->in & NORM_ONE ? s->in & ~NORM_ONE : s->in + (i - s->out);
}

enum kerr norm_closed(struct norm *nm)
{
	if (nm->from)
		return KERR_OK;
	return to_bytes(nm) ? KERR_INTERNAL : KERR_OK;
}

void norm_span(const struct norm *nm, size_t s, size_t e, size_t *start, size_t *end)
{
	if (s >= nm->n) {
		*start = *end = nm->srcn;
		return;
	}
	*start = norm_from(nm, s);
	size_t last = norm_from(nm, e > s ? e - 1 : s);
	/* The end of the input character the last output byte came from. */
	utf8proc_int32_t cp;
	utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)nm->src + last,
						(utf8proc_ssize_t)(nm->srcn - last), &cp);
	*end = last + (len > 0 ? (size_t)len : 1);
}

void norm_free(struct norm *nm)
{
	if (nm->text != nm->lent_text)
		free(nm->text);
	if (nm->segs != nm->lent_segs)
		free(nm->segs);
	free(nm->from);
	/* Freed twice, nothing happens. */
	nm->text = nm->lent_text = NULL;
	nm->segs = nm->lent_segs = NULL;
	nm->from = NULL;
	nm->n = nm->cap = nm->nsegs = nm->segcap = 0;
}
