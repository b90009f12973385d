/*
 * api.c - shared machinery of the JSON API.  See api.h.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/utf8.h"
#include "domain/attachment.h"
#include "domain/idem.h"
#include "http/multipart.h"

void api_begin(struct req *r, int status, struct jw *w)
{
	buf_reset(&r->out);
	r->out.max = (size_t)-1 >> 1;
	buf_reserve(&r->out, 16384); /* most replies fit: no regrowing while writing */
	r->status = status;
	r->out_type = "application/json";
	jw_init(w, &r->out);
}

void api_error(struct req *r, enum kerr code, const char *field, const char *msg)
{
	struct jw w;
	if (r->err.code == KERR_OK)
		r->err.code = code;
	api_begin(r, kerr_status(code), &w);
	if (code == KERR_UNAVAILABLE)
		req_add_header(r, "Retry-After", "2"); /* the store is restarting or busy */
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kstr(&w, "code", kerr_name(code));
	jw_kstr(&w, "message", msg ? msg : kerr_message(code));
	if (field && field[0])
		jw_kstr(&w, "field", field);
	if (r->err.nspans > 0) {
		jw_key(&w, "spans");
		jw_arr(&w);
		for (int i = 0; i < r->err.nspans && i < ERR_MAX_SPANS; i++) {
			jw_obj(&w);
			jw_kstr(&w, "kind", r->err.spans[i].kind);
			jw_kint(&w, "start", r->err.spans[i].start);
			jw_kint(&w, "end", r->err.spans[i].end);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
}

const char *api_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t api_int(json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static const char *type_name(enum ftype t)
{
	switch (t) {
	case F_STR:
		return "a string";
	case F_INT:
		return "an integer";
	case F_INT_NULL:
		return "an integer or null";
	case F_BOOL:
		return "true or false";
	case F_STR_ARR:
		return "an array of strings";
	case F_OBJ_ARR:
		return "an array of objects";
	case F_OBJ:
		return "an object";
	}
	return "?";
}

static int type_ok(json_t *v, enum ftype t)
{
	switch (t) {
	case F_STR:
		return json_is_string(v);
	case F_INT:
		return json_is_integer(v);
	case F_INT_NULL:
		return json_is_integer(v) || json_is_null(v);
	case F_BOOL:
		return json_is_boolean(v);
	case F_OBJ:
		return json_is_object(v);
	case F_STR_ARR:
	case F_OBJ_ARR: {
		if (!json_is_array(v))
			return 0;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (t == F_STR_ARR ? !json_is_string(x) : !json_is_object(x))
				return 0;
		}
		return 1;
	}
	}
	return 0;
}

/* 1 when a string (or a string in an array) holds a NUL (\u0000 in the JSON). */
static int has_nul(json_t *v)
{
	if (json_is_string(v))
		return strlen(json_string_value(v)) != json_string_length(v);
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (json_is_string(x) && has_nul(x))
				return 1;
		}
	}
	return 0;
}

/*
 * The path ("items[0].quantity") of the value at offset pos of JSON text that
 * is valid up to pos, for errors the parser reports by position only (an
 * integer too big for 64 bits).  NULL when it cannot be told.
 */
static const char *path_at(struct req *r, const char *text, size_t pos)
{
	struct {
		int array;	 /* 1: array, 0: object */
		long index;	 /* array: element number */
		const char *key; /* object: current member name */
		size_t keylen;
	} stack[16];
	int depth = 0;
	const char *str = NULL;
	size_t strn = 0;
	for (size_t i = 0; i < pos && i < r->body.len; i++) {
		char ch = text[i];
		if (ch == '"') {
			size_t start = ++i;
			while (i < pos && text[i] != '"')
				i += text[i] == '\\' ? 2 : 1;
			str = text + start;
			strn = i - start;
		} else if (ch == '{' || ch == '[') {
			if (depth == 16)
				return NULL;
			stack[depth].array = ch == '[';
			stack[depth].index = 0;
			stack[depth].key = NULL;
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (depth)
				depth--;
		} else if (ch == ':' && depth && !stack[depth - 1].array) {
			stack[depth - 1].key = str;
			stack[depth - 1].keylen = strn;
		} else if (ch == ',' && depth && stack[depth - 1].array) {
			stack[depth - 1].index++;
		}
	}
	struct buf b;
	buf_init(&b, 256);
	for (int d = 0; d < depth; d++) {
		if (stack[d].array)
			buf_printf(&b, "[%ld]", stack[d].index);
		else if (stack[d].key)
			buf_printf(&b, "%s%.*s", b.len ? "." : "", (int)stack[d].keylen,
				   stack[d].key);
	}
	const char *out = b.len ? arena_strdup(&r->a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return out;
}

int api_check_object_or_reply(struct req *r, json_t *o, const struct field *fields,
			      const char *prefix)
{
	const char *key;
	json_t *v;
	char name[160];
	json_object_foreach(o, key, v)
	{
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		snprintf(name, sizeof(name), "%s%s", prefix, key);
		if (!f->name) {
			char msg[256];
			snprintf(msg, sizeof(msg), "'%s' is not a field of this request", name);
			api_error(r, KERR_UNKNOWN_FIELD, name, msg);
			return -1;
		}
		if (!type_ok(v, f->type)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "'%s' must be %s", name, type_name(f->type));
			api_error(r, KERR_BAD_TYPE, name, msg);
			return -1;
		}
		if (has_nul(v)) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 "'%s' must be UTF-8 text without control characters", name);
			api_error(r, KERR_BAD_UTF8, name, msg);
			return -1;
		}
	}
	for (const struct field *f = fields; f->name; f++) {
		if (f->required && !json_object_get(o, f->name)) {
			snprintf(name, sizeof(name), "%s%s", prefix, f->name);
			char msg[256];
			snprintf(msg, sizeof(msg), "'%s' is required", name);
			api_error(r, KERR_MISSING_FIELD, name, msg);
			return -1;
		}
	}
	return 0;
}

static void release_json(void *arg)
{
	json_decref(arg);
}

json_t *api_body_or_reply(struct req *r, const struct field *fields)
{
	if (r->body.len == 0) {
		json_t *o = json_object();
		if (api_check_object_or_reply(r, o, fields, "")) {
			json_decref(o);
			return NULL;
		}
		req_at_end(r, release_json, o);
		return o;
	}
	if (!utf8_valid(r->body.data, r->body.len)) {
		api_error(r, KERR_BAD_UTF8, NULL, "the request body is not valid UTF-8");
		return NULL;
	}
	json_error_t je;
	json_t *o =
	    json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!o && strstr(je.text, "too big integer")) {
		const char *field = path_at(r, r->body.data, (size_t)je.position);
		char msg[160];
		snprintf(msg, sizeof(msg), "'%s' is a number too large", field ? field : "a value");
		api_error(r, KERR_BAD_VALUE, field, msg);
		return NULL;
	}
	if (!o) {
		char msg[256];
		snprintf(msg, sizeof(msg), "the body is not valid JSON: %s at line %d column %d",
			 je.text, je.line, je.column);
		api_error(r, KERR_BAD_JSON, NULL, msg);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		api_error(r, KERR_BAD_JSON, NULL, "the body must be a JSON object");
		return NULL;
	}
	if (api_check_object_or_reply(r, o, fields, "")) {
		json_decref(o);
		return NULL;
	}
	req_at_end(r, release_json, o);
	return o;
}

int64_t api_id_or_reply(struct req *r, int i)
{
	int64_t id;
	if (i < r->nparams && parse_i64(slice_from(r->params[i]), 1, INT64_MAX, &id) == 0)
		return id;
	api_error(r, KERR_NOT_FOUND, "id", "no such object");
	return 0;
}

int api_query_int_or_reply(struct req *r, const char *name, int64_t min, int64_t max, int64_t *out,
			   int *present)
{
	const char *v = req_query(r, name);
	*present = v != NULL;
	if (!v)
		return 0;
	if (parse_i64(slice_from(v), min, max, out)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "'%s' must be a whole number from %lld to %lld", name,
			 (long long)min, (long long)max);
		api_error(r, KERR_BAD_VALUE, name, msg);
		return -1;
	}
	return 0;
}

static const struct field text_fields[] = {
    {"text", F_STR, 1},
    {NULL, 0, 0},
};

/* Sets member name of o from a multipart plain part p of type t; replies and returns -1 when bad.
 */
static int multipart_member(struct req *r, json_t *o, const struct mp_part *p, enum ftype t)
{
	char msg[256];
	if (json_object_get(o, p->name)) {
		snprintf(msg, sizeof(msg), "'%.100s' is given twice", p->name);
		api_error(r, KERR_BAD_VALUE, p->name, msg);
		return -1;
	}
	if (!utf8_valid(p->data, p->len) || memchr(p->data, '\0', p->len)) {
		snprintf(msg, sizeof(msg), "'%.100s' must be UTF-8 text without control characters",
			 p->name);
		api_error(r, KERR_BAD_UTF8, p->name, msg);
		return -1;
	}
	json_t *v = NULL;
	int64_t n;
	if (t == F_STR)
		v = json_stringn(p->data, p->len);
	else if ((t == F_INT || t == F_INT_NULL) &&
		 !parse_i64((struct slice){p->data, p->len}, INT64_MIN, INT64_MAX, &n))
		v = json_integer((json_int_t)n);
	if (!v) {
		snprintf(msg, sizeof(msg), "'%.100s' must be %s", p->name, type_name(t));
		api_error(r, KERR_BAD_TYPE, p->name, msg);
		return -1;
	}
	json_object_set_new(o, p->name, v);
	return 0;
}

/* Reads fields and files from a multipart body into o; replies on error. */
static int fields_files_multipart(struct req *r, json_t *o, const struct field *fields,
				  struct upload **files, int *nfiles)
{
	struct mp_part *parts;
	int n;
	enum kerr rc = multipart_parse(req_header(r, "Content-Type"), r->body.data, r->body.len,
				       &r->a, MP_MAX_PARTS, &parts, &n, &r->err);
	if (rc) {
		req_fail(r, rc);
		return -1;
	}
	*files = arena_calloc(&r->a, (size_t)n + 1, sizeof(**files));
	for (int i = 0; i < n; i++) {
		struct mp_part *p = &parts[i];
		const struct field *f = fields;
		while (f->name && strcmp(f->name, p->name) != 0)
			f++;
		char msg[200];
		if (f->name && p->filename) {
			snprintf(msg, sizeof(msg), "'%.100s' is a plain field, not a file",
				 p->name);
			api_error(r, KERR_BAD_VALUE, p->name, msg);
			return -1;
		} else if (f->name) {
			if (multipart_member(r, o, p, f->type))
				return -1;
		} else if (strcmp(p->name, "files") == 0 || strcmp(p->name, "file") == 0) {
			(*files)[(*nfiles)++] = (struct upload){p->filename, p->data, p->len};
		} else {
			snprintf(msg, sizeof(msg), "'%.100s' is not a field of this request",
				 p->name);
			api_error(r, KERR_UNKNOWN_FIELD, p->name, msg);
			return -1;
		}
	}
	return api_check_object_or_reply(r, o, fields, "");
}

json_t *api_body_files_or_reply(struct req *r, const struct field *fields, struct upload **files,
				int *nfiles)
{
	*files = NULL;
	*nfiles = 0;
	const char *ct = req_header(r, "Content-Type");
	if (!r->body.len || !ct || strncasecmp(ct, "multipart/", 10) != 0)
		return api_body_or_reply(r, fields);
	json_t *o = json_object();
	req_at_end(r, release_json, o);
	return fields_files_multipart(r, o, fields, files, nfiles) ? NULL : o;
}

int api_text_files_or_reply(struct req *r, const char **text, struct upload **files, int *nfiles)
{
	json_t *in = api_body_files_or_reply(r, text_fields, files, nfiles);
	*text = in ? api_str(in, "text") : NULL;
	return in ? 0 : -1;
}

struct decide_arg {
	int64_t id;
	const char *decision;
	json_t *in;
	api_decide_fn decide;
	api_work show;
};

static enum kerr decide_work(struct dctx *c, void *arg, struct jw *out)
{
	struct decide_arg *x = arg;
	enum kerr rc = x->decide(c, x->id, x->decision, api_str(x->in, "reason"));
	return rc ? rc : x->show(c, &x->id, out);
}

void api_decide(struct req *r, const struct field *fields, const char *decision,
		api_decide_fn decide, api_work show)
{
	struct decide_arg x = {api_id_or_reply(r, 0), decision, NULL, decide, show};
	if (x.id && (x.in = api_body_or_reply(r, fields)))
		api_write(r, decide_work, api_keep(r, &x, sizeof(x)), 200);
}

int api_page_more(int *n, int limit)
{
	if (*n <= limit)
		return 0;
	*n = limit;
	return 1;
}

int api_query_bool_or_reply(struct req *r, const char *name, int *out)
{
	const char *v = req_query(r, name);
	*out = -1;
	if (!v)
		return 0;
	if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
		char msg[160];
		snprintf(msg, sizeof(msg), "'%s' must be true or false", name);
		api_error(r, KERR_BAD_VALUE, name, msg);
		return -1;
	}
	*out = strcmp(v, "true") == 0;
	return 0;
}

int api_limit_or_reply(struct req *r)
{
	int64_t v = 25;
	int present;
	if (api_query_int_or_reply(r, "limit", 1, 100, &v, &present))
		return 0;
	return (int)v;
}

int api_cursor_or_reply(struct req *r, int64_t *key, int64_t *id)
{
	*key = 0;
	*id = 0;
	const char *v = req_query(r, "cursor");
	if (!v)
		return 0;
	const char *dot = strchr(v, '.');
	if (!dot || parse_i64((struct slice){v, (size_t)(dot - v)}, INT64_MIN, INT64_MAX, key) ||
	    parse_i64(slice_from(dot + 1), 1, INT64_MAX, id)) {
		api_error(r, KERR_BAD_VALUE, "cursor", "'cursor' is not one this server gave out");
		return -1;
	}
	return 0;
}

const char *api_cursor_text(struct arena *a, int64_t key, int64_t id)
{
	return arena_printf(a, "%lld.%lld", (long long)key, (long long)id);
}

/* ---- running domain work ---- */

struct job {
	struct req *r;
	api_work work;
	void *arg;
	int status;		       /* success status */
	const char *key;	       /* Idempotency-Key, or NULL */
	char hash[SHA256_HEX_LEN + 1]; /* of method, path and body */
	struct idem_hit hit;	       /* a stored answer found */
	enum kerr rc;		       /* a write's result */
	void (*then)(struct req *r);   /* a write's follow-up once answered */
};

static void prepare(struct dctx *c, struct req *r, struct db *db)
{
	c->db = db;
	c->who = &r->who;
	c->a = &r->a;
	c->e = &r->err;
	c->now = clock_now_ms();
	c->cfg = r->app->cfg;
}

/* Runs the work, writing into r->out. */
static enum kerr run_work(struct job *j, struct dctx *c)
{
	struct jw w;
	api_begin(j->r, j->status, &w);
	enum kerr rc = j->work(c, j->arg, &w);
	if (!rc && w.err)
		rc = err_set(c->e, KERR_INTERNAL, NULL, "the reply is too large to write");
	return rc;
}

static enum kerr read_fn(struct db *db, void *arg)
{
	struct job *j = arg;
	struct dctx c;
	prepare(&c, j->r, db);
	return run_work(j, &c);
}

enum kerr api_read_raw(struct req *r, api_work work, void *arg)
{
	struct job j = {r, work, arg, 200, NULL, "", {0}, KERR_OK, NULL};
	enum kerr rc = db_read(r->app->pool, read_fn, &j);
	r->status = 0;
	buf_reset(&r->out);
	return rc;
}

void api_read(struct req *r, api_work work, void *arg)
{
	struct job j = {r, work, arg, 200, NULL, "", {0}, KERR_OK, NULL};
	enum kerr rc = db_read(r->app->pool, read_fn, &j);
	if (rc)
		req_fail(r, rc);
}

static enum kerr write_fn(struct db *db, void *arg)
{
	struct job *j = arg;
	struct dctx c;
	prepare(&c, j->r, db);
	enum kerr rc;
	if (j->key) {
		if ((rc = idem_lookup(&c, j->key, j->hash, &j->hit)))
			return rc;
		if (j->hit.found)
			return KERR_OK;
	}
	if ((rc = run_work(j, &c)))
		return rc;
	if (!j->key)
		return KERR_OK;
	/* The work may have chosen another success status (201 for a creation). */
	const char *keep = j->r->idem_reply ? j->r->idem_reply : buf_cstr(&j->r->out);
	return idem_store(&c, j->key, j->hash, j->r->status, keep);
}

/* The writer thread: the write is committed or rolled back; wake the request. */
static void write_done(void *arg, enum kerr rc)
{
	struct job *j = arg;
	j->rc = rc;
	req_wake(j->r);
}

/* Back on a server thread: turn the result into the reply. */
static void write_finish(struct req *r, void *arg)
{
	struct job *j = arg;
	if (j->rc) {
		req_fail(r, j->rc);
		return;
	}
	if (j->hit.found) {
		req_reply(r, j->hit.status, "application/json", j->hit.body, strlen(j->hit.body));
		req_add_header(r, "Idempotent-Replayed", "true");
	}
	if (j->then)
		j->then(r);
}

void api_write_then(struct req *r, api_work work, void *arg, int status,
		    void (*then)(struct req *r))
{
	struct job *j = arena_calloc(&r->a, 1, sizeof(*j));
	*j = (struct job){r, work, arg, status, NULL, "", {0}, KERR_OK, then};
	const char *key = req_header(r, "Idempotency-Key");
	if (key) {
		size_t n = strlen(key);
		if (n == 0 || n > IDEM_MAX_KEY || !utf8_valid_text(key, n)) {
			api_error(r, KERR_BAD_VALUE, "Idempotency-Key",
				  "'Idempotency-Key' must be 1 to 200 characters of text");
			return;
		}
		j->key = key;
		struct buf b;
		buf_init(&b, (size_t)-1 >> 1);
		buf_printf(&b, "%s %s\n", r->method_name, r->path);
		buf_append(&b, r->body.data ? r->body.data : "", r->body.len);
		crypto_sha256_hex(b.data, b.len, j->hash);
		buf_free(&b);
	}
	req_defer(r, write_finish, j);
	db_write_async(r->app->pool, write_fn, j, write_done, j);
}

void *api_keep(struct req *r, const void *p, size_t n)
{
	void *q = arena_alloc(&r->a, n);
	memcpy(q, p, n);
	return q;
}

void api_write(struct req *r, api_work work, void *arg, int status)
{
	api_write_then(r, work, arg, status, NULL);
}
