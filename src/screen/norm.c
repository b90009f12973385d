/*
 * norm.c - folding text for the detectors.  See norm.h.
 */
#include "screen/norm.h"

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
	if (nm->n + more + 1 <= nm->cap)
		return 0;
	size_t cap = nm->cap ? nm->cap : 64;
	while (cap < nm->n + more + 1)
		cap *= 2;
	size_t most = 3 * nm->srcn + FOLD_ROOM;
	if (nm->n + more + 1 > most)
		return 1; /* the bound above: see MAX_PARTS */
	if (cap > most)
		cap = most;
	char *t = realloc(nm->text, cap);
	if (!t)
		return -1;
	nm->text = t;
	uint32_t *f = realloc(nm->from, cap * sizeof(*f));
	if (!f)
		return -1;
	nm->from = f;
	nm->cap = cap;
	return 0;
}

/* Appends cp (as UTF-8) coming from input offset at; grow()'s failures. */
static int emit(struct norm *nm, int32_t cp, size_t at)
{
	int r = grow(nm, 4);
	if (r)
		return r;
	utf8proc_uint8_t b[4];
	utf8proc_ssize_t k = utf8proc_encode_char(cp, b);
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		nm->text[nm->n] = (char)b[i];
		nm->from[nm->n++] = (uint32_t)at;
	}
	return 0;
}

/* norm_text's answer to a failed grow(): the bound, or no memory. */
static enum kerr fold_failed(int r)
{
	return r > 0 ? KERR_LIMIT : KERR_INTERNAL;
}

enum kerr norm_text(const char *src, size_t n, struct norm *out)
{
	memset(out, 0, sizeof(*out));
	out->src = src;
	out->srcn = n;
	if (n > UINT32_MAX / 2)
		return KERR_TOO_LARGE;
	int r;
	if ((r = grow(out, n + n / 4)))
		return fold_failed(r);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)src;
	size_t i = 0;
	utf8proc_int32_t parts[32];
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) { /* not UTF-8: a byte that stands for itself */
			if ((r = emit(out, 0xFFFD, i)))
				return fold_failed(r);
			i++;
			continue;
		}
		size_t at = i;
		i += (size_t)len;
		if (cp < 0x80) { /* the common case */
			if ((r = emit(out, cp >= 'A' && cp <= 'Z' ? cp + 32 : cp, at)))
				return fold_failed(r);
			continue;
		}
		if (invisible(cp))
			continue;
		const utf8proc_property_t *prop = utf8proc_get_property(cp);
		if (prop->category == UTF8PROC_CATEGORY_PD) { /* every dash reads as '-' */
			if ((r = emit(out, '-', at)))
				return fold_failed(r);
			continue;
		}
		if (prop->category == UTF8PROC_CATEGORY_ZS) {
			if ((r = emit(out, ' ', at)))
				return fold_failed(r);
			continue;
		}
		int32_t d = as_digit(cp);
		if (d >= 0) {
			if ((r = emit(out, d, at)))
				return fold_failed(r);
			continue;
		}
		int last = 0;
		utf8proc_ssize_t m = utf8proc_decompose_char(
		    cp, parts, 32,
		    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
		    &last);
		if (m <= 0 || m > MAX_PARTS) {
			parts[0] = cp;
			m = 1;
		}
		for (utf8proc_ssize_t k = 0; k < m; k++) {
			int32_t c = parts[k];
			if (invisible(c))
				continue;
			int32_t l = as_latin(c);
			int32_t dd = as_digit(c);
			if (utf8proc_get_property(c)->category == UTF8PROC_CATEGORY_ZS)
				c = ' ';
			if ((r = emit(out, l >= 0 ? l : dd >= 0 ? dd : c, at)))
				return fold_failed(r);
		}
	}
	out->text[out->n] = '\0';
	return KERR_OK;
}

void norm_span(const struct norm *nm, size_t s, size_t e, size_t *start, size_t *end)
{
	if (s >= nm->n) {
		*start = *end = nm->srcn;
		return;
	}
	*start = nm->from[s];
	size_t last = nm->from[e > s ? e - 1 : s];
	/* The end of the input character the last output byte came from. */
	utf8proc_int32_t cp;
	utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)nm->src + last,
						(utf8proc_ssize_t)(nm->srcn - last), &cp);
	*end = last + (len > 0 ? (size_t)len : 1);
}

void norm_free(struct norm *nm)
{
	free(nm->text);
	free(nm->from);
	memset(nm, 0, sizeof(*nm));
}
