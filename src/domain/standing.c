/*
 * standing.c - penalty points, standings and the standing webhook.  See
 * standing.h.
 */
#include "domain/standing.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/notify.h"

static const char SQL_ADD[] =
    "INSERT INTO vendor_points (vendor_id, source_type, source_id, points, reason, created_at,"
    " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_REVERSE[] =
    "UPDATE vendor_points SET reversed_at = $3 WHERE source_type = $1 AND source_id = $2"
    " AND reversed_at IS NULL RETURNING vendor_id, points, expiry_seen";
static const char SQL_EXPIRING_SUM[] =
    "SELECT COALESCE(SUM(points), 0) FROM vendor_points WHERE vendor_id = $1"
    " AND expires_at <= $2 AND expiry_seen = 0 AND reversed_at IS NULL";
/* vendors.points: the points counting, kept as they are added, reversed and expire. */
static const char SQL_VENDOR[] = "UPDATE vendors SET points = points + $2 WHERE id = $1"
				 " RETURNING standing, ref, shop_name, points";
static const char SQL_VENDOR_READ[] =
    "SELECT standing, ref, shop_name, points FROM vendors WHERE id = $1";
static const char SQL_SET[] = "UPDATE vendors SET standing = $2 WHERE id = $1";
static const char SQL_CHANGE[] =
    "INSERT INTO vendor_standing_changes (vendor_id, from_standing, to_standing, points, cause,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_WEBHOOK[] =
    "INSERT INTO webhook_outbox (event, body, state, next_attempt_at, created_at)"
    " VALUES ($1, $2, 'pending', $3, $3)";
static const char SQL_EXPIRING[] =
    "SELECT DISTINCT vendor_id FROM vendor_points WHERE expires_at <= $1 AND expiry_seen = 0"
    " LIMIT 100";
static const char SQL_EXPIRED[] = "UPDATE vendor_points SET expiry_seen = 1 WHERE vendor_id = $1"
				  " AND expires_at <= $2 AND expiry_seen = 0";
static const char SQL_POINTS[] =
    "SELECT id, points, created_at, expires_at, reversed_at, source_type, source_id, reason"
    " FROM vendor_points WHERE vendor_id = $1 AND expires_at > $2 ORDER BY id DESC LIMIT 200";
static const char SQL_CHANGES[] =
    "SELECT from_standing, to_standing, cause, points, created_at FROM vendor_standing_changes"
    " WHERE vendor_id = $1 ORDER BY id DESC LIMIT 50";
static const char SQL_WEBHOOK_LOAD[] =
    "SELECT event, body, state FROM webhook_outbox WHERE id = $1";

static const char *standing_for(const struct config *cfg, int64_t points)
{
	return points >= cfg->standing_suspended    ? "suspended"
	       : points >= cfg->standing_restricted ? "restricted"
	       : points >= cfg->standing_warning    ? "warning"
						    : "good";
}

/* Adds delta to vendor_id's points and works out its standing; on a change, everything that
 * follows. */
static enum kerr sync(struct dctx *c, int64_t vendor_id, int64_t delta, const char *cause)
{
	int64_t points = 0;
	enum kerr rc;
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id, delta));
	int r = db_step(st);
	const char *from = r == DB_ROW ? dom_col_str(c, st, 0) : NULL;
	const char *ref = r == DB_ROW ? dom_col_str(c, st, 1) : NULL;
	if (r == DB_ROW)
		points = db_col_i64(st, 3);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (!from)
		return err_set(c->e, KERR_NOT_FOUND, "vendor_id", "no such vendor");
	const char *to = standing_for(c->cfg, points);
	if (strcmp(from, to) == 0)
		return KERR_OK;
	if ((rc = db_exec_later(c->db, c->e, SQL_SET, DB_ARGS(vendor_id, to))) ||
	    (rc = db_exec_later(c->db, c->e, SQL_CHANGE,
				DB_ARGS(vendor_id, from, to, points, cause, c->now))) ||
	    (rc = audit_append(c, "vendor.standing", "vendor", vendor_id,
			       json_pack("{s:[s,s],s:I,s:s}", "standing", from, to, "points",
					 (json_int_t)points, "cause", cause))))
		return rc;
	struct notice n = {
	    .kind = "vendor.standing",
	    .subject = arena_printf(c->a, "Your standing is now %s", to),
	    .body = arena_printf(c->a,
				 "Your standing changed from %s to %s: %lld penalty point%s count"
				 " now (%s). See your rating and standing in the vendor portal.",
				 from, to, (long long)points, points == 1 ? "" : "s", cause),
	    .link = "/vendor/record",
	    .object_type = "vendor",
	    .object_id = vendor_id,
	};
	if ((rc = notify_vendor(c, vendor_id, &n)) || !c->cfg->webhook_url[0])
		return rc;
	json_t *body =
	    json_pack("{s:s,s:I,s:s?,s:s,s:s,s:I,s:s,s:I}", "event", "vendor.standing", "vendor_id",
		      (json_int_t)vendor_id, "vendor_ref", ref, "from", from, "to", to, "points",
		      (json_int_t)points, "cause", cause, "at", (json_int_t)c->now);
	const char *text = dom_json_text(c, body, 0);
	json_decref(body);
	return db_exec_later(c->db, c->e, SQL_WEBHOOK, DB_ARGS("vendor.standing", text, c->now));
}

enum kerr standing_add_points(struct dctx *c, int64_t vendor_id, const char *source_type,
			      int64_t source_id, int64_t points, const char *reason)
{
	int64_t id;
	enum kerr rc = db_one_i64(c->db, c->e, &id, SQL_ADD,
				  DB_ARGS(vendor_id, source_type, source_id, points, reason, c->now,
					  c->now + c->cfg->points_days * 86400000));
	if (rc == KERR_NOT_FOUND)
		return KERR_OK; /* counted already */
	if (rc || (rc = audit_append(c, "vendor.points", "vendor", vendor_id,
				     json_pack("{s:I,s:s,s:I,s:s}", "points", (json_int_t)points,
					       "source_type", source_type, "source_id",
					       (json_int_t)source_id, "reason", reason))))
		return rc;
	return sync(c, vendor_id, points, reason);
}

enum kerr standing_reverse_points(struct dctx *c, const char *source_type, int64_t source_id,
				  const char *cause)
{
	struct db_stmt *st = db_prep(c->db, SQL_REVERSE);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(source_type, source_id, c->now));
	int r = db_step(st);
	int64_t vendor_id = 0, points = 0;
	if (r == DB_ROW) {
		vendor_id = db_col_i64(st, 0);
		/* Points the scheduler took out on expiry count no more. */
		points = db_col_i64(st, 2) ? 0 : db_col_i64(st, 1);
	}
	db_done(st);
	if (r != DB_ROW)
		return r == DB_ERROR ? dom_db_err(c) : KERR_OK; /* no points to reverse */
	enum kerr rc;
	if ((rc = audit_append(c, "vendor.points_reversed", "vendor", vendor_id,
			       json_pack("{s:s,s:I,s:s}", "source_type", source_type, "source_id",
					 (json_int_t)source_id, "cause", cause))))
		return rc;
	return sync(c, vendor_id, -points, cause);
}

enum kerr standing_expire(struct dctx *c, int *changed)
{
	*changed = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_EXPIRING);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->now));
	int64_t ids[100];
	int n = 0, r = DB_DONE;
	while (n < 100 && (r = db_step(st)) == DB_ROW)
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	for (int i = 0; i < n; i++) {
		int64_t gone;
		if ((rc = db_one_i64(c->db, c->e, &gone, SQL_EXPIRING_SUM,
				     DB_ARGS(ids[i], c->now))) ||
		    (rc = db_exec(c->db, c->e, SQL_EXPIRED, DB_ARGS(ids[i], c->now))) ||
		    (rc = sync(c, ids[i], -gone, "penalty points expired")))
			return rc;
		(*changed)++;
	}
	return KERR_OK;
}

int standing_may_read(const struct dctx *c, int64_t vendor_id)
{
	return dom_is_staff(c) || c->who->role == ROLE_INTEGRATION || c->who->role == ROLE_SYSTEM ||
	       (c->who->role == ROLE_VENDOR && c->who->vendor_id == vendor_id);
}

enum kerr standing_get(struct dctx *c, int64_t vendor_id, struct standing *out)
{
	memset(out, 0, sizeof(*out));
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_INTEGRATION | ROLE_VENDOR);
	if (rc)
		return rc;
	if (!standing_may_read(c, vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor");
	struct db_stmt *st = db_prep(c->db, SQL_VENDOR_READ);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id));
	int r = db_step(st);
	if (r == DB_ROW) {
		out->standing = dom_col_str(c, st, 0);
		out->ref = dom_col_str(c, st, 1);
		out->shop_name = dom_col_str(c, st, 2);
		out->points = db_col_i64(st, 3);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor");
	out->vendor_id = vendor_id;
	out->warning = c->cfg->standing_warning;
	out->restricted = c->cfg->standing_restricted;
	out->suspended = c->cfg->standing_suspended;
	if (!(st = db_prep(c->db, SQL_POINTS)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id, c->now));
	out->list = arena_calloc(c->a, 200, sizeof(*out->list));
	while (out->n < 200 && (r = db_step(st)) == DB_ROW) {
		struct vendor_point *p = &out->list[out->n++];
		p->id = db_col_i64(st, 0);
		p->points = db_col_i64(st, 1);
		p->created_at = db_col_i64(st, 2);
		p->expires_at = db_col_i64(st, 3);
		p->reversed_at = db_col_i64(st, 4);
		p->source_type = dom_col_str(c, st, 5);
		p->source_id = db_col_i64(st, 6);
		p->reason = dom_col_str(c, st, 7);
	}
	db_done(st);
	if (r == DB_ERROR || !(st = db_prep(c->db, SQL_CHANGES)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id));
	out->changes = arena_calloc(c->a, 50, sizeof(*out->changes));
	while (out->nchanges < 50 && (r = db_step(st)) == DB_ROW) {
		struct standing_change *x = &out->changes[out->nchanges++];
		x->from = dom_col_str(c, st, 0);
		x->to = dom_col_str(c, st, 1);
		x->cause = dom_col_str(c, st, 2);
		x->points = db_col_i64(st, 3);
		x->created_at = db_col_i64(st, 4);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

static void read_webhook(struct dctx *c, struct db_stmt *st, void *arg)
{
	struct webhook *out = arg;
	out->event = dom_col_str(c, st, 0);
	out->body = dom_col_str(c, st, 1);
	out->pending = strcmp(db_col_text(st, 2), "pending") == 0;
}

enum kerr webhook_load(struct dctx *c, int64_t id, struct webhook *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	int found = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc || (rc = dom_fetch(c, SQL_WEBHOOK_LOAD, id, read_webhook, out, &found)))
		return rc;
	return found ? KERR_OK : err_set(c->e, KERR_NOT_FOUND, "id", "no such webhook");
}
