/*
 * log.c - JSON log lines.  Escaping follows RFC 8259: quote, backslash and
 * control characters are escaped; other bytes pass through (callers log
 * UTF-8 or cut at a character boundary).
 */
#include "base/log.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/utf8.h"

static atomic_int min_level = LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level lvl)
{
	atomic_store(&min_level, (int)lvl);
}

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

int log_enabled(enum log_level lvl)
{
	return (int)lvl >= atomic_load(&min_level);
}

/* Appends raw bytes, keeping room for a closing quote and "}\n". */
static void put(struct logline *l, const char *p, size_t n)
{
	if (l->full || l->len + n + 4 > sizeof(l->buf)) {
		l->full = 1;
		return;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

/* Length of the UTF-8 sequence starting at p (n bytes left), or 0 when invalid. */
static size_t seq_len(const unsigned char *p, size_t n)
{
	size_t k = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (p[0] < 0xC2 || p[0] > 0xF4 || n < k)
		return 0;
	return utf8_valid((const char *)p, k) ? k : 0;
}

/*
 * Appends val as a JSON string.  When it does not fit, as much as fits is
 * kept, never cutting an escape or a UTF-8 character, and the string is
 * closed in the bytes put() keeps in reserve.  Bytes that are not UTF-8
 * become U+FFFD so the line stays valid.
 */
static void put_escaped(struct logline *l, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	put(l, "\"", 1);
	if (l->full)
		return;
	for (size_t i = 0; i < n && !l->full;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			put(l, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(l, e, 6);
			i++;
		} else if (c < 0x80) {
			put(l, (const char *)p + i, 1);
			i++;
		} else {
			size_t k = seq_len(p + i, n - i);
			if (k) {
				put(l, (const char *)p + i, k);
				i += k;
			} else {
				put(l, "\\ufffd", 6);
				i++;
			}
		}
	}
	/* put() always leaves room for this quote and the closing "}\n". */
	l->buf[l->len++] = '"';
}

/*
 * Starts a ,"key": member when there is room for it and a number after it
 * (strings are cut to fit); otherwise marks the line full and returns 0.
 */
static int put_key(struct logline *l, const char *key)
{
	size_t n = strlen(key); /* keys are program constants: no escaping */
	if (l->full || l->len + n + 4 + 56 > sizeof(l->buf)) {
		l->full = 1;
		return 0;
	}
	put(l, ",\"", 2);
	put(l, key, n);
	put(l, "\":", 2);
	return 1;
}

void log_begin(struct logline *l, enum log_level lvl, const char *msg)
{
	char ts[32];
	clock_format(clock_now_ms(), ts);
	l->len = 0;
	l->full = 0;
	put(l, "{\"ts\":\"", 7);
	put(l, ts, strlen(ts));
	put(l, "\",\"level\":\"", 11);
	put(l, level_names[lvl], strlen(level_names[lvl]));
	put(l, "\",\"msg\":", 8);
	put_escaped(l, msg, strlen(msg));
}

void log_strn(struct logline *l, const char *key, const char *val, size_t n)
{
	if (put_key(l, key))
		put_escaped(l, val ? val : "", val ? n : 0);
}

void log_str(struct logline *l, const char *key, const char *val)
{
	log_strn(l, key, val, val ? strlen(val) : 0);
}

void log_int(struct logline *l, const char *key, int64_t val)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", (long long)val);
	if (put_key(l, key))
		put(l, num, (size_t)n);
}

void log_double(struct logline *l, const char *key, double val)
{
	char num[48];
	int n;
	if (!isfinite(val))
		n = snprintf(num, sizeof(num), "null");
	else if (fabs(val) < 1e15)
		n = snprintf(num, sizeof(num), "%.3f", val);
	else
		n = snprintf(num, sizeof(num), "%.6e", val);
	if (put_key(l, key))
		put(l, num, (size_t)n);
}

void log_end(struct logline *l)
{
	/* put() always leaves room for these bytes. */
	l->buf[l->len++] = '}';
	l->buf[l->len++] = '\n';
	size_t off = 0;
	while (off < l->len) {
		ssize_t w = write(STDERR_FILENO, l->buf + off, l->len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

void log_msg(enum log_level lvl, const char *msg, const char *key, const char *val)
{
	if (!log_enabled(lvl))
		return;
	struct logline l;
	log_begin(&l, lvl, msg);
	if (key)
		log_str(&l, key, val);
	log_end(&l);
}
