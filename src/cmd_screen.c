/*
 * cmd_screen.c - `kapsule screen`: the screening engine over JSON lines.
 *
 * Reads {"id": ..., "text": "..."} lines on standard input and writes one
 * line per good input line, in input order:
 *   {"id": ..., "findings": [{"kind": "phone", "start": 12, "end": 25}, ...]}
 * with offsets in bytes of the UTF-8 text, end exclusive.  --redact writes
 * {"id": ..., "text": "..."} with the findings replaced instead.  --text
 * "..." screens one string given on the command line (--redact prints its
 * redacted text as it is).  A bad line is reported on standard error with
 * its number, and the rest go on; the exit status is 1 when any line was
 * bad, 0 otherwise.
 *
 * Lines of the usual shape (an object with "id" and "text" and nothing
 * else) are read by a small parser of that shape; any other line goes to
 * jansson, which also words the errors.  Memory stays bounded whatever the
 * input: a line longer than MAX_LINE is skipped unread and reported.
 */
#include "cmd_screen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/jsonw.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "screen/screen.h"

/* A line longer than this is refused: a text at the screening limit, \u-escaped. */
#define MAX_LINE (6 * SCREEN_MAX_INPUT + 4096)
#define CHUNK	 ((size_t)64 << 10)

/* One input line, read. */
struct line {
	struct buf id;	 /* the id as JSON: a string with its quotes, or an integer */
	struct buf text; /* the text, decoded */
};

/* Appends s[0..n) as a JSON string, escaped by the project's JSON writer. */
static void put_string(struct buf *b, const char *s, size_t n)
{
	struct jw w;
	jw_init(&w, b);
	jw_strn(&w, s, n);
}

static void skip_ws(const char *p, size_t n, size_t *i)
{
	while (*i < n && (p[*i] == ' ' || p[*i] == '\t' || p[*i] == '\r' || p[*i] == '\n'))
		(*i)++;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;
		if (d == 16)
			return 0;
		*v = *v << 4 | d;
	}
	return 1;
}

/*
 * Decodes the JSON string at p[*i] (its opening quote) into out; 0 when it
 * is not a well-formed string of valid UTF-8 (the caller falls back).
 */
static int get_string(const char *p, size_t n, size_t *i, struct buf *out)
{
	size_t k = *i + 1, run = k;
	buf_reset(out);
	while (k < n) {
		unsigned char c = (unsigned char)p[k];
		if (c == '"') {
			buf_append(out, p + run, k - run);
			*i = k + 1;
			return utf8_valid(out->data ? out->data : "", out->len);
		}
		if (c < 0x20)
			return 0;
		if (c != '\\') {
			k++;
			continue;
		}
		buf_append(out, p + run, k - run);
		if (k + 1 >= n)
			return 0;
		char e = p[k + 1], plain = 0;
		switch (e) {
		case '"':
		case '\\':
		case '/':
			plain = e;
			break;
		case 'b':
			plain = '\b';
			break;
		case 'f':
			plain = '\f';
			break;
		case 'n':
			plain = '\n';
			break;
		case 'r':
			plain = '\r';
			break;
		case 't':
			plain = '\t';
			break;
		case 'u': {
			unsigned u, lo;
			if (k + 6 > n || !hex4(p + k + 2, &u))
				return 0;
			k += 6;
			if (u >= 0xD800 && u <= 0xDBFF) { /* a pair of surrogates */
				if (k + 6 > n || p[k] != '\\' || p[k + 1] != 'u' ||
				    !hex4(p + k + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return 0;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				k += 6;
			} else if (u >= 0xDC00 && u <= 0xDFFF) {
				return 0;
			}
			char enc[4];
			size_t len = u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;
			if (len == 1)
				enc[0] = (char)u;
			else if (len == 2)
				enc[0] = (char)(0xC0 | u >> 6), enc[1] = (char)(0x80 | (u & 0x3F));
			else if (len == 3)
				enc[0] = (char)(0xE0 | u >> 12),
				enc[1] = (char)(0x80 | ((u >> 6) & 0x3F)),
				enc[2] = (char)(0x80 | (u & 0x3F));
			else
				enc[0] = (char)(0xF0 | u >> 18),
				enc[1] = (char)(0x80 | ((u >> 12) & 0x3F)),
				enc[2] = (char)(0x80 | ((u >> 6) & 0x3F)),
				enc[3] = (char)(0x80 | (u & 0x3F));
			buf_append(out, enc, len);
			run = k;
			continue;
		}
		default:
			return 0;
		}
		buf_append_char(out, plain);
		k += 2;
		run = k;
	}
	return 0;
}

/* An integer token at p[*i] (JSON's form, at most 18 digits) into out; 0 if not one. */
static int get_integer(const char *p, size_t n, size_t *i, struct buf *out)
{
	size_t k = *i;
	if (k < n && p[k] == '-')
		k++;
	size_t d = k;
	while (k < n && p[k] >= '0' && p[k] <= '9')
		k++;
	if (k == d || k - d > 18 || (p[d] == '0' && k - d > 1) ||
	    (k < n && (p[k] == '.' || p[k] == 'e' || p[k] == 'E')))
		return 0;
	if (k - *i == 2 && p[*i] == '-' && p[d] == '0') /* -0 reads as 0 */
		buf_append_char(out, '0');
	else
		buf_append(out, p + *i, k - *i);
	*i = k;
	return 1;
}

/*
 * The usual line: an object with exactly "id" (string or integer) and
 * "text" (string).  0 when the line is anything else; it is then read by
 * jansson, which knows every other case and words the errors.
 */
static int parse_usual(const char *p, size_t n, struct line *in, struct buf *scratch)
{
	size_t i = 0;
	int have_id = 0, have_text = 0;
	buf_reset(&in->id);
	skip_ws(p, n, &i);
	if (i >= n || p[i++] != '{')
		return 0;
	for (;;) {
		skip_ws(p, n, &i);
		if (i + 6 > n || p[i] != '"')
			return 0;
		int is_id = memcmp(p + i, "\"id\"", 4) == 0;
		int is_text = !is_id && i + 6 <= n && memcmp(p + i, "\"text\"", 6) == 0;
		if ((!is_id && !is_text) || (is_id && have_id) || (is_text && have_text))
			return 0;
		i += is_id ? 4 : 6;
		skip_ws(p, n, &i);
		if (i >= n || p[i++] != ':')
			return 0;
		skip_ws(p, n, &i);
		if (i >= n)
			return 0;
		if (is_text) {
			if (p[i] != '"' || !get_string(p, n, &i, &in->text))
				return 0;
			have_text = 1;
		} else if (p[i] == '"') {
			if (!get_string(p, n, &i, scratch))
				return 0;
			put_string(&in->id, scratch->data ? scratch->data : "", scratch->len);
			have_id = 1;
		} else {
			if (!get_integer(p, n, &i, &in->id))
				return 0;
			have_id = 1;
		}
		skip_ws(p, n, &i);
		if (i < n && p[i] == ',') {
			i++;
			continue;
		}
		if (i >= n || p[i++] != '}')
			return 0;
		skip_ws(p, n, &i);
		return i == n && have_id && have_text;
	}
}

/* Any other line, read by jansson: 0 with in filled, or -1 with *why. */
static int parse_other(const char *p, size_t n, struct line *in, const char **why)
{
	json_error_t jerr;
	json_t *o = json_loadb(p, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		*why = "not valid JSON (or not UTF-8)";
		return -1;
	}
	int rc = -1;
	json_t *id = json_object_get(o, "id");
	json_t *text = json_object_get(o, "text");
	if (!json_is_object(o))
		*why = "not a JSON object";
	else if (!id || !(json_is_string(id) || json_is_integer(id)))
		*why = "'id' must be a string or an integer";
	else if (!json_is_string(text))
		*why = "'text' must be a string";
	else {
		buf_reset(&in->id);
		if (json_is_string(id))
			put_string(&in->id, json_string_value(id), json_string_length(id));
		else
			buf_printf(&in->id, "%lld", (long long)json_integer_value(id));
		buf_reset(&in->text);
		buf_append(&in->text, json_string_value(text), json_string_length(text));
		rc = 0;
	}
	json_decref(o);
	return rc;
}

/* Screens text[0..n) and appends the answer's members after the id; -1 with *why. */
static int screen_one(const char *text, size_t n, int redact, struct buf *out, const char **why)
{
	static struct screen_span spans[SCREEN_MAX_SPANS];
	int count = 0;
	enum kerr rc = screen_find(text, n, NULL, spans, SCREEN_MAX_SPANS, &count);
	if (rc == KERR_TOO_LARGE) {
		*why = "'text' is longer than the screening limit (1 MiB)";
		return -1;
	}
	if (rc) {
		*why = "'text' holds more findings than the screening limit (256), or folds to more"
		       " than three times its length";
		return -1;
	}
	if (redact) {
		struct buf b;
		buf_init(&b, 0);
		int bad = screen_redact(text, n, spans, count, &b) != KERR_OK;
		if (!bad) {
			buf_append_str(out, ",\"text\":");
			put_string(out, b.data ? b.data : "", b.len);
		}
		buf_free(&b);
		if (bad) {
			*why = "the redacted text is too large";
			return -1;
		}
		return 0;
	}
	buf_append_str(out, ",\"findings\":[");
	for (int i = 0; i < count; i++)
		buf_printf(out, "%s{\"kind\":\"%s\",\"start\":%zu,\"end\":%zu}", i ? "," : "",
			   screen_kind_name(spans[i].kind), spans[i].start, spans[i].end);
	buf_append_char(out, ']');
	return 0;
}

/* Reads lines of at most MAX_LINE bytes from a stream, in chunks. */
struct reader {
	FILE *f;
	char *buf;
	size_t cap, start, end;
	int eof;
};

/*
 * The next line (without its newline) in [*p, *p + *n): 1; 0 at the end of
 * input; -1 for a line past MAX_LINE, skipped without keeping it.
 */
static int next_line(struct reader *r, const char **p, size_t *n)
{
	size_t scanned = r->start;
	for (;;) {
		char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
		if (nl) {
			*p = r->buf + r->start;
			*n = (size_t)(nl - *p);
			r->start = (size_t)(nl - r->buf) + 1;
			return 1;
		}
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			*p = r->buf + r->start;
			*n = r->end - r->start;
			r->start = r->end;
			return 1;
		}
		if (r->start > 0) { /* move the partial line to the front */
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		scanned = r->end;
		if (r->end == r->cap) { /* too long: skip to the next newline */
			for (;;) {
				size_t got = fread(r->buf, 1, CHUNK, r->f);
				char *q = got ? memchr(r->buf, '\n', got) : NULL;
				if (q) {
					r->start = (size_t)(q - r->buf) + 1;
					r->end = got;
					return -1;
				}
				if (got == 0) {
					r->eof = 1;
					r->start = r->end = 0;
					return -1;
				}
			}
		}
		/* A chunk at a time: the buffer's pages are touched only as far as lines reach. */
		size_t room = r->cap - r->end;
		size_t got = fread(r->buf + r->end, 1, room < CHUNK ? room : CHUNK, r->f);
		if (got == 0)
			r->eof = 1;
		r->end += got;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: kapsule screen [--redact] [--text TEXT]\n"
			"  reads {\"id\": ..., \"text\": \"...\"} lines on standard input\n");
	return 2;
}

int cmd_screen_run(char **args, int nargs)
{
	int redact = 0;
	const char *one = NULL;
	for (int i = 0; i < nargs; i++) {
		if (strcmp(args[i], "--redact") == 0)
			redact = 1;
		else if (strncmp(args[i], "--text=", 7) == 0)
			one = args[i] + 7;
		else if (strcmp(args[i], "--text") == 0 && i + 1 < nargs)
			one = args[++i];
		else
			return usage();
	}
	struct buf out;
	buf_init(&out, 0);
	const char *why = NULL;
	if (one && redact) { /* the redacted text, as it is */
		int removed;
		int rc = screen_redact_text(one, strlen(one), NULL, &out, &removed) != KERR_OK;
		if (rc)
			fprintf(stderr, "kapsule screen: the text cannot be redacted\n");
		else
			printf("%s\n", buf_cstr(&out));
		buf_free(&out);
		return rc;
	}
	if (one) {
		int rc = screen_one(one, strlen(one), 0, &out, &why);
		if (rc)
			fprintf(stderr, "kapsule screen: %s\n", why);
		else
			printf("{%s}\n", buf_cstr(&out) + 1); /* no id: no comma before findings */
		buf_free(&out);
		return rc ? 1 : 0;
	}
	/* Zeroed, so that no byte of it is ever read unset (pages come as they are used). */
	struct reader r = {stdin, calloc(1, MAX_LINE + 1), MAX_LINE + 1, 0, 0, 0};
	struct line in;
	struct buf scratch;
	buf_init(&in.id, 0);
	buf_init(&in.text, 0);
	buf_init(&scratch, 0);
	long long lineno = 0, bad = 0;
	int failed = !r.buf, more;
	const char *p;
	size_t n;
	while (!failed && (more = next_line(&r, &p, &n)) != 0) {
		lineno++;
		why = NULL;
		if (more < 0)
			why = "the line is too long (more than 6 MiB)";
		else {
			while (n && p[n - 1] == '\r')
				n--;
			if (n == 0)
				continue; /* blank lines carry nothing */
			if (!parse_usual(p, n, &in, &scratch))
				parse_other(p, n, &in, &why);
		}
		size_t mark = out.len;
		if (!why) {
			buf_append_str(&out, "{\"id\":");
			buf_append(&out, in.id.data, in.id.len);
			if (screen_one(in.text.data ? in.text.data : "", in.text.len, redact, &out,
				       &why) == 0)
				buf_append_str(&out, "}\n");
		}
		if (why) {
			out.len = mark; /* nothing of a bad line is written */
			fprintf(stderr, "line %lld: %s\n", lineno, why);
			bad++;
		}
		if (out.len >= CHUNK) {
			failed = fwrite(out.data, 1, out.len, stdout) != out.len;
			buf_reset(&out);
		}
	}
	if (!failed && out.len)
		failed = fwrite(out.data, 1, out.len, stdout) != out.len;
	int no_memory = !r.buf;
	free(r.buf);
	buf_free(&in.id);
	buf_free(&in.text);
	buf_free(&scratch);
	buf_free(&out);
	if (no_memory) {
		fprintf(stderr, "kapsule screen: out of memory\n");
		return 1;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "kapsule screen: cannot read standard input\n");
		return 1;
	}
	if (failed || fflush(stdout) == EOF) {
		fprintf(stderr, "kapsule screen: cannot write the answers\n");
		return 1;
	}
	return bad ? 1 : 0;
}
