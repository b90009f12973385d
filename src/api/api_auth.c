/*
 * api_auth.c - sign-in, sessions, users, API tokens and the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/render.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/auth.h"

#define SESSION_COOKIE "kapsule_session"

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
	if (strlen(email) > 254 || strlen(password) > 1024) {
		json_decref(in);
		api_error(r, KERR_BAD_LOGIN, NULL, NULL);
		return;
	}
	struct login_result res;
	enum kerr rc = auth_login(r->app->pool, r->app->cfg, email, password, r->client, &res,
				  &r->err);
	json_decref(in);
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
	char cookie[256];
	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; "
		 "SameSite=Lax%s", res.token, (long long)r->app->cfg->session_hours * 3600,
		 r->app->cfg->cookie_secure ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", cookie);
	api_reply_json(r, 200, json_pack("{s:s,s:s,s:o,s:o}", "token", res.token, "csrf_token",
					  res.who.csrf, "expires_at", api_time(res.expires_at),
					  "user", render_principal(&res.who)));
}

static enum kerr logout_work(struct dctx *c, void *arg, json_t **out)
{
	(void)arg;
	enum kerr rc = auth_logout(c);
	if (!rc)
		*out = json_pack("{s:b}", "signed_out", 1);
	return rc;
}

void h_logout(struct req *r)
{
	json_t *in = api_body_or_reply(r, (const struct field[]){{NULL, 0, 0}});
	if (!in)
		return;
	json_decref(in);
	api_write(r, logout_work, NULL, 200);
	if (r->status == 200) {
		char cookie[160];
		snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
			 "SameSite=Lax%s", r->app->cfg->cookie_secure ? "; Secure" : "");
		req_add_header(r, "Set-Cookie", cookie);
	}
}

void h_me(struct req *r)
{
	json_t *j = render_principal(&r->who);
	json_object_set_new(j, "csrf_token", json_string(r->who.csrf));
	api_reply_json(r, 200, j);
}

struct sessions_arg {
	int64_t user_id;
};

static enum kerr sessions_work(struct dctx *c, void *arg, json_t **out)
{
	struct sessions_arg *x = arg;
	struct session_info *s;
	int n;
	enum kerr rc = auth_session_list(c, x->user_id, &s, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:b}", "id", (json_int_t)s[i].id,
				      "user_id", (json_int_t)s[i].user_id, "kind", s[i].kind,
				      "label", s[i].label, "client", s[i].client, "created_at",
				      api_time(s[i].created_at), "expires_at",
				      api_time(s[i].expires_at), "current", s[i].current);
		json_array_append_new(items, j);
	}
	*out = render_page(items, NULL);
	return KERR_OK;
}

void h_sessions(struct req *r)
{
	struct sessions_arg x = {0};
	int present;
	if (api_query_int_or_reply(r, "user_id", 1, INT64_MAX, &x.user_id, &present))
		return;
	api_read(r, sessions_work, &x);
}

static enum kerr revoke_work(struct dctx *c, void *arg, json_t **out)
{
	int64_t id = *(int64_t *)arg;
	enum kerr rc = auth_session_revoke(c, id);
	if (!rc)
		*out = json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1);
	return rc;
}

void h_session_revoke(struct req *r)
{
	int64_t id = api_id_or_reply(r, 0);
	if (id)
		api_write(r, revoke_work, &id, 200);
}

static const struct field user_fields[] = {
	{"email", F_STR, 1},    {"name", F_STR, 1},      {"role", F_STR, 1},
	{"password", F_STR, 0}, {"vendor_id", F_INT, 0}, {NULL, 0, 0},
};

static enum kerr user_create_work(struct dctx *c, void *arg, json_t **out)
{
	json_t *in = arg;
	struct user_new u = {api_str(in, "email"), api_str(in, "name"), api_str(in, "role"),
			     api_int(in, "vendor_id", 0), api_str(in, "password"), NULL};
	int64_t id;
	enum kerr rc = auth_user_create(c, &u, &id);
	if (rc)
		return rc;
	struct user *list;
	int n;
	if ((rc = auth_user_list(c, NULL, id - 1, 1, &list, &n)))
		return rc;
	*out = render_user(&list[0]);
	return KERR_OK;
}

void h_user_create(struct req *r)
{
	json_t *in = api_body_or_reply(r, user_fields);
	if (!in)
		return;
	api_write(r, user_create_work, in, 201);
	json_decref(in);
}

struct list_arg {
	const char *filter;
	int64_t after, key;
	int limit;
	int64_t object_id;
};

static enum kerr users_work(struct dctx *c, void *arg, json_t **out)
{
	struct list_arg *x = arg;
	struct user *u;
	int n;
	enum kerr rc = auth_user_list(c, x->filter, x->after, x->limit + 1, &u, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < x->limit; i++)
		json_array_append_new(items, render_user(&u[i]));
	char cur[48];
	snprintf(cur, sizeof(cur), "0.%lld", n > x->limit ? (long long)u[x->limit - 1].id : 0LL);
	*out = render_page(items, n > x->limit ? cur : NULL);
	return KERR_OK;
}

void h_users(struct req *r)
{
	struct list_arg x = {req_query(r, "role"), 0, 0, api_limit_or_reply(r), 0};
	if (!x.limit || api_cursor_or_reply(r, &x.key, &x.after) < 0)
		return;
	api_read(r, users_work, &x);
}

static const struct field token_fields[] = {
	{"user_id", F_INT, 1},
	{"label", F_STR, 1},
	{NULL, 0, 0},
};

static enum kerr token_work(struct dctx *c, void *arg, json_t **out)
{
	json_t *in = arg;
	char token[TOKEN_TEXT_LEN + 1];
	int64_t id;
	enum kerr rc = auth_token_create(c, api_int(in, "user_id", 0), api_str(in, "label"), NULL,
					 token, &id);
	if (!rc)
		*out = json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "token", token, "user_id",
				 (json_int_t)api_int(in, "user_id", 0));
	return rc;
}

void h_token_create(struct req *r)
{
	json_t *in = api_body_or_reply(r, token_fields);
	if (!in)
		return;
	api_write(r, token_work, in, 201);
	json_decref(in);
}

static enum kerr audit_work(struct dctx *c, void *arg, json_t **out)
{
	struct list_arg *x = arg;
	struct audit_event *ev;
	int n;
	enum kerr rc = audit_list(c, x->filter, x->object_id, x->after, x->limit + 1, &ev, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < x->limit; i++) {
		json_t *summary = json_loads(ev[i].summary, 0, NULL);
		json_array_append_new(
			items, json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:I,s:o,s:s}", "id",
					 (json_int_t)ev[i].id, "at", api_time(ev[i].at), "actor_id",
					 ev[i].actor_id ? json_integer(ev[i].actor_id) : json_null(),
					 "actor_role", ev[i].actor_role, "action", ev[i].action,
					 "object_type", ev[i].object_type, "object_id",
					 (json_int_t)ev[i].object_id, "summary",
					 summary ? summary : json_object(), "hash", ev[i].hash));
	}
	const char *next = n > x->limit ? arena_printf(c->a, "0.%lld", (long long)ev[x->limit - 1].id)
					: NULL;
	*out = render_page(items, next);
	return KERR_OK;
}

void h_audit(struct req *r)
{
	struct list_arg x = {req_query(r, "object_type"), 0, 0, api_limit_or_reply(r), 0};
	int present;
	if (!x.limit || api_cursor_or_reply(r, &x.key, &x.after) < 0 ||
	    api_query_int_or_reply(r, "object_id", 1, INT64_MAX, &x.object_id, &present))
		return;
	if (x.filter && !present) {
		api_error(r, KERR_MISSING_FIELD, "object_id", "'object_type' goes with 'object_id'");
		return;
	}
	api_read(r, audit_work, &x);
}
