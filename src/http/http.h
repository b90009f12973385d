/*
 * http.h - the server adapter's interface to handlers: routes, requests,
 * replies.
 *
 * The server (server.c) reads a request, finds its route in the table the
 * program passes in, enforces the route's body limit and content type,
 * resolves the session, checks CSRF, calls the handler, and sends what the
 * handler put in the request's reply fields.  Handlers never see
 * libmicrohttpd.
 *
 * Every request owns an arena (r->a) freed when the request completes;
 * everything a handler allocates for the request goes there.
 */
#ifndef KAPSULE_HTTP_HTTP_H
#define KAPSULE_HTTP_HTTP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/domain.h"

enum http_method {
	HTTP_GET = 1,
	HTTP_POST = 2,
	HTTP_PUT = 4,
	HTTP_PATCH = 8,
	HTTP_DELETE = 16,
	HTTP_HEAD = 32,
	HTTP_OPTIONS = 64,
};

enum body_kind {
	BODY_NONE,   /* no body: any is refused with 413 */
	BODY_JSON,   /* application/json up to max_body_bytes; empty means {} */
	BODY_UPLOAD, /* multipart/form-data or JSON up to max_upload_bytes */
	BODY_FORM,   /* a page's form: application/x-www-form-urlencoded up to max_body_bytes */
	BODY_FILES,  /* a page's form with files: BODY_FORM or multipart up to max_upload_bytes */
};

struct req;
typedef void (*route_fn)(struct req *r);

/* One row of the route table. */
struct route {
	unsigned method;     /* one enum http_method */
	const char *pattern; /* "/api/v1/enquiries/{id}": {name} matches one segment */
	route_fn fn;	     /* the handler */
	enum body_kind body; /* what body it takes */
	int auth;	     /* 1: only for signed-in principals (401 otherwise) */
	int test_only;	     /* 1: exists only when test_clock is on */
};

/* Process-wide state handlers reach through r->app. */
struct app {
	const struct config *cfg;
	struct db_pool *pool;
	const struct route *routes;
	int nroutes;
	atomic_int ready;    /* 0 while starting or stopping */
	atomic_int draining; /* 1 once shutdown began */
	/* metrics */
	atomic_uint_fast64_t requests[6]; /* by status class: [1]=1xx .. [5]=5xx */
	atomic_uint_fast64_t latency[12]; /* histogram counts, see server.c */
	atomic_uint_fast64_t latency_sum_us;
	atomic_int in_flight;
	/* Writes an error reply in the form the path's clients expect (JSON for
	 * the API).  Set by the program before serving. */
	void (*error)(struct req *r, enum kerr code, const char *field, const char *msg);
};

#define REQ_MAX_PARAMS	4
#define REQ_MAX_HEADERS 12

struct req {
	struct arena a;			    /* everything of this request */
	struct app *app;		    /* the process */
	void *conn;			    /* the server's connection handle */
	const struct route *route;	    /* matched route, NULL when none */
	unsigned method;		    /* enum http_method, 0 when unknown */
	const char *method_name;	    /* as sent */
	const char *path;		    /* decoded path, without the query */
	const char *params[REQ_MAX_PARAMS]; /* {name} segments in order */
	int nparams;
	struct buf body;	/* the request body, capped by the route */
	int reject;		/* status to answer without calling the handler */
	size_t discarded;	/* body bytes dropped after a 413 */
	const char *reject_msg; /* its message */
	char request_id[48];	/* X-Request-Id, taken or made */
	char client[64];	/* the client's address */
	int64_t start_us;	/* monotonic start time */
	struct principal who;	/* who is asking; zeroed when nobody */
	int had_token;		/* a session token was sent, valid or not */
	struct err err;		/* a handler's error detail */
	const char *idem_reply; /* the reply to keep for an Idempotency-Key when it must differ
				   from the one sent (secrets left out); NULL: the same */
	/* the reply */
	int status;				 /* 0 until a handler replies */
	struct buf out;				 /* reply body */
	const char *out_type;			 /* Content-Type */
	const char *headers[REQ_MAX_HEADERS][2]; /* extra headers */
	int nheaders;
	size_t bytes_out; /* for the log */
	/* A deferred reply (req_defer): what runs when the request is woken. */
	void (*then)(struct req *r, void *arg);
	void *then_arg;
	int deferred;		      /* 1 between req_defer and the run of then */
	struct req_cleanup *cleanups; /* run when the request is freed, newest first */
};

struct req_cleanup {
	void (*fn)(void *arg);
	void *arg;
	struct req_cleanup *next;
};

/*
 * Defers the reply: the connection waits without holding a server thread
 * until req_wake(); then then(r, arg) runs on a server thread and must
 * reply.  Call from a handler, before handing work to another thread.
 */
void req_defer(struct req *r, void (*then)(struct req *r, void *arg), void *arg);
/* Wakes a deferred request; callable from any thread, once. */
void req_wake(struct req *r);
/* Runs fn(arg) when the request is freed (after its reply is sent). */
void req_at_end(struct req *r, void (*fn)(void *arg), void *arg);

/* Replies with an error through app->error; msg NULL means the code's default. */
void req_error(struct req *r, enum kerr code, const char *field, const char *msg);
/* Replies with the error recorded in r->err (or the code given when none was). */
void req_fail(struct req *r, enum kerr code);

/* Request accessors; strings live as long as the request. NULL when absent. */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);

/* Adds a reply header (both strings are copied into the arena). */
void req_add_header(struct req *r, const char *name, const char *value);
/* The session cookie's name, and a Set-Cookie giving it token (NULL: the browser forgets it). */
#define SESSION_COOKIE "kapsule_session"
void req_set_session_cookie(struct req *r, const char *token);
/* Sets the reply: status, type and a copy of body[0..n). */
void req_reply(struct req *r, int status, const char *type, const void *body, size_t n);

/*
 * Matches method and path against the table.  Returns the route with its
 * parameters in r->params, or NULL with *path_matched set when the path
 * exists for another method (405) and clear when it does not (404).
 * allow[] receives the methods the path takes.
 */
const struct route *router_match(const struct route *routes, int n, int test_mode, unsigned method,
				 const char *path, const char **params, int *nparams,
				 struct arena *a, unsigned *allow);

/* Method from its name; 0 when unknown. */
unsigned http_method_parse(const char *s);
const char *http_method_name(unsigned m);

/*
 * Runs the server until stop is set: binds, serves, then drains in-flight
 * requests within the grace time and returns.  Returns 0, or -1 when it
 * cannot bind (message logged).
 */
int http_serve(struct app *app, volatile int *stop);

#endif
