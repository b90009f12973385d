/*
 * test_csv.c - the RFC 4180 reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/csv.h"

#define B(s) s, sizeof(s) - 1

/*
 * Reads all of text and renders each record as "LINE:f1|f2|...", one per
 * element of out (at most 8); stops after a -1, recorded as "LINE:ERROR".
 * Returns the number of records, errors included.
 */
static int read_all(const char *text, size_t n, char out[][256])
{
	struct arena a;
	arena_init(&a);
	struct csv c;
	csv_init(&c, text, n);
	int count = 0;
	for (;;) {
		char *fields[CSV_MAX_FIELDS];
		int nf = -7, line = -7;
		int rc = csv_next(&c, &a, fields, &nf, &line);
		if (rc == 0) {
			assert_int_equal(nf, 0);
			break;
		}
		assert_true(count < 8);
		int len = snprintf(out[count], 256, "%d:", line);
		if (rc < 0) {
			snprintf(out[count] + len, 256 - (size_t)len, "ERROR");
			count++;
			break;
		}
		assert_int_equal(rc, 1);
		for (int i = 0; i < nf; i++)
			len += snprintf(out[count] + len, 256 - (size_t)len, "%s%s", i ? "|" : "",
					fields[i]);
		count++;
	}
	arena_free(&a);
	return count;
}

static const struct ccase {
	const char *what;
	const char *text;
	size_t n;
	int count;
	const char *want[4];
} cases[] = {
    {"empty", B(""), 0, {NULL}},
    {"BOM only", B("\xEF\xBB\xBF"), 0, {NULL}},
    {"one record no newline", B("a,b,c"), 1, {"1:a|b|c"}},
    {"two records", B("a,b,c\n1,2,3\n"), 2, {"1:a|b|c", "2:1|2|3"}},
    {"CRLF", B("a,b\r\nc,d\r\n"), 2, {"1:a|b", "2:c|d"}},
    {"CRLF no final", B("a,b\r\nc,d"), 2, {"1:a|b", "2:c|d"}},
    {"empty fields", B(",,\nx,,\n"), 2, {"1:||", "2:x||"}},
    {"quoted empty", B("\"\",\"\"\n"), 1, {"1:|"}},
    {"quoted comma", B("\"x,y\",z\n"), 1, {"1:x,y|z"}},
    {"doubled quotes", B("\"he said \"\"hi\"\"\",ok\n"), 1, {"1:he said \"hi\"|ok"}},
    {"only a doubled quote", B("\"\"\"\"\n"), 1, {"1:\""}},
    {"quoted newline", B("\"line1\nline2\",b\nnext,row\n"), 2, {"1:line1\nline2|b", "3:next|row"}},
    {"two quoted newlines", B("a,\"x\n\ny\"\nq\n"), 2, {"1:a|x\n\ny", "4:q"}},
    {"quoted CRLF kept", B("\"x\r\ny\",z\r\nq\r\n"), 2, {"1:x\r\ny|z", "3:q"}},
    {"BOM skipped", B("\xEF\xBB\xBFname,email\nAnn,a@x.io\n"), 2, {"1:name|email", "2:Ann|a@x.io"}},
    {"BOM not at start kept",
     B("a,\xEF\xBB\xBF"
       "b\n"),
     1,
     {"1:a|\xEF\xBB\xBF"
      "b"}},
    {"spaces kept", B(" a , b \n"), 1, {"1: a | b "}},
    {"quoted last field", B("a,\"b\""), 1, {"1:a|b"}},
    {"UTF-8 kept", B("caf\xC3\xA9,\"\xE2\x82\xAC 5\"\n"), 1, {"1:caf\xC3\xA9|\xE2\x82\xAC 5"}},
    /* Malformed records: -1 with the line where the record starts. */
    {"unterminated quote", B("\"abc"), 1, {"1:ERROR"}},
    {"unterminated after good", B("ok,1\n\"bad\n\nmore"), 2, {"1:ok|1", "2:ERROR"}},
    {"unterminated after multi-line", B("\"a\nb\",c\n\"open"), 2, {"1:a\nb|c", "3:ERROR"}},
    {"text after closing quote", B("\"a\"b,c\n"), 1, {"1:ERROR"}},
    {"space after closing quote", B("x\n\"a\" ,c\n"), 2, {"1:x", "2:ERROR"}},
    {"quote inside unquoted", B("ab\"c,d\n"), 1, {"1:ERROR"}},
    {"quote at end of unquoted", B("abc\"\n"), 1, {"1:ERROR"}},
    {"lone CR after quote", B("\"a\"\rb\n"), 1, {"1:ERROR"}},
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		char out[8][256];
		int count = read_all(c->text, c->n, out);
		if (count != c->count)
			print_error("case \"%s\"\n", c->what);
		assert_int_equal(count, c->count);
		for (int k = 0; k < count; k++) {
			if (strcmp(out[k], c->want[k]) != 0)
				print_error("case \"%s\", record %d\n", c->what, k);
			assert_string_equal(out[k], c->want[k]);
		}
	}
}

/* Fields are NUL-terminated copies: the input need not be terminated. */
static void test_not_terminated_input(void **state)
{
	(void)state;
	char text[7];
	memcpy(text, "ab,\"cd\"", 7); /* no NUL anywhere */
	char out[8][256];
	assert_int_equal(read_all(text, sizeof(text), out), 1);
	assert_string_equal(out[0], "1:ab|cd");
	/* A shorter n stops inside the quote: unterminated. */
	assert_int_equal(read_all(text, 6, out), 1);
	assert_string_equal(out[0], "1:ERROR");
}

static void test_fields_survive(void **state)
{
	(void)state;
	const char *text = "a,b\nc,d\n";
	struct arena a;
	arena_init(&a);
	struct csv c;
	csv_init(&c, text, strlen(text));
	char *f1[CSV_MAX_FIELDS], *f2[CSV_MAX_FIELDS];
	int n1, n2, l1, l2;
	assert_int_equal(csv_next(&c, &a, f1, &n1, &l1), 1);
	assert_int_equal(csv_next(&c, &a, f2, &n2, &l2), 1);
	/* The first record's strings are not overwritten by the second. */
	assert_string_equal(f1[0], "a");
	assert_string_equal(f1[1], "b");
	assert_string_equal(f2[0], "c");
	assert_string_equal(f2[1], "d");
	assert_int_equal(l1, 1);
	assert_int_equal(l2, 2);
	int n3 = 5, l3 = 0;
	assert_int_equal(csv_next(&c, &a, f1, &n3, &l3), 0);
	assert_int_equal(n3, 0);
	assert_int_equal(l3, 3);
	arena_free(&a);
}

/* Builds a record of n fields "f0,f1,...". */
static size_t make_row(char *buf, int n, int quoted)
{
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, quoted ? "%s\"f%d\"" : "%sf%d", i ? "," : "", i);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

static void test_field_limit(void **state)
{
	(void)state;
	char row[1024];
	for (int quoted = 0; quoted < 2; quoted++) {
		struct arena a;
		arena_init(&a);
		char *fields[CSV_MAX_FIELDS];
		int nf, line;
		struct csv c;
		size_t n = make_row(row, CSV_MAX_FIELDS, quoted);
		csv_init(&c, row, n);
		assert_int_equal(csv_next(&c, &a, fields, &nf, &line), 1);
		assert_int_equal(nf, CSV_MAX_FIELDS);
		assert_string_equal(fields[0], "f0");
		assert_string_equal(fields[CSV_MAX_FIELDS - 1], "f63");
		n = make_row(row, CSV_MAX_FIELDS + 1, quoted);
		csv_init(&c, row, n);
		assert_int_equal(csv_next(&c, &a, fields, &nf, &line), -1);
		assert_int_equal(line, 1);
		assert_true(nf <= CSV_MAX_FIELDS);
		/* Trailing comma: 64 names plus one empty field is 65 too. */
		n = make_row(row, CSV_MAX_FIELDS, quoted);
		row[n - 1] = ',';
		row[n] = '\n';
		csv_init(&c, row, n + 1);
		assert_int_equal(csv_next(&c, &a, fields, &nf, &line), -1);
		arena_free(&a);
	}
}

/* Line numbers keep counting across many records with embedded newlines. */
static void test_line_numbers(void **state)
{
	(void)state;
	char text[4096];
	size_t n = 0;
	for (int i = 0; i < 50; i++)
		n += (size_t)sprintf(text + n, i % 3 == 0 ? "\"r%d\nmore\r\n\",x\r\n" : "r%d,y\n",
				     i);
	struct arena a;
	arena_init(&a);
	struct csv c;
	csv_init(&c, text, n);
	int expect_line = 1;
	for (int i = 0; i < 50; i++) {
		char *fields[CSV_MAX_FIELDS];
		int nf, line;
		assert_int_equal(csv_next(&c, &a, fields, &nf, &line), 1);
		assert_int_equal(line, expect_line);
		assert_int_equal(nf, 2);
		char want[32];
		sprintf(want, i % 3 == 0 ? "r%d\nmore\r\n" : "r%d", i);
		assert_string_equal(fields[0], want);
		expect_line += i % 3 == 0 ? 3 : 1;
	}
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),	   cmocka_unit_test(test_not_terminated_input),
	    cmocka_unit_test(test_fields_survive), cmocka_unit_test(test_field_limit),
	    cmocka_unit_test(test_line_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
