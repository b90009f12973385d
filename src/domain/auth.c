/*
 * auth.c - users, sign-in, sessions and API tokens.  See auth.h.
 */
#include "domain/auth.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/audit.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, name, role, vendor_id, password_hash, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_VENDOR_EXISTS[] = "SELECT id FROM vendors WHERE id = $1";
static const char SQL_USER_LIST[] =
    "SELECT id, email, name, role, vendor_id, disabled, created_at FROM users"
    " WHERE id > $1 AND email <> '' ORDER BY id LIMIT $2";
static const char SQL_STAFF_LIST[] =
    "SELECT id, email, name, role, vendor_id, disabled, created_at FROM users"
    " WHERE role IN ('agent', 'admin') AND disabled = 0 ORDER BY name, id LIMIT $1";
static const char SQL_USER_LIST_ROLE[] =
    "SELECT id, email, name, role, vendor_id, disabled, created_at FROM users"
    " WHERE role = $1 AND id > $2 AND email <> '' ORDER BY id LIMIT $3";
static const char SQL_SESSION_RESOLVE[] =
    "SELECT u.id, u.role, u.vendor_id, u.name, u.email, c.id, s.id, s.csrf, s.expires_at"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " LEFT JOIN customers c ON c.user_id = u.id"
    " WHERE s.token_hash = $1 AND s.revoked_at IS NULL"
    " AND (s.expires_at IS NULL OR s.expires_at > $2) AND u.disabled = 0";
static const char SQL_PRINCIPAL_BY_EMAIL[] =
    "SELECT u.id, u.role, u.vendor_id, u.name, u.email, c.id FROM users u"
    " LEFT JOIN customers c ON c.user_id = u.id WHERE u.email = $1 AND u.disabled = 0";
static const char SQL_LOGIN_USER[] =
    "SELECT id, password_hash FROM users WHERE email = $1 AND disabled = 0";
static const char SQL_FAILURES[] =
    "SELECT failures, window_start FROM login_failures WHERE scope = $1 AND key = $2";
static const char SQL_FAILURE_ADD[] =
    "INSERT INTO login_failures (scope, key, window_start, failures) VALUES ($1, $2, $3, 1)"
    " ON CONFLICT (scope, key) DO UPDATE SET"
    " failures = CASE WHEN login_failures.window_start > $4 THEN login_failures.failures + 1"
    " ELSE 1 END,"
    " window_start = CASE WHEN login_failures.window_start > $4 THEN login_failures.window_start"
    " ELSE $3 END";
static const char SQL_FAILURE_CLEAR[] =
    "DELETE FROM login_failures WHERE scope = 'account' AND key = $1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, kind, label, csrf, client, created_at,"
    " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char SQL_SESSION_REVOKE[] =
    "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
static const char SQL_SESSION_OWNER[] =
    "SELECT user_id FROM sessions WHERE id = $1 AND revoked_at IS NULL";
static const char SQL_SESSION_LIST[] =
    "SELECT id, user_id, kind, label, client, created_at, expires_at FROM sessions"
    " WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
    " ORDER BY id DESC LIMIT 100";
static const char SQL_USER_ROLE[] = "SELECT role FROM users WHERE id = $1";

void auth_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

enum kerr auth_check_email(struct dctx *c, const char *field, const char *email)
{
	enum kerr rc = dom_check_text(c, field, email, 254, 1);
	if (rc)
		return rc;
	const char *at = strchr(email, '@');
	const char *dot = at ? strrchr(at, '.') : NULL;
	int ok = at && at > email && dot && dot > at + 1 && dot[1] != '\0' && !strchr(at + 1, '@');
	for (const char *p = email; ok && *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '<' || *p == '>' || *p == ',' || *p == '"')
			ok = 0;
	if (!ok)
		return err_set(c->e, KERR_BAD_VALUE, field, "'%s' is not an e-mail address", field);
	return KERR_OK;
}

enum kerr auth_user_create(struct dctx *c, const struct user_new *u, int64_t *id)
{
	static const char *const roles[] = {"customer", "vendor",      "agent",
					    "admin",	"integration", NULL};
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	if (rc)
		return rc;
	if ((rc = auth_check_email(c, "email", u->email)) ||
	    (rc = dom_check_text(c, "name", u->name, 200, 1)) ||
	    (rc = dom_check_enum(c, "role", u->role, roles)))
		return rc;
	if (strcmp(u->role, "customer") == 0 && c->who->role != ROLE_SYSTEM)
		return err_set(c->e, KERR_BAD_VALUE, "role",
			       "customers are created through /api/v1/customers");
	int vendor = strcmp(u->role, "vendor") == 0;
	if (vendor != (u->vendor_id != 0))
		return err_set(c->e, vendor ? KERR_MISSING_FIELD : KERR_BAD_VALUE, "vendor_id",
			       vendor ? "a vendor user needs 'vendor_id'"
				      : "only vendor users have a 'vendor_id'");
	if (vendor) {
		int64_t v;
		rc = db_one_i64(c->db, c->e, &v, SQL_VENDOR_EXISTS, DB_ARGS(u->vendor_id));
		if (rc == KERR_NOT_FOUND)
			return err_set(c->e, KERR_BAD_VALUE, "vendor_id", "no vendor %lld",
				       (long long)u->vendor_id);
		if (rc)
			return rc;
	}
	char hash[128];
	const char *stored = u->password_hash;
	if (!stored && u->password) {
		size_t n = strlen(u->password);
		if (n < 10 || n > 1024)
			return err_set(c->e, KERR_BAD_VALUE, "password",
				       "'password' must be 10 to 1024 bytes long");
		if ((rc = crypto_pw_hash(u->password, n, hash)))
			return err_set(c->e, rc, NULL, NULL);
		stored = hash;
	}
	char *email = arena_strdup(c->a, u->email);
	auth_lower(email);
	rc = db_one_i64(c->db, c->e, id, SQL_USER_INSERT,
			DB_ARGS(email, u->name, u->role, db_optid(u->vendor_id), stored, c->now));
	if (rc == KERR_CONFLICT)
		return err_set(c->e, KERR_CONFLICT, "email", "a user with this e-mail exists");
	if (rc)
		return rc;
	return audit_append(c, "user.create", "user", *id,
			    json_pack("{s:s,s:s,s:I}", "email", email, "role", u->role, "vendor_id",
				      (json_int_t)u->vendor_id));
}

static void read_user(struct dctx *c, struct db_stmt *st, struct user *u)
{
	u->id = db_col_i64(st, 0);
	u->email = dom_col_str(c, st, 1);
	u->name = dom_col_str(c, st, 2);
	u->role = dom_col_str(c, st, 3);
	u->vendor_id = db_col_i64(st, 4);
	u->disabled = (int)db_col_i64(st, 5);
	u->created_at = db_col_i64(st, 6);
}

enum kerr auth_user_list(struct dctx *c, const char *role, int64_t after, int limit,
			 struct user **out, int *n)
{
	static const char *const roles[] = {"customer", "vendor",      "agent",
					    "admin",	"integration", NULL};
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	if (rc || (role && (rc = dom_check_enum(c, "role", role, roles))))
		return rc;
	struct db_stmt *st = db_prep(c->db, role ? SQL_USER_LIST_ROLE : SQL_USER_LIST);
	if (!st)
		return dom_db_err(c);
	if (role)
		db_bind(st, DB_ARGS(role, after, (int64_t)limit));
	else
		db_bind(st, DB_ARGS(after, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW)
		read_user(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr auth_staff_list(struct dctx *c, struct user **out, int *n)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_STAFF_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS((int64_t)AUTH_STAFF_MAX));
	*out = arena_calloc(c->a, AUTH_STAFF_MAX, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < AUTH_STAFF_MAX && (r = db_step(st)) == DB_ROW)
		read_user(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

static void copy_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

/*
 * Fills p from the user columns every principal query starts with:
 * u.id, u.role, u.vendor_id, u.name, u.email, c.id.  Returns the next column.
 */
static int read_principal(struct db_stmt *st, struct principal *p)
{
	memset(p, 0, sizeof(*p));
	p->user_id = db_col_i64(st, 0);
	p->role = role_parse(db_col_text(st, 1));
	p->vendor_id = db_col_i64(st, 2);
	copy_str(p->name, sizeof(p->name), db_col_text(st, 3));
	copy_str(p->email, sizeof(p->email), db_col_text(st, 4));
	p->customer_id = db_col_i64(st, 5);
	return 6;
}

enum kerr auth_principal_by_email(struct dctx *c, const char *email, struct principal *p)
{
	struct db_stmt *st = db_prep(c->db, SQL_PRINCIPAL_BY_EMAIL);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(email));
	int r = db_step(st);
	if (r == DB_ROW)
		read_principal(st, p);
	db_done(st);
	if (r == DB_DONE)
		return err_set(c->e, KERR_NOT_FOUND, "email", "no user signs in as %s", email);
	return r == DB_ROW ? KERR_OK : dom_db_err(c);
}

/* Resolves by the token's hash; *expires_at gets the session's end (0: none). */
static enum kerr resolve_hash(struct db *db, const char *hash, int64_t now, struct principal *p,
			      int64_t *expires_at)
{
	struct db_stmt *st = db_prep(db, SQL_SESSION_RESOLVE);
	if (!st)
		return KERR_DB;
	db_bind(st, DB_ARGS(hash, now));
	int r = db_step(st);
	enum kerr rc = KERR_UNAUTHENTICATED;
	if (r == DB_ROW) {
		int col = read_principal(st, p);
		p->session_id = db_col_i64(st, col);
		copy_str(p->csrf, sizeof(p->csrf), db_col_text(st, col + 1));
		*expires_at = db_col_i64(st, col + 2);
		rc = p->role == ROLE_NONE ? KERR_UNAUTHENTICATED : KERR_OK;
	} else if (r == DB_ERROR) {
		rc = db_err(db, NULL);
	}
	db_done(st);
	return rc;
}

/*
 * Sessions resolved in the last second, so that a client's every request
 * does not read the same rows again.  An entry is used only while it is
 * younger than CACHE_KEEP_US, its session has not expired, and no
 * transaction that changed what sessions resolve to (auth_sessions_changed)
 * committed in this process since it was made (the epoch).  A revocation
 * or a renamed user therefore takes effect at once here and within
 * CACHE_KEEP_US in other processes sharing the database.
 */
#define CACHE_SLOTS   1024
#define CACHE_KEEP_US 1000000

struct cached_session {
	char hash[SHA256_HEX_LEN + 1]; /* the token's hash; "" when the slot is free */
	struct principal who;	       /* what it resolved to */
	int64_t expires_at;	       /* the session's end, 0: none */
	int64_t until_us;	       /* monotonic time the entry stops being used */
	uint64_t epoch;		       /* revocation epoch it was made in */
};

static struct cached_session cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t cache_epoch = 1;

static void forget_sessions(void)
{
	atomic_fetch_add(&cache_epoch, 1);
}

enum kerr auth_sessions_changed(struct dctx *c)
{
	if (db_on_commit(c->db, forget_sessions))
		return err_set(c->e, KERR_INTERNAL, NULL, "too many effects after one commit");
	return KERR_OK;
}

struct find_ctx {
	const char *hash;
	int64_t now;
	struct principal *who;
	int64_t expires_at;
};

static enum kerr find_fn(struct db *db, void *arg)
{
	struct find_ctx *x = arg;
	return resolve_hash(db, x->hash, x->now, x->who, &x->expires_at);
}

enum kerr auth_session_find(struct db_pool *pool, const char *token, struct principal *p)
{
	char hash[SHA256_HEX_LEN + 1];
	crypto_sha256_hex(token, strlen(token), hash);
	uint64_t epoch = atomic_load(&cache_epoch);
	int64_t now = clock_now_ms(), mono = clock_mono_us();
	unsigned index = 0;
	for (int k = 0; k < 4; k++) /* the hash is uniform: its first hex digits will do */
		index =
		    index * 16 + (unsigned)(hash[k] <= '9' ? hash[k] - '0' : hash[k] - 'a' + 10);
	struct cached_session *slot = &cache[index & (CACHE_SLOTS - 1)];
	pthread_mutex_lock(&cache_mu);
	int hit = strcmp(slot->hash, hash) == 0 && slot->epoch == epoch && slot->until_us > mono &&
		  (slot->expires_at == 0 || slot->expires_at > now);
	if (hit)
		*p = slot->who;
	pthread_mutex_unlock(&cache_mu);
	if (hit)
		return KERR_OK;
	struct find_ctx x = {hash, now, p, 0};
	enum kerr rc = db_read(pool, find_fn, &x);
	if (rc)
		return rc;
	pthread_mutex_lock(&cache_mu);
	memcpy(slot->hash, hash, sizeof(hash));
	slot->who = *p;
	slot->expires_at = x.expires_at;
	slot->until_us = mono + CACHE_KEEP_US;
	slot->epoch = epoch; /* as read before the lookup: a revocation since voids it */
	pthread_mutex_unlock(&cache_mu);
	return KERR_OK;
}

/* ---- login ---- */

struct login_ctx {
	const struct config *cfg;
	const char *email;  /* lower-cased */
	const char *client; /* client address */
	int64_t now;
	int64_t user_id;     /* found user, or 0 */
	char hash[256];	     /* their password hash */
	int64_t retry_after; /* seconds, when limited */
	int ok;		     /* password matched */
	struct login_result *out;
	struct err *e;
};

/* Seconds until the window of (scope, key) lets logins through again, or 0. */
static enum kerr limited(struct db *db, struct login_ctx *x, const char *scope, const char *key,
			 int64_t limit, int64_t *wait)
{
	int64_t window = x->cfg->login_window_minutes * 60000;
	struct db_stmt *st = db_prep(db, SQL_FAILURES);
	if (!st)
		return db_err(db, x->e);
	db_bind(st, DB_ARGS(scope, key));
	int r = db_step(st);
	*wait = 0;
	if (r == DB_ROW) {
		int64_t failures = db_col_i64(st, 0), start = db_col_i64(st, 1);
		if (start + window > x->now && failures >= limit)
			*wait = (start + window - x->now + 999) / 1000;
	}
	db_done(st);
	return r == DB_ERROR ? db_err(db, x->e) : KERR_OK;
}

static enum kerr login_read(struct db *db, void *arg)
{
	struct login_ctx *x = arg;
	int64_t w1 = 0, w2 = 0;
	enum kerr rc;
	if ((rc = limited(db, x, "account", x->email, x->cfg->login_account_failures, &w1)) ||
	    (rc = limited(db, x, "address", x->client, x->cfg->login_address_failures, &w2)))
		return rc;
	x->retry_after = w1 > w2 ? w1 : w2;
	if (x->retry_after)
		return KERR_OK;
	struct db_stmt *st = db_prep(db, SQL_LOGIN_USER);
	if (!st)
		return db_err(db, x->e);
	db_bind(st, DB_ARGS(x->email));
	int r = db_step(st);
	if (r == DB_ROW && !db_col_null(st, 1)) {
		x->user_id = db_col_i64(st, 0);
		copy_str(x->hash, sizeof(x->hash), db_col_text(st, 1));
	}
	db_done(st);
	return r == DB_ERROR ? db_err(db, x->e) : KERR_OK;
}

static enum kerr login_write(struct db *db, void *arg)
{
	struct login_ctx *x = arg;
	struct principal system = {.role = ROLE_SYSTEM};
	struct arena a;
	arena_init(&a);
	struct dctx c = {db, &system, &a, x->e, x->now, x->cfg};
	enum kerr rc;
	if (!x->ok) {
		int64_t window_start = x->now - x->cfg->login_window_minutes * 60000;
		if ((rc = db_exec(db, x->e, SQL_FAILURE_ADD,
				  DB_ARGS("account", x->email, x->now, window_start))) ||
		    (rc = db_exec(db, x->e, SQL_FAILURE_ADD,
				  DB_ARGS("address", x->client, x->now, window_start))))
			goto out;
		rc = audit_append(&c, "auth.login_failed", "user", x->user_id,
				  json_pack("{s:s,s:s}", "email", x->email, "client", x->client));
		goto out;
	}
	if ((rc = db_exec(db, x->e, SQL_FAILURE_CLEAR, DB_ARGS(x->email))))
		goto out;
	char hash[SHA256_HEX_LEN + 1], csrf[TOKEN_TEXT_LEN + 1];
	crypto_token(x->out->token);
	crypto_token(csrf);
	crypto_sha256_hex(x->out->token, strlen(x->out->token), hash);
	x->out->expires_at = x->now + x->cfg->session_hours * 3600000;
	int64_t sid;
	if ((rc = db_one_i64(db, x->e, &sid, SQL_SESSION_INSERT,
			     DB_ARGS(hash, x->user_id, "session", "", csrf, x->client, x->now,
				     x->out->expires_at))))
		goto out;
	/* Resolve as any later request would, so the result is the same principal. */
	int64_t expires_at;
	if ((rc = resolve_hash(db, hash, x->now, &x->out->who, &expires_at)))
		goto out;
	c.who = &x->out->who;
	rc =
	    audit_append(&c, "auth.login", "session", sid, json_pack("{s:s}", "client", x->client));
out:
	arena_free(&a);
	return rc;
}

enum kerr auth_login(struct db_pool *pool, const struct config *cfg, const char *email,
		     const char *password, const char *client, struct login_result *out,
		     struct err *e)
{
	char lower[256];
	copy_str(lower, sizeof(lower), email);
	auth_lower(lower);
	memset(out, 0, sizeof(*out));
	struct login_ctx x = {cfg, lower, client, clock_now_ms(), 0, "", 0, 0, out, e};
	enum kerr rc = db_read(pool, login_read, &x);
	if (rc)
		return rc;
	if (x.retry_after) {
		out->retry_after_s = x.retry_after;
		return err_set(e, KERR_RATE_LIMITED, NULL,
			       "too many failed sign-ins; try again in %lld seconds",
			       (long long)x.retry_after);
	}
	size_t n = strlen(password);
	if (x.user_id)
		x.ok = crypto_pw_verify(x.hash, password, n);
	else
		crypto_pw_dummy_verify(password, n);
	x.now = clock_now_ms();
	rc = db_write(pool, login_write, &x);
	if (rc)
		return rc;
	if (!x.ok)
		return err_set(e, KERR_BAD_LOGIN, NULL, NULL);
	return KERR_OK;
}

enum kerr auth_logout(struct dctx *c)
{
	if (!c->who->session_id)
		return err_set(c->e, KERR_UNAUTHENTICATED, NULL, NULL);
	return auth_session_revoke(c, c->who->session_id);
}

enum kerr auth_session_list(struct dctx *c, int64_t user_id, struct session_info **out, int *n)
{
	enum kerr rc = dom_require(c, ~0u);
	if (rc)
		return rc;
	if (user_id && user_id != c->who->user_id && !(c->who->role & ROLE_ADMIN))
		return err_set(c->e, KERR_FORBIDDEN, "user_id",
			       "only admins list others' sessions");
	if (!user_id)
		user_id = c->who->user_id;
	struct db_stmt *st = db_prep(c->db, SQL_SESSION_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(user_id, c->now));
	*out = arena_calloc(c->a, 100, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while ((r = db_step(st)) == DB_ROW && *n < 100) {
		struct session_info *s = &(*out)[(*n)++];
		s->id = db_col_i64(st, 0);
		s->user_id = db_col_i64(st, 1);
		s->kind = dom_col_str(c, st, 2);
		s->label = dom_col_str(c, st, 3);
		s->client = dom_col_str(c, st, 4);
		s->created_at = db_col_i64(st, 5);
		s->expires_at = db_col_i64(st, 6);
		s->current = s->id == c->who->session_id;
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr auth_session_revoke(struct dctx *c, int64_t id)
{
	enum kerr rc = dom_require(c, ~0u);
	if (rc)
		return rc;
	int64_t owner;
	rc = db_one_i64(c->db, c->e, &owner, SQL_SESSION_OWNER, DB_ARGS(id));
	if (rc == KERR_OK && owner != c->who->user_id &&
	    !(c->who->role & (ROLE_ADMIN | ROLE_SYSTEM)))
		rc = KERR_NOT_FOUND;
	if (rc == KERR_NOT_FOUND)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such session");
	if (rc)
		return rc;
	if ((rc = db_exec(c->db, c->e, SQL_SESSION_REVOKE, DB_ARGS(id, c->now))) ||
	    (rc = auth_sessions_changed(c)))
		return rc;
	return audit_append(c, "session.revoke", "session", id,
			    json_pack("{s:I}", "user_id", (json_int_t)owner));
}

enum kerr auth_token_create(struct dctx *c, int64_t user_id, const char *label,
			    const char *token_in, char out[TOKEN_TEXT_LEN + 1], int64_t *id)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	if (rc)
		return rc;
	if ((rc = dom_check_text(c, "label", label, 200, 1)))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_USER_ROLE);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(user_id));
	int r = db_step(st);
	int is_integration = r == DB_ROW && strcmp(db_col_text(st, 0), "integration") == 0;
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE)
		return err_set(c->e, KERR_BAD_VALUE, "user_id", "no such user");
	if (!is_integration)
		return err_set(c->e, KERR_BAD_VALUE, "user_id",
			       "API tokens are for integration accounts");
	if (token_in)
		copy_str(out, TOKEN_TEXT_LEN + 1, token_in);
	else
		crypto_token(out);
	char hash[SHA256_HEX_LEN + 1], csrf[TOKEN_TEXT_LEN + 1];
	crypto_sha256_hex(out, strlen(out), hash);
	crypto_token(csrf);
	rc = db_one_i64(
	    c->db, c->e, id, SQL_SESSION_INSERT,
	    DB_ARGS(hash, user_id, "api_token", label, csrf, "", c->now, db_optid((int64_t)0)));
	if (rc)
		return rc;
	return audit_append(c, "token.create", "session", *id,
			    json_pack("{s:I,s:s}", "user_id", (json_int_t)user_id, "label", label));
}
