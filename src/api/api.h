/*
 * api.h - what the JSON API's handlers share: error replies, body parsing
 * against a field table, ids, pagination, and running domain work in a
 * transaction (with idempotency keys for writes).
 *
 * Handlers are thin: parse and check the input's shape here, call the
 * domain (which checks rights and rules), render the result as JSON.
 * Functions ending in _or_reply write the error reply themselves on
 * failure, so the handler just returns.
 */
#ifndef KAPSULE_API_API_H
#define KAPSULE_API_API_H

#include <jansson.h>

#include "api/jsonw.h"
#include "domain/domain.h"
#include "http/http.h"

/* Writes {"error": {"code", "message", "field"}} with the code's status. */
void api_error(struct req *r, enum kerr code, const char *field, const char *msg);
/*
 * Starts a JSON reply: empties r->out, sets status and type, and readies w
 * to write the body into r->out.
 */
void api_begin(struct req *r, int status, struct jw *w);

enum ftype {
	F_STR,	    /* string */
	F_INT,	    /* integer */
	F_INT_NULL, /* integer or null */
	F_BOOL,	    /* true or false */
	F_STR_ARR,  /* array of strings */
	F_OBJ_ARR,  /* array of objects */
	F_OBJ,	    /* object */
};

struct field {
	const char *name;
	enum ftype type;
	int required;
};

/*
 * Parses the body as one JSON object whose members are all in fields (a
 * table ended by a NULL name) with the right types, and the required ones
 * present.  An empty body is {}.  Returns the object, owned by the request
 * (released when it ends: callers never release it), or NULL after
 * replying with the error.
 */
json_t *api_body_or_reply(struct req *r, const struct field *fields);
/* Checks an object the same way; for nested objects.  prefix names it in errors. */
int api_check_object_or_reply(struct req *r, json_t *o, const struct field *fields,
			      const char *prefix);

/* String member or NULL. */
const char *api_str(json_t *o, const char *key);
/* Integer member or def. */
int64_t api_int(json_t *o, const char *key, int64_t def);

/* Path parameter i as an id (> 0); replies 404 and returns 0 otherwise. */
int64_t api_id_or_reply(struct req *r, int i);
/* ?limit=1..100 (default 25); replies 400 and returns 0 when bad. */
int api_limit_or_reply(struct req *r);
/* ?cursor= as two integers "key.id"; 0,0 when absent.  Replies 400 and returns -1 when bad. */
int api_cursor_or_reply(struct req *r, int64_t *key, int64_t *id);
/* The cursor text for (key, id), in the arena. */
const char *api_cursor_text(struct arena *a, int64_t key, int64_t id);
/* Optional integer query parameter within [min, max]; replies 400 and returns -1 when bad. */
int api_query_int_or_reply(struct req *r, const char *name, int64_t min, int64_t max, int64_t *out,
			   int *present);
struct upload;
/*
 * A body of fields and files: JSON as api_body_or_reply() reads it (no
 * files), or multipart/form-data whose plain parts are the fields (integers
 * written as text; each field once) and whose "files" (or "file") parts are
 * the files.  Returns the fields as an object owned by the request, or NULL
 * after replying 4xx.
 */
json_t *api_body_files_or_reply(struct req *r, const struct field *fields, struct upload **files,
				int *nfiles);
/* The same with the one field "text", required. */
int api_text_files_or_reply(struct req *r, const char **text, struct upload **files, int *nfiles);
/* A list read with limit + 1 rows: 1 when there are more than limit (*n is cut to limit). */
int api_page_more(int *n, int limit);
/* Optional true/false query parameter: *out 1, 0, or -1 when absent; replies 400 and returns -1
 * when bad. */
int api_query_bool_or_reply(struct req *r, const char *name, int *out);

/*
 * Domain work: runs inside a transaction with c prepared for the request,
 * and renders its result with out on success (what it wrote is dropped on
 * failure).  Work that knows its request may set r->status to another
 * success status (an upsert that created).
 */
typedef enum kerr (*api_work)(struct dctx *c, void *arg, struct jw *out);

/* Runs work in a read transaction and returns its result without replying. */
enum kerr api_read_raw(struct req *r, api_work work, void *arg);
/* Runs work in a read transaction and replies with 200 and what it wrote, or the error. */
void api_read(struct req *r, api_work work, void *arg);
/*
 * Runs work in a write transaction and replies with status and what it
 * wrote once it is durably committed, or with the error after rolling back.
 * With an Idempotency-Key header the reply is stored with the change, and a
 * retry gets the stored reply without running work again.
 *
 * The reply is deferred: api_write returns at once and work runs later on
 * the database writer's thread, so arg (and what it points to) must live as
 * long as the request: keep it in r->a (api_keep).  then, when given, runs
 * after the reply is made (to add headers).
 */
void api_write(struct req *r, api_work work, void *arg, int status);
void api_write_then(struct req *r, api_work work, void *arg, int status,
		    void (*then)(struct req *r));
/* A copy of p[0..n) in the request's arena, for api_write's arg. */
void *api_keep(struct req *r, const void *p, size_t n);

/*
 * A decision on the object in the path: the body (fields, with "reason")
 * is read, decide(c, id, decision, reason) runs in a write transaction and
 * show(c, &id, out) renders the object after it.
 */
typedef enum kerr (*api_decide_fn)(struct dctx *c, int64_t id, const char *decision,
				   const char *reason);
void api_decide(struct req *r, const struct field *fields, const char *decision,
		api_decide_fn decide, api_work show);

#endif
