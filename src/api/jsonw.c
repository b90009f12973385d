/*
 * jsonw.c - streaming JSON writer.  See jsonw.h.
 */
#include "api/jsonw.h"

#include <string.h>

#include "base/clock.h"

void jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static inline void put(struct jw *w, const char *p, size_t n)
{
	struct buf *b = w->b;
	/* The common case: room already there, and within the cap (the
	 * allocation may be larger than the cap allows). */
	if (n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (!w->err && buf_append(b, p, n))
		w->err = 1;
}

/* Bytes that put_escaped must look at: controls, '"', '\\' and non-ASCII. */
static const unsigned char special[256] = {
    [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 0, [0x80 ... 0xff] = 1,
};

/* Writes the comma a value needs, unless it follows its key. */
static void before_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			put(w, ",", 1);
		w->need_comma[w->depth - 1] = 1;
	}
}

static void open_container(struct jw *w, char c)
{
	before_value(w);
	put(w, &c, 1);
	if (w->depth == JW_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	w->need_comma[w->depth++] = 0;
}

static void close_container(struct jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	put(w, &c, 1);
}

void jw_obj(struct jw *w)
{
	open_container(w, '{');
}

void jw_obj_end(struct jw *w)
{
	close_container(w, '}');
}

void jw_arr(struct jw *w)
{
	open_container(w, '[');
}

void jw_arr_end(struct jw *w)
{
	close_container(w, ']');
}

/* Length of a valid UTF-8 sequence at p, or 0 (same rules as base/utf8.c). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0xC2 || c > 0xF4)
		return 0;
	size_t k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
	    (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
		return 0;
	return k;
}

/*
 * 1 when none of the 8 bytes at p needs attention: each is 0x20..0x7F and
 * neither '"' nor '\\' (a byte-wise test on one 64-bit word).
 */
static int plain8(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t below_space = (x - ones * 0x20) & ~x; /* a byte < 0x20 (or >= 0x80) */
	uint64_t quote = ((x ^ (ones * '"')) - ones) & ~(x ^ (ones * '"'));
	uint64_t slash = ((x ^ (ones * '\\')) - ones) & ~(x ^ (ones * '\\'));
	return ((below_space | quote | slash | x) & high) == 0;
}

static void put_escaped(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	put(w, "\"", 1);
	while (i < n) {
		/* Skip eight plain bytes at a time (the common case). */
		while (i + 8 <= n && plain8(p + i))
			i += 8;
		if (i >= n)
			break;
		unsigned c = p[i];
		if (!special[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t k = utf8_seq(p + i, n - i);
			if (k) {
				i += k;
				continue;
			}
		}
		put(w, s + run, i - run);
		if (c == '"') {
			put(w, "\\\"", 2);
		} else if (c == '\\') {
			put(w, "\\\\", 2);
		} else if (c == '\n') {
			put(w, "\\n", 2);
		} else if (c == '\r') {
			put(w, "\\r", 2);
		} else if (c == '\t') {
			put(w, "\\t", 2);
		} else if (c < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(w, e, 6);
		} else {
			put(w, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte that is not UTF-8 */
		}
		i++;
		run = i;
	}
	put(w, s + run, n - run);
	put(w, "\"", 1);
}

void jw_key_(struct jw *w, const char *quoted, size_t n)
{
	/* Keys are string literals of plain ASCII: no escaping needed. */
	before_value(w);
	put(w, quoted, n);
	w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	before_value(w);
	if (!s)
		put(w, "null", 4);
	else
		put_escaped(w, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_int(struct jw *w, int64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	before_value(w);
	put(w, tmp + i, sizeof(tmp) - (size_t)i);
}

void jw_bool(struct jw *w, int v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void jw_time(struct jw *w, int64_t ms)
{
	if (!ms) {
		jw_null(w);
		return;
	}
	char t[34];
	t[0] = '"';
	clock_format(ms, t + 1); /* always 24 characters */
	t[25] = '"';
	before_value(w);
	put(w, t, 26);
}

void jw_raw(struct jw *w, const char *json)
{
	before_value(w);
	if (!json)
		put(w, "null", 4);
	else
		put(w, json, strlen(json));
}
