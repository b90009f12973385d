/*
 * req.c - request accessors and reply helpers for handlers.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void req_defer(struct req *r, void (*then)(struct req *r, void *arg), void *arg)
{
	r->then = then;
	r->then_arg = arg;
	r->deferred = 1;
	MHD_suspend_connection(r->conn);
}

void req_wake(struct req *r)
{
	MHD_resume_connection(r->conn);
}

void req_at_end(struct req *r, void (*fn)(void *arg), void *arg)
{
	struct req_cleanup *c = arena_alloc(&r->a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = r->cleanups;
	r->cleanups = c;
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == REQ_MAX_HEADERS)
		return;
	r->headers[r->nheaders][0] = arena_strdup(&r->a, name);
	r->headers[r->nheaders][1] = arena_strdup(&r->a, value);
	r->nheaders++;
}

void req_set_session_cookie(struct req *r, const char *token)
{
	char cookie[256];
	snprintf(cookie, sizeof(cookie),
		 SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
		 token ? token : "", token ? (long long)r->app->cfg->session_hours * 3600 : 0LL,
		 r->app->cfg->cookie_secure ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", cookie);
}

void req_reply(struct req *r, int status, const char *type, const void *body, size_t n)
{
	r->status = status;
	r->out_type = type;
	buf_reset(&r->out);
	r->out.max = (size_t)-1 >> 1;
	buf_append(&r->out, body, n);
}

void req_error(struct req *r, enum kerr code, const char *field, const char *msg)
{
	r->app->error(r, code, field, msg);
}

void req_fail(struct req *r, enum kerr code)
{
	if (r->err.code == KERR_OK)
		r->err.code = code;
	r->app->error(r, r->err.code, r->err.field[0] ? r->err.field : NULL, err_text(&r->err));
}
