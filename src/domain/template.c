/*
 * template.c - saved replies and vendor-request templates.  See template.h.
 */
#include "domain/template.h"

#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"

const char *const template_kinds[] = {"reply", "request", NULL};

static const char SQL_INSERT[] =
    "INSERT INTO templates (kind, category, name, body, created_by, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_DELETE[] =
    "UPDATE templates SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id";
#define COLS "SELECT id, kind, category, name, body, created_at FROM templates"
static const char SQL_LIST[] =
    COLS " WHERE deleted_at IS NULL AND ($1 = '' OR kind = $1)"
	 " AND ($2 = '' OR category IS NULL OR category = $2) ORDER BY kind, name, id LIMIT $3";
static const char SQL_GET[] = COLS " WHERE id = $1 AND deleted_at IS NULL";
static const char SQL_FIRST_NAME[] = "SELECT c.first_name FROM customers c WHERE c.id = $1";

enum kerr template_create(struct dctx *c, const struct template_in *in, int64_t *id)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	const char *category = in->category && *in->category ? in->category : NULL;
	if (rc || (rc = dom_check_enum(c, "kind", in->kind, template_kinds)) ||
	    (category && (rc = dom_check_enum(c, "category", category, enquiry_categories))) ||
	    (rc = dom_check_text(c, "name", in->name, 100, 1)) ||
	    (rc = dom_check_text(c, "body", in->body, 5000, 1)))
		return rc;
	if ((rc = db_one_i64(
		 c->db, c->e, id, SQL_INSERT,
		 DB_ARGS(in->kind, category, in->name, in->body, c->who->user_id, c->now))))
		return rc;
	return audit_append(
	    c, "template.create", "template", *id,
	    json_pack("{s:s,s:s?,s:s}", "kind", in->kind, "category", category, "name", in->name));
}

enum kerr template_delete(struct dctx *c, int64_t id)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	int64_t gone;
	if (rc || (rc = db_one_i64(c->db, c->e, &gone, SQL_DELETE, DB_ARGS(id, c->now))))
		return rc == KERR_NOT_FOUND
			   ? err_set(c->e, KERR_NOT_FOUND, "id", "no such template")
			   : rc;
	return audit_append(c, "template.delete", "template", id, NULL);
}

static void read_row(struct dctx *c, struct db_stmt *st, struct template *t)
{
	t->id = db_col_i64(st, 0);
	t->kind = dom_col_str(c, st, 1);
	t->category = db_col_null(st, 2) ? NULL : dom_col_str(c, st, 2);
	t->name = dom_col_str(c, st, 3);
	t->body = dom_col_str(c, st, 4);
	t->created_at = db_col_i64(st, 5);
}

enum kerr template_list(struct dctx *c, const char *kind, const char *category,
			struct template **out, int *n)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(kind ? kind : "", category ? category : "", (int64_t)TEMPLATE_MAX));
	*out = arena_calloc(c->a, TEMPLATE_MAX, sizeof(**out));
	*n = 0;
	int r;
	while (*n < TEMPLATE_MAX && (r = db_step(st)) == DB_ROW)
		read_row(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

static void read_one(struct dctx *c, struct db_stmt *st, void *out)
{
	read_row(c, st, out);
}

enum kerr template_fill(struct dctx *c, int64_t id, const struct enquiry *q, const char **text,
			const char **kind)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	struct template t;
	int found;
	if (rc || (rc = dom_fetch(c, SQL_GET, id, read_one, &t, &found)))
		return rc;
	if (!found || (t.category && strcmp(t.category, q->category) != 0))
		return err_set(c->e, KERR_NOT_FOUND, "template",
			       "no such template for this enquiry");
	const char *first = "";
	struct db_stmt *st = db_prep(c->db, SQL_FIRST_NAME);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(q->customer_id));
	if (db_step(st) == DB_ROW)
		first = dom_col_str(c, st, 0);
	db_done(st);
	const char *names[][2] = {{"{customer}", first},
				  {"{order}", q->order_number},
				  {"{shop}", q->shop_name},
				  {"{agent}", c->who->name}};
	struct buf b;
	buf_init(&b, 0);
	for (const char *p = t.body; *p;) {
		size_t i = 0;
		while (i < 4 && strncmp(p, names[i][0], strlen(names[i][0])) != 0)
			i++;
		if (i < 4) {
			buf_append_str(&b, names[i][1] ? names[i][1] : "");
			p += strlen(names[i][0]);
		} else {
			buf_append_char(&b, *p++);
		}
	}
	*text = arena_strdup(c->a, buf_cstr(&b));
	*kind = t.kind;
	buf_free(&b);
	return KERR_OK;
}
