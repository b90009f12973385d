/*
 * test_multipart.c - multipart/form-data parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"
#define CD "Content-Disposition: form-data; "

struct parsed {
	struct arena a;
	struct err e;
	struct mp_part *parts;
	int n;
	enum kerr rc;
};

static void parse_n(struct parsed *p, const char *ct, const char *body, size_t n, int max)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->a);
	p->rc = multipart_parse(ct, body, n, &p->a, max, &p->parts, &p->n, &p->e);
}

static void parse(struct parsed *p, const char *ct, const char *body)
{
	parse_n(p, ct, body, strlen(body), MP_MAX_PARTS);
}

static void done(struct parsed *p)
{
	arena_free(&p->a);
}

static void assert_data(const struct mp_part *part, const char *data, size_t n)
{
	assert_int_equal(part->len, n);
	assert_memory_equal(part->data, data, n);
}

static void test_fields_and_files(void **state)
{
	(void)state;
	const char *body = "--XyZ\r\n" CD "name=\"subject\"\r\n"
			   "\r\n"
			   "Hello there\r\n"
			   "--XyZ\r\n" CD "name=\"file\"; filename=\"a.txt\"\r\n"
			   "Content-Type: text/plain\r\n"
			   "\r\n"
			   "file\ndata\r\n"
			   "--XyZ\r\n" CD "name=\"empty\"\r\n"
			   "\r\n"
			   "\r\n"
			   "--XyZ--\r\n";
	struct parsed p;
	parse(&p, CT, body);
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.parts[0].name, "subject");
	assert_null(p.parts[0].filename);
	assert_null(p.parts[0].content_type);
	assert_data(&p.parts[0], "Hello there", 11);
	assert_string_equal(p.parts[1].name, "file");
	assert_string_equal(p.parts[1].filename, "a.txt");
	assert_string_equal(p.parts[1].content_type, "text/plain");
	assert_data(&p.parts[1], "file\ndata", 9);
	/* The data points into the body. */
	assert_true(p.parts[1].data > body && p.parts[1].data < body + strlen(body));
	assert_string_equal(p.parts[2].name, "empty");
	assert_int_equal(p.parts[2].len, 0);
	done(&p);
}

static void test_params(void **state)
{
	(void)state;
	static const struct {
		const char *ct, *disp;
		const char *name, *filename;
	} cases[] = {
	    {CT, CD "name=subject", "subject", NULL},
	    {CT, CD "name=subject; filename=b.pdf", "subject", "b.pdf"},
	    {CT, CD "filename=\"x.png\"; name=\"up\"", "up", "x.png"},
	    {CT, CD "name=\"f\"; filename=\"my \\\"best\\\" file.txt\"", "f",
	     "my \"best\" file.txt"},
	    {CT, CD "name=\"f\"; filename=\"a;b=c.txt\"", "f", "a;b=c.txt"},
	    {CT, CD "name=\"f\"; filename=\"C:\\\\dir\\\\x.txt\"", "f", "C:\\dir\\x.txt"},
	    {CT, CD "name=\"\xC3\xA9t\xC3\xA9\"; filename=\"\xE2\x82\xAC.txt\"",
	     "\xC3\xA9t\xC3\xA9", "\xE2\x82\xAC.txt"},
	    {CT, CD "name = \"spaced\" ;  filename = plain.txt  ", "spaced", "plain.txt"},
	    {CT, "content-disposition: FORM-DATA; NAME=\"upper\"", "upper", NULL},
	    {"multipart/form-data; boundary=\"XyZ\"", CD "name=q", "q", NULL},
	    {"Multipart/Form-Data;boundary=XyZ", CD "name=q", "q", NULL},
	    {"multipart/form-data; charset=utf-8; boundary=XyZ", CD "name=q", "q", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		snprintf(body, sizeof(body), "--XyZ\r\n%s\r\n\r\nv\r\n--XyZ--", cases[i].disp);
		struct parsed p;
		parse(&p, cases[i].ct, body);
		if (p.rc != KERR_OK)
			print_error("case %zu: %s\n", i, p.e.msg);
		assert_int_equal(p.rc, KERR_OK);
		assert_int_equal(p.n, 1);
		assert_string_equal(p.parts[0].name, cases[i].name);
		if (cases[i].filename)
			assert_string_equal(p.parts[0].filename, cases[i].filename);
		else
			assert_null(p.parts[0].filename);
		assert_data(&p.parts[0], "v", 1);
		done(&p);
	}
}

static void test_preamble_epilogue(void **state)
{
	(void)state;
	const char *body = "This is the preamble; it mentions --XyZ inline.\r\n"
			   "--XyZ\r\n" CD "name=a\r\n\r\n"
			   "1\r\n"
			   "--XyZ  \t\r\n" /* transport padding */
	    CD "name=b\r\n\r\n"
			   "2\r\n"
			   "--XyZ--\r\n"
			   "epilogue --XyZ\r\n garbage \"\r\n";
	struct parsed p;
	parse(&p, CT, body);
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.parts[0].name, "a");
	assert_data(&p.parts[0], "1", 1);
	assert_string_equal(p.parts[1].name, "b");
	assert_data(&p.parts[1], "2", 1);
	done(&p);
	/* No parts at all. */
	parse(&p, CT, "--XyZ--\r\n");
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, 0);
	done(&p);
}

/* Binary data: CR, LF, NUL, 0xFF and pieces of the delimiter stay data. */
static void test_binary(void **state)
{
	(void)state;
	static const char data[] = "\r\n\r\na--XyZ\0\xff\r\n--Xy\r\n-\r\r\n\n--XyZZ"
				   "\r\n--xyz\r\n\r\n";
	size_t dn = sizeof(data) - 1;
	/* "--XyZ" right after a CRLF would be a delimiter: it never is here. */
	struct buf b;
	buf_init(&b, 0);
	buf_append_str(&b, "--XyZ\r\n" CD "name=\"bin\"; filename=\"b.bin\"\r\n"
			   "Content-Type: application/octet-stream\r\n\r\n");
	buf_append(&b, data, dn);
	buf_append_str(&b, "\r\n--XyZ--");
	struct parsed p;
	parse_n(&p, CT, b.data, b.len, MP_MAX_PARTS);
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.parts[0].content_type, "application/octet-stream");
	assert_data(&p.parts[0], data, dn);
	done(&p);
	buf_free(&b);
}

static void test_limit(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < MP_MAX_PARTS + 1; i++)
		buf_printf(&b, "--XyZ\r\n" CD "name=\"p%d\"\r\n\r\n%d\r\n", i, i);
	buf_append_str(&b, "--XyZ--\r\n");
	struct parsed p;
	parse_n(&p, CT, b.data, b.len, MP_MAX_PARTS);
	assert_int_equal(p.rc, KERR_LIMIT);
	assert_int_equal(p.e.code, KERR_LIMIT);
	done(&p);
	parse_n(&p, CT, b.data, b.len, MP_MAX_PARTS + 1);
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, MP_MAX_PARTS + 1);
	assert_string_equal(p.parts[MP_MAX_PARTS].name, "p64");
	assert_data(&p.parts[MP_MAX_PARTS], "64", 2);
	done(&p);
	parse_n(&p, CT, b.data, b.len, 3);
	assert_int_equal(p.rc, KERR_LIMIT);
	done(&p);
	buf_free(&b);
}

static void test_header_size(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		size_t pad = big ? MP_MAX_HEADER + 10 : MP_MAX_HEADER - 200;
		struct buf b;
		buf_init(&b, 0);
		buf_append_str(&b, "--XyZ\r\n" CD "name=\"n\"\r\nX-Pad: ");
		for (size_t i = 0; i < pad; i++)
			buf_append_char(&b, 'p');
		buf_append_str(&b, "\r\n\r\nok\r\n--XyZ--\r\n");
		struct parsed p;
		parse_n(&p, CT, b.data, b.len, MP_MAX_PARTS);
		if (big) {
			assert_int_equal(p.rc, KERR_BAD_MULTIPART);
		} else {
			assert_int_equal(p.rc, KERR_OK);
			assert_int_equal(p.n, 1);
			assert_data(&p.parts[0], "ok", 2);
		}
		done(&p);
		buf_free(&b);
	}
}

static void test_boundary(void **state)
{
	(void)state;
	char out[71];
	static const struct {
		const char *ct, *want; /* want NULL: -1 */
	} cases[] = {
	    {"multipart/form-data; boundary=abc", "abc"},
	    {"multipart/form-data; boundary=\"a b:c\"", "a b:c"},
	    {"multipart/form-data;boundary=x;charset=utf-8", "x"},
	    {"multipart/form-data", NULL},
	    {"multipart/form-data; boundary=", NULL},
	    {"multipart/form-data; boundary=\"\"", NULL},
	    {"multipart/form-data; charset=utf-8", NULL},
	    {"multipart/mixed; boundary=abc", NULL},
	    {"application/json; boundary=abc", NULL},
	    {"text/plain", NULL},
	    {"", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = multipart_boundary(cases[i].ct, out);
		assert_int_equal(rc, cases[i].want ? 0 : -1);
		if (cases[i].want)
			assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(multipart_boundary(NULL, out), -1);
	/* 1 to 70 characters. */
	char ct[200], b70[71];
	memset(b70, 'b', 70);
	b70[70] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b70);
	assert_int_equal(multipart_boundary(ct, out), 0);
	assert_string_equal(out, b70);
	/* And a body using the longest boundary parses. */
	char body[400];
	snprintf(body, sizeof(body), "--%s\r\n" CD "name=n\r\n\r\nx\r\n--%s--", b70, b70);
	struct parsed p;
	parse(&p, ct, body);
	assert_int_equal(p.rc, KERR_OK);
	assert_int_equal(p.n, 1);
	done(&p);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%sb", b70);
	assert_int_equal(multipart_boundary(ct, out), -1);
	snprintf(body, sizeof(body), "--%sb\r\n" CD "name=n\r\n\r\nx\r\n--%sb--", b70, b70);
	parse(&p, ct, body);
	assert_int_equal(p.rc, KERR_BAD_MULTIPART);
	assert_string_equal(p.e.field, "Content-Type");
	done(&p);
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *what, *ct, *body;
		enum kerr want;
	} cases[] = {
	    {"no content type", NULL, "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"missing boundary", "multipart/form-data", "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"other boundary in body", CT, "--Other\r\n" CD "name=a\r\n\r\nx\r\n--Other--",
	     KERR_BAD_MULTIPART},
	    {"empty body", CT, "", KERR_BAD_MULTIPART},
	    {"unterminated part", CT, "--XyZ\r\n" CD "name=a\r\n\r\nno end here",
	     KERR_BAD_MULTIPART},
	    {"unterminated second part", CT,
	     "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ\r\n" CD "name=b\r\n\r\ny\r\n--XyY--",
	     KERR_BAD_MULTIPART},
	    {"headers never end", CT, "--XyZ\r\n" CD "name=a\r\nx\r\n--XyZ--", KERR_BAD_MULTIPART},
	    {"part without name", CT, "--XyZ\r\n" CD "filename=\"f.txt\"\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"part without disposition", CT,
	     "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", KERR_BAD_MULTIPART},
	    {"part without headers", CT, "--XyZ\r\n\r\nx\r\n--XyZ--", KERR_BAD_MULTIPART},
	    {"not form-data", CT,
	     "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"header without colon", CT, "--XyZ\r\n" CD "name=a\r\nbroken\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"boundary then text", CT, "--XyZjunk\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"boundary then LF only", CT, "--XyZ\n" CD "name=a\r\n\r\nx\r\n--XyZ--",
	     KERR_BAD_MULTIPART},
	    {"boundary at the very end", CT, "--XyZ", KERR_BAD_MULTIPART},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p;
		parse(&p, cases[i].ct, cases[i].body);
		if (p.rc != cases[i].want)
			print_error("case \"%s\": rc %d\n", cases[i].what, p.rc);
		assert_int_equal(p.rc, cases[i].want);
		assert_int_equal(p.e.code, cases[i].want);
		assert_true(p.e.msg[0] != '\0');
		done(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_and_files),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_preamble_epilogue),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_header_size),
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
