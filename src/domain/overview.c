/*
 * overview.c - the admins' overview.  See overview.h.
 */
#include "domain/overview.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000

static const char SQL_OPENED[] =
    "SELECT created_at / 86400000, COUNT(*) FROM enquiries WHERE created_at >= $1"
    " GROUP BY created_at / 86400000";
static const char SQL_STEPS[] =
    "SELECT done_at / 86400000, COUNT(*) FROM vendor_request_steps WHERE step = $2"
    " AND done_at >= $1 GROUP BY done_at / 86400000";
static const char SQL_REFUNDS[] =
    "SELECT created_at / 86400000, COUNT(*) FROM refunds WHERE kind = 'automatic'"
    " AND created_at >= $1 GROUP BY created_at / 86400000";
static const char SQL_COST[] =
    "SELECT currency, SUM(amount) FROM refunds WHERE kind = 'automatic' AND created_at >= $1"
    " GROUP BY currency ORDER BY SUM(amount) DESC";
static const char SQL_REPLIES[] =
    "SELECT (SELECT COUNT(*) FROM enquiries WHERE active = 1 AND reply_due_at < $2),"
    " (SELECT COALESCE(SUM(reply_breaches), 0) FROM enquiries WHERE created_at >= $1)";
/* Each vendor's latest snapshot. */
#define LATEST                                                                                     \
	"FROM vendor_rating_history h JOIN vendors v ON v.id = h.vendor_id WHERE h.day ="          \
	" (SELECT MAX(x.day) FROM vendor_rating_history x WHERE x.vendor_id = h.vendor_id)"
static const char SQL_BANDS[] =
    "SELECT CASE WHEN h.score < 50 THEN 0 WHEN h.score < 70 THEN 1 WHEN h.score < 90 THEN 2"
    " ELSE 3 END, COUNT(*) " LATEST " GROUP BY 1";
static const char SQL_LOWEST[] =
    "SELECT h.vendor_id, h.score, v.shop_name " LATEST " ORDER BY h.score, h.vendor_id LIMIT $1";
static const char SQL_FEEDBACK[] =
    "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM enquiry_feedback WHERE created_at >= $1";

/* Adds each (day, count) row of sql into per[day - first]. */
static enum kerr by_day(struct dctx *c, const char *sql, const struct db_arg *args, int nargs,
			int64_t first, int64_t *per)
{
	struct db_stmt *st = db_prep(c->db, sql);
	if (!st)
		return dom_db_err(c);
	db_bind(st, args, nargs);
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		int64_t day = db_col_i64(st, 0) - first;
		if (day >= 0 && day < OVERVIEW_DAYS)
			per[day] += db_col_i64(st, 1);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr overview_get(struct dctx *c, struct overview *out)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->first_day = c->now / DAY_MS - (OVERVIEW_DAYS - 1);
	int64_t since = out->first_day * DAY_MS;
	if ((rc = by_day(c, SQL_OPENED, DB_ARGS(since), out->first_day, out->opened)) ||
	    (rc = by_day(c, SQL_STEPS, DB_ARGS(since, "overdue"), out->first_day, out->overdue)) ||
	    (rc = by_day(c, SQL_STEPS, DB_ARGS(since, "lapse"), out->first_day, out->lapsed)) ||
	    (rc = by_day(c, SQL_REFUNDS, DB_ARGS(since), out->first_day, out->refunds)))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_COST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(since));
	int r;
	while ((r = db_step(st)) == DB_ROW && out->ncost < OVERVIEW_CURRENCY) {
		snprintf(out->cost[out->ncost].currency, sizeof(out->cost[0].currency), "%s",
			 db_col_text(st, 0) ? db_col_text(st, 0) : "");
		out->cost[out->ncost++].amount = db_col_i64(st, 1);
	}
	db_done(st);
	if (r == DB_ERROR || !(st = db_prep(c->db, SQL_REPLIES)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(since, c->now));
	if ((r = db_step(st)) == DB_ROW) {
		out->replies_late_now = db_col_i64(st, 0);
		out->late_replies = db_col_i64(st, 1);
	}
	db_done(st);
	if (r == DB_ERROR || !(st = db_prep(c->db, SQL_BANDS)))
		return dom_db_err(c);
	while ((r = db_step(st)) == DB_ROW) {
		int64_t band = db_col_i64(st, 0);
		if (band >= 0 && band < 4)
			out->bands[band] = db_col_i64(st, 1);
	}
	db_done(st);
	if (r == DB_ERROR || !(st = db_prep(c->db, SQL_LOWEST)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS((int64_t)OVERVIEW_VENDORS));
	while ((r = db_step(st)) == DB_ROW && out->nlowest < OVERVIEW_VENDORS) {
		out->lowest[out->nlowest].vendor_id = db_col_i64(st, 0);
		out->lowest[out->nlowest].score = db_col_i64(st, 1);
		out->lowest[out->nlowest++].shop_name = dom_col_str(c, st, 2);
	}
	db_done(st);
	if (r == DB_ERROR || !(st = db_prep(c->db, SQL_FEEDBACK)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(since));
	if ((r = db_step(st)) == DB_ROW) {
		out->feedback_count = db_col_i64(st, 0);
		out->feedback_sum = db_col_i64(st, 1);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}
