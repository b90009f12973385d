/*
 * party.c - vendors and customers.  See party.h.
 */
#include "domain/party.h"

#include <string.h>

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/enquiry.h"

static const char SQL_VENDOR_FIND[] = "SELECT id FROM vendors WHERE ref = $1";
/* Optional details: absent (NULL) keeps the stored value, "" clears it. */
#define KEEP(col, p)                                                                               \
	col " = CASE WHEN CAST(" p " AS TEXT) IS NULL THEN " col " ELSE NULLIF(" p ", '') END"
static const char SQL_VENDOR_INSERT[] =
    "INSERT INTO vendors (ref, shop_name, contact_email, contact_phone, website, handles,"
    " created_at, updated_at) VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), NULLIF($5, ''),"
    " COALESCE(CAST($7 AS TEXT), ''), $6, $6) RETURNING id";
static const char SQL_VENDOR_UPDATE[] =
    "UPDATE vendors SET shop_name = $2, " KEEP("contact_email", "$3") ", " KEEP(
	"contact_phone", "$4") ", " KEEP("website", "$5") ","
							  " handles = COALESCE(CAST($7 AS TEXT), "
							  "handles), updated_at = $6 WHERE id = $1";
static const char SQL_VENDOR_LIST[] =
    "SELECT id, ref, shop_name, contact_email, contact_phone, website, created_at, updated_at,"
    " handles FROM vendors WHERE id > $1 ORDER BY id LIMIT $2";
static const char SQL_CUSTOMER_FIND[] =
    "SELECT c.id, c.user_id, u.email, u.name FROM customers c JOIN users u ON u.id = c.user_id"
    " WHERE c.ref = $1";
static const char SQL_CUSTOMER_INSERT[] =
    "INSERT INTO customers (user_id, ref, first_name, last_name, phone, address, created_at,"
    " updated_at) VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''), $7, $7) RETURNING id";
static const char SQL_CUSTOMER_UPDATE[] =
    "UPDATE customers SET first_name = $2, last_name = $3, " KEEP("phone", "$4") ", " KEEP(
	"address", "$5") ", updated_at = $6 WHERE id = $1";
static const char SQL_USER_UPDATE[] = "UPDATE users SET email = $2, name = $3 WHERE id = $1";

static enum kerr check_vendor(struct dctx *c, const struct vendor_in *in)
{
	enum kerr rc;
	if ((rc = dom_check_text(c, "ref", in->ref, 100, 1)) ||
	    (rc = dom_check_text(c, "shop_name", in->shop_name, 200, 1)) ||
	    (rc = dom_check_text(c, "contact_phone", in->contact_phone, 50, 0)) ||
	    (rc = dom_check_text(c, "website", in->website, 500, 0)) ||
	    (rc = dom_check_text(c, "handles", in->handles, 500, 0)))
		return rc;
	if (in->contact_email && in->contact_email[0] &&
	    (rc = auth_check_email(c, "contact_email", in->contact_email)))
		return rc;
	return KERR_OK;
}

enum kerr vendor_upsert(struct dctx *c, const struct vendor_in *in, int64_t *id, int *created)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN | ROLE_INTEGRATION);
	if (rc || (rc = check_vendor(c, in)))
		return rc;
	rc = db_one_i64(c->db, c->e, id, SQL_VENDOR_FIND, DB_ARGS(in->ref));
	if (rc && rc != KERR_NOT_FOUND)
		return rc;
	*created = rc == KERR_NOT_FOUND;
	if (*created)
		rc = db_one_i64(c->db, c->e, id, SQL_VENDOR_INSERT,
				DB_ARGS(in->ref, in->shop_name, in->contact_email,
					in->contact_phone, in->website, c->now, in->handles));
	else
		rc = enquiry_rename_shop(c, *id, in->shop_name);
	if (!*created && !rc)
		rc = db_exec(c->db, c->e, SQL_VENDOR_UPDATE,
			     DB_ARGS(*id, in->shop_name, in->contact_email, in->contact_phone,
				     in->website, c->now, in->handles));
	if (rc)
		return rc;
	return audit_append(c, *created ? "vendor.create" : "vendor.update", "vendor", *id,
			    json_pack("{s:s,s:s}", "ref", in->ref, "shop_name", in->shop_name));
}

enum kerr vendor_list(struct dctx *c, int64_t after, int limit, struct vendor **out, int *n)
{
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_INTEGRATION);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(after, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW) {
		struct vendor *v = &(*out)[(*n)++];
		v->id = db_col_i64(st, 0);
		v->ref = dom_col_str(c, st, 1);
		v->shop_name = dom_col_str(c, st, 2);
		v->contact_email = dom_col_str(c, st, 3);
		v->contact_phone = dom_col_str(c, st, 4);
		v->website = dom_col_str(c, st, 5);
		v->created_at = db_col_i64(st, 6);
		v->updated_at = db_col_i64(st, 7);
		v->handles = dom_col_str(c, st, 8);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr customer_upsert(struct dctx *c, const struct customer_in *in, int64_t *id, int *created)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN | ROLE_INTEGRATION);
	if (rc)
		return rc;
	if ((rc = dom_check_text(c, "ref", in->ref, 100, 1)) ||
	    (rc = auth_check_email(c, "email", in->email)) ||
	    (rc = dom_check_text(c, "first_name", in->first_name, 100, 1)) ||
	    (rc = dom_check_text(c, "last_name", in->last_name, 100, 1)) ||
	    (rc = dom_check_text(c, "phone", in->phone, 50, 0)) ||
	    (rc = dom_check_text(c, "address", in->address, 500, 0)))
		return rc;
	char *email = arena_strdup(c->a, in->email);
	auth_lower(email);
	const char *name = arena_printf(c->a, "%s %s", in->first_name, in->last_name);
	struct db_stmt *st = db_prep(c->db, SQL_CUSTOMER_FIND);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(in->ref));
	int r = db_step(st);
	int64_t user_id = 0;
	int renamed = 0; /* the user's e-mail address or name changes */
	if (r == DB_ROW) {
		*id = db_col_i64(st, 0);
		user_id = db_col_i64(st, 1);
		renamed =
		    strcmp(db_col_text(st, 2), email) != 0 || strcmp(db_col_text(st, 3), name) != 0;
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	*created = r == DB_DONE;
	if (*created) {
		/* The customer's user is made by the system on the pusher's behalf. */
		struct principal sys = *c->who;
		sys.role = ROLE_SYSTEM;
		struct dctx sc = *c;
		sc.who = &sys;
		struct user_new u = {email, name, "customer", 0, NULL, in->password_hash};
		if ((rc = auth_user_create(&sc, &u, &user_id)))
			return rc;
		rc = db_one_i64(c->db, c->e, id, SQL_CUSTOMER_INSERT,
				DB_ARGS(user_id, in->ref, in->first_name, in->last_name, in->phone,
					in->address, c->now));
	} else {
		if (renamed) {
			rc = db_exec(c->db, c->e, SQL_USER_UPDATE, DB_ARGS(user_id, email, name));
			if (rc == KERR_CONFLICT)
				return err_set(c->e, KERR_CONFLICT, "email",
					       "another user has this e-mail address");
			if (!rc)
				rc = auth_sessions_changed(c); /* their sessions carry both */
			if (!rc)			       /* enquiries carry the name */
				rc = enquiry_rename_customer(c, *id, name);
		}
		if (!rc)
			rc = db_exec(c->db, c->e, SQL_CUSTOMER_UPDATE,
				     DB_ARGS(*id, in->first_name, in->last_name, in->phone,
					     in->address, c->now));
	}
	if (rc)
		return rc;
	return audit_append(c, *created ? "customer.create" : "customer.update", "customer", *id,
			    json_pack("{s:s}", "ref", in->ref));
}
