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
 */
#include "cmd_screen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "screen/screen.h"

/* A line longer than this is refused: its text could not be screened. */
#define MAX_LINE (SCREEN_MAX_INPUT * 6 + 4096)

/* Screens text[0..n); the answer for it (without id) goes into o. */
static int screen_one(const char *text, size_t n, int redact, json_t *o, const char **why)
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
		if (!bad)
			json_object_set_new(o, "text", json_stringn(b.data ? b.data : "", b.len));
		buf_free(&b);
		if (bad) {
			*why = "the redacted text is too large";
			return -1;
		}
		return 0;
	}
	json_t *list = json_array();
	for (int i = 0; i < count; i++)
		json_array_append_new(list, json_pack("{s:s,s:I,s:I}", "kind",
						      screen_kind_name(spans[i].kind), "start",
						      (json_int_t)spans[i].start, "end",
						      (json_int_t)spans[i].end));
	json_object_set_new(o, "findings", list);
	return 0;
}

static int write_line(json_t *o)
{
	int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	return rc || fputc('\n', stdout) == EOF ? -1 : 0;
}

/* One input line: 0 when answered, -1 with *why when refused. */
static int handle_line(const char *line, size_t n, int redact, const char **why)
{
	json_error_t jerr;
	json_t *in = json_loadb(line, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	if (!in) {
		*why = "not valid JSON (or not UTF-8)";
		return -1;
	}
	int rc = -1;
	json_t *id = json_object_get(in, "id");
	json_t *text = json_object_get(in, "text");
	if (!json_is_object(in))
		*why = "not a JSON object";
	else if (!id || !(json_is_string(id) || json_is_integer(id)))
		*why = "'id' must be a string or an integer";
	else if (!json_is_string(text))
		*why = "'text' must be a string";
	else {
		json_t *out = json_object();
		json_object_set(out, "id", id);
		rc =
		    screen_one(json_string_value(text), json_string_length(text), redact, out, why);
		if (!rc && write_line(out)) {
			*why = "cannot write the answer";
			rc = -1;
		}
		json_decref(out);
	}
	json_decref(in);
	return rc;
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
	if (one) {
		const char *why = NULL;
		json_t *out = json_object();
		int rc = screen_one(one, strlen(one), redact, out, &why);
		if (rc)
			fprintf(stderr, "kapsule screen: %s\n", why);
		else if (redact)
			printf("%s\n", json_string_value(json_object_get(out, "text")));
		else
			rc = write_line(out);
		json_decref(out);
		return rc ? 1 : 0;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long long lineno = 0, bad = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		size_t n = (size_t)len;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue; /* blank lines carry nothing */
		const char *why = NULL;
		if (n > MAX_LINE)
			why = "the line is too long";
		if (why || handle_line(line, n, redact, &why)) {
			fprintf(stderr, "line %lld: %s\n", lineno, why);
			bad++;
		}
		if (cap > (size_t)1 << 24) { /* do not keep a huge buffer for small lines */
			free(line);
			line = NULL;
			cap = 0;
		}
	}
	free(line);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "kapsule screen: cannot write the answers\n");
		return 1;
	}
	return bad ? 1 : 0;
}
