/*
 * domain.c - helpers every domain module uses: roles, permission checks,
 * text checks.
 */
#include "domain/domain.h"

#include <jansson.h>

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"

static const struct {
	enum role r;
	const char *name;
} roles[] = {
    {ROLE_CUSTOMER, "customer"}, {ROLE_VENDOR, "vendor"},	    {ROLE_AGENT, "agent"},
    {ROLE_ADMIN, "admin"},	 {ROLE_INTEGRATION, "integration"}, {ROLE_SYSTEM, "system"},
};

const char *role_name(enum role r)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].r == r)
			return roles[i].name;
	return "";
}

enum role role_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, s) == 0)
			return roles[i].r;
	return ROLE_NONE;
}

enum kerr dom_require(struct dctx *c, unsigned mask)
{
	if (c->who->role == ROLE_NONE)
		return err_set(c->e, KERR_UNAUTHENTICATED, NULL, NULL);
	if (c->who->role == ROLE_SYSTEM || (c->who->role & mask))
		return KERR_OK;
	const char *name = role_name(c->who->role);
	int vowel =
	    name[0] == 'a' || name[0] == 'e' || name[0] == 'i' || name[0] == 'o' || name[0] == 'u';
	return err_set(c->e, KERR_FORBIDDEN, NULL, "%s %s account may not do this",
		       vowel ? "an" : "a", name);
}

enum view dom_view(const struct dctx *c)
{
	if (c->who->role == ROLE_CUSTOMER)
		return VIEW_CUSTOMER;
	if (c->who->role == ROLE_VENDOR)
		return VIEW_VENDOR;
	return VIEW_STAFF;
}

int dom_is_staff(const struct dctx *c)
{
	return (c->who->role & (ROLES_STAFF | ROLE_SYSTEM)) != 0;
}

const char *dom_col_str(struct dctx *c, struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? arena_strndup(c->a, s, db_col_len(st, col)) : NULL;
}

enum kerr dom_check_text(struct dctx *c, const char *field, const char *s, size_t max, int required)
{
	if (!s) {
		if (required)
			return err_set(c->e, KERR_MISSING_FIELD, field, "'%s' is required", field);
		return KERR_OK;
	}
	size_t n = strlen(s);
	if (!utf8_valid_text(s, n))
		return err_set(c->e, KERR_BAD_UTF8, field,
			       "'%s' must be UTF-8 text without control characters", field);
	if (utf8_length(s, n) > max)
		return err_set(c->e, KERR_BAD_VALUE, field, "'%s' is longer than %zu characters",
			       field, max);
	if (required && slice_trim(slice_from(s)).n == 0)
		return err_set(c->e, KERR_BAD_VALUE, field, "'%s' must not be blank", field);
	return KERR_OK;
}

enum kerr dom_check_enum(struct dctx *c, const char *field, const char *s,
			 const char *const *allowed)
{
	char list[256] = "";
	size_t used = 0;
	for (const char *const *p = allowed; *p; p++) {
		if (s && strcmp(s, *p) == 0)
			return KERR_OK;
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", *p);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	return err_set(c->e, KERR_BAD_VALUE, field, "'%s' must be one of: %s", field, list);
}

static int dump_cb(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n) ? -1 : 0;
}

const char *dom_json_text(struct dctx *c, const struct json_t *j, int sort)
{
	if (!j)
		return "{}";
	struct buf b;
	buf_init(&b, 0);
	size_t flags = JSON_COMPACT | JSON_ENSURE_ASCII | (sort ? JSON_SORT_KEYS : 0);
	const char *out = "{}";
	if (json_dump_callback(j, dump_cb, &b, flags) == 0)
		out = arena_strndup(c->a, buf_cstr(&b), b.len);
	buf_free(&b);
	return out;
}

enum kerr dom_fetch(struct dctx *c, const char *sql, int64_t id,
		    void (*read)(struct dctx *c, struct db_stmt *st, void *out), void *out,
		    int *found)
{
	*found = 0;
	struct db_stmt *st = db_prep(c->db, sql);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	if (r == DB_ROW) {
		read(c, st, out);
		*found = 1;
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr dom_db_err(struct dctx *c)
{
	return db_err(c->db, c->e);
}
