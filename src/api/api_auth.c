/*
 * api_auth.c - sign-in, sessions, users, API tokens and the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/utf8.h"
#include "api/handlers.h"
#include "api/render.h"
#include "domain/audit.h"
#include "domain/auth.h"

static const struct field login_fields[] = {
    {"email", F_STR, 1},
    {"password", F_STR, 1},
    {NULL, 0, 0},
};

void h_login(struct req *r)
{
	json_t *in = api_body_or_reply(r, login_fields);
	if (!in)
		return;
	const char *email = api_str(in, "email"), *password = api_str(in, "password");
	if (!utf8_valid_text(email, strlen(email))) {
		api_error(r, KERR_BAD_UTF8, "email",
			  "'email' must be UTF-8 text without control characters");
		return;
	}
	if (strlen(email) > 254 || strlen(password) > 1024) {
		api_error(r, KERR_BAD_LOGIN, NULL, NULL);
		return;
	}
	struct login_result res;
	enum kerr rc =
	    auth_login(r->app->pool, r->app->cfg, email, password, r->client, &res, &r->err);
	if (rc) {
		if (rc == KERR_RATE_LIMITED) {
			char s[32];
			snprintf(s, sizeof(s), "%lld", (long long)res.retry_after_s);
			req_add_header(r, "Retry-After", s);
		}
		req_fail(r, rc);
		return;
	}
	r->who = res.who;
	req_set_session_cookie(r, res.token);
	struct jw w;
	api_begin(r, 200, &w);
	jw_obj(&w);
	jw_kstr(&w, "token", res.token);
	jw_kstr(&w, "csrf_token", res.who.csrf);
	jw_ktime(&w, "expires_at", res.expires_at);
	jw_key(&w, "user");
	jw_obj(&w);
	render_principal_fields(&w, &res.who);
	jw_obj_end(&w);
	jw_obj_end(&w);
}

static enum kerr logout_work(struct dctx *c, void *arg, struct jw *out)
{
	(void)arg;
	enum kerr rc = auth_logout(c);
	if (!rc) {
		jw_obj(out);
		jw_kbool(out, "signed_out", 1);
		jw_obj_end(out);
	}
	return rc;
}

/* After a sign-out: the browser forgets the cookie. */
static void clear_cookie(struct req *r)
{
	if (r->status == 200)
		req_set_session_cookie(r, NULL);
}

void h_logout(struct req *r)
{
	json_t *in = api_body_or_reply(r, (const struct field[]){{NULL, 0, 0}});
	if (!in)
		return;
	api_write_then(r, logout_work, NULL, 200, clear_cookie);
}

void h_me(struct req *r)
{
	struct jw w;
	api_begin(r, 200, &w);
	jw_obj(&w);
	render_principal_fields(&w, &r->who);
	jw_kstr(&w, "csrf_token", r->who.csrf);
	jw_obj_end(&w);
}

struct list_arg {
	const char *filter; /* role or object type */
	int64_t after;	    /* cursor id */
	int limit;
	int64_t object_id; /* audit: with object_type; sessions: user id */
};

static enum kerr sessions_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct session_info *s;
	int n;
	enum kerr rc = auth_session_list(c, x->object_id, &s, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n; i++)
		render_session(out, &s[i]);
	render_page_end(out, NULL);
	return KERR_OK;
}

void h_sessions(struct req *r)
{
	struct list_arg x = {0};
	int present;
	if (api_query_int_or_reply(r, "user_id", 1, INT64_MAX, &x.object_id, &present))
		return;
	api_read(r, sessions_work, &x);
}

static enum kerr revoke_work(struct dctx *c, void *arg, struct jw *out)
{
	int64_t id = *(int64_t *)arg;
	enum kerr rc = auth_session_revoke(c, id);
	if (!rc) {
		jw_obj(out);
		jw_kint(out, "id", id);
		jw_kbool(out, "revoked", 1);
		jw_obj_end(out);
	}
	return rc;
}

void h_session_revoke(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_write(r, revoke_work, api_keep(r, &id, sizeof(id)), 200);
}

static const struct field user_fields[] = {
    {"email", F_STR, 1},    {"name", F_STR, 1},	     {"role", F_STR, 1},
    {"password", F_STR, 0}, {"vendor_id", F_INT, 0}, {NULL, 0, 0},
};

static enum kerr user_create_work(struct dctx *c, void *arg, struct jw *out)
{
	json_t *in = arg;
	if (json_object_get(in, "vendor_id") && api_int(in, "vendor_id", 0) <= 0)
		return err_set(c->e, KERR_BAD_VALUE, "vendor_id",
			       "'vendor_id' must be a vendor's id");
	struct user_new u = {api_str(in, "email"),    api_str(in, "name"),
			     api_str(in, "role"),     api_int(in, "vendor_id", 0),
			     api_str(in, "password"), NULL};
	int64_t id;
	enum kerr rc = auth_user_create(c, &u, &id);
	if (rc)
		return rc;
	struct user *list;
	int n;
	if ((rc = auth_user_list(c, NULL, id - 1, 1, &list, &n)))
		return rc;
	render_user(out, &list[0]);
	return KERR_OK;
}

void h_user_create(struct req *r)
{
	json_t *in = api_body_or_reply(r, user_fields);
	if (!in)
		return;
	api_write(r, user_create_work, in, 201);
}

/* The cursor of a list ordered by id. */
static const char *id_cursor(struct dctx *c, int more, int64_t last)
{
	return more ? api_cursor_text(c->a, 0, last) : NULL;
}

static enum kerr users_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct user *u;
	int n;
	enum kerr rc = auth_user_list(c, x->filter, x->after, x->limit + 1, &u, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n && i < x->limit; i++)
		render_user(out, &u[i]);
	render_page_end(out, id_cursor(c, n > x->limit, n > x->limit ? u[x->limit - 1].id : 0));
	return KERR_OK;
}

void h_users(struct req *r)
{
	struct list_arg x = {req_query(r, "role"), 0, api_limit_or_reply(r), 0};
	int64_t key;
	if (!x.limit || api_cursor_or_reply(r, &key, &x.after) < 0)
		return;
	api_read(r, users_work, &x);
}

static const struct field token_fields[] = {
    {"user_id", F_INT, 1},
    {"label", F_STR, 1},
    {NULL, 0, 0},
};

struct token_arg {
	struct req *r;
	json_t *in;
};

/* The token object; the secret only when show is set. */
static void write_token(struct jw *w, int64_t id, const char *token, int64_t user_id)
{
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "token", token);
	jw_kint(w, "user_id", user_id);
	jw_obj_end(w);
}

static enum kerr token_work(struct dctx *c, void *arg, struct jw *out)
{
	struct token_arg *x = arg;
	char token[TOKEN_TEXT_LEN + 1];
	int64_t id, user_id = api_int(x->in, "user_id", 0);
	enum kerr rc = auth_token_create(c, user_id, api_str(x->in, "label"), NULL, token, &id);
	if (rc)
		return rc;
	write_token(out, id, token, user_id);
	/* A replay must not hand out the secret again, and it is never stored. */
	struct buf kept;
	struct jw w;
	buf_init(&kept, 0);
	jw_init(&w, &kept);
	write_token(&w, id, NULL, user_id);
	x->r->idem_reply = arena_strdup(c->a, buf_cstr(&kept));
	buf_free(&kept);
	return KERR_OK;
}

void h_token_create(struct req *r)
{
	struct token_arg x = {r, api_body_or_reply(r, token_fields)};
	if (!x.in)
		return;
	api_write(r, token_work, api_keep(r, &x, sizeof(x)), 201);
}

static enum kerr audit_work(struct dctx *c, void *arg, struct jw *out)
{
	struct list_arg *x = arg;
	struct audit_event *ev;
	int n;
	enum kerr rc = audit_list(c, x->filter, x->object_id, x->after, x->limit + 1, &ev, &n);
	if (rc)
		return rc;
	render_page_begin(out);
	for (int i = 0; i < n && i < x->limit; i++)
		render_audit(out, &ev[i]);
	render_page_end(out, id_cursor(c, n > x->limit, n > x->limit ? ev[x->limit - 1].id : 0));
	return KERR_OK;
}

void h_audit(struct req *r)
{
	struct list_arg x = {req_query(r, "object_type"), 0, api_limit_or_reply(r), 0};
	int present;
	int64_t key;
	if (!x.limit || api_cursor_or_reply(r, &key, &x.after) < 0 ||
	    api_query_int_or_reply(r, "object_id", 1, INT64_MAX, &x.object_id, &present))
		return;
	if ((x.filter != NULL) != (present != 0)) {
		api_error(r, KERR_MISSING_FIELD, x.filter ? "object_id" : "object_type",
			  "'object_type' and 'object_id' go together");
		return;
	}
	api_read(r, audit_work, &x);
}
