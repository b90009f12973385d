/*
 * rating.c - vendor ratings.  See rating.h and docs/rating.md.
 */
#include "domain/rating.h"

#include <stdlib.h>
#include <string.h>

#include "domain/standing.h"

static const char SQL_REQUESTS[] =
    "SELECT r.state, r.created_at, r.answered_at, r.late_excused,"
    " (SELECT COUNT(*) FROM vendor_request_steps s WHERE s.vendor_request_id = r.id"
    " AND s.step = 'lapse'), r.lapse_excused FROM vendor_requests r"
    " WHERE r.vendor_id = $1 AND r.created_at >= $2 AND r.state <> 'cancelled'";
static const char SQL_REFUNDS[] =
    "SELECT COUNT(*) FROM refunds WHERE vendor_id = $1 AND created_at >= $2"
    " AND kind = 'automatic' AND charged_to = 'vendor'";
static const char SQL_VIOLATIONS[] =
    "SELECT COUNT(*) FROM violations WHERE vendor_id = $1 AND state = 'confirmed'"
    " AND decided_at >= $2 AND reversed_at IS NULL";
static const char SQL_PENDING[] = "SELECT COUNT(*) FROM vendor_requests WHERE vendor_id = $1"
				  " AND state IN ('open', 'overdue')";
static const char SQL_EXISTS[] = "SELECT COUNT(*) FROM vendors WHERE id = $1";
static const char SQL_HISTORY[] =
    "SELECT day, score, requests, on_time, lapses, refunds, violations, median_ms, p90_ms"
    " FROM vendor_rating_history WHERE vendor_id = $1 ORDER BY day DESC LIMIT $2";
static const char SQL_WITHOUT_TODAY[] =
    "SELECT id FROM vendors v WHERE NOT EXISTS (SELECT 1 FROM vendor_rating_history h"
    " WHERE h.vendor_id = v.id AND h.day = $1) ORDER BY id LIMIT 50";
static const char SQL_SNAPSHOT[] =
    "INSERT INTO vendor_rating_history (vendor_id, day, score, requests, on_time, lapses,"
    " refunds, violations, median_ms, p90_ms, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING";

/* Points off the on-time share for each mark in the window. */
#define OFF_LAPSE     10
#define OFF_REFUND    5
#define OFF_VIOLATION 15

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The score from the counts (docs/rating.md). */
static int64_t score_of(const struct rating *r)
{
	int64_t base = r->requests ? (100 * r->on_time + r->requests / 2) / r->requests : 100;
	int64_t s =
	    base - OFF_LAPSE * r->lapses - OFF_REFUND * r->refunds - OFF_VIOLATION * r->violations;
	return s < 0 ? 0 : s > 100 ? 100 : s;
}

/* The record of vendor_id over the window ending now, into out (no advice, no history). */
static enum kerr compute(struct dctx *c, int64_t vendor_id, struct rating *out)
{
	memset(out, 0, sizeof(*out));
	out->vendor_id = vendor_id;
	out->window_days = c->cfg->rating_window_days;
	int64_t since = c->now - out->window_days * 86400000;
	struct db_stmt *st = db_prep(c->db, SQL_REQUESTS);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id, since));
	size_t cap = 64, n = 0;
	int64_t *times = malloc(cap * sizeof(*times));
	int r;
	while (times && (r = db_step(st)) == DB_ROW) {
		const char *state = db_col_text(st, 0);
		int lapsed = db_col_i64(st, 4) != 0, lapse_excused = db_col_i64(st, 5) != 0;
		/* A late mark excused on appeal counts as in time, unless a lapse (appealed
		 * apart) followed it. */
		int excused = lapse_excused || (db_col_i64(st, 3) != 0 && !lapsed);
		if (strcmp(state, "open") == 0)
			continue; /* not yet due: no mark either way */
		out->requests++;
		int answered =
		    strcmp(state, "answered") == 0 || strcmp(state, "answered_late") == 0;
		if (strcmp(state, "answered") == 0 || excused)
			out->on_time++;
		else
			out->late++;
		if (lapsed && !lapse_excused)
			out->lapses++;
		if (!answered)
			continue;
		if (n == cap) {
			int64_t *more = realloc(times, (cap *= 2) * sizeof(*times));
			if (!more)
				break;
			times = more;
		}
		times[n++] = db_col_i64(st, 2) - db_col_i64(st, 1);
	}
	db_done(st);
	if (!times || r == DB_ROW) {
		free(times);
		return err_set(c->e, KERR_INTERNAL, NULL, "out of memory");
	}
	if (n) {
		qsort(times, n, sizeof(*times), cmp_i64);
		out->median_ms = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
		out->p90_ms = times[(9 * n + 9) / 10 - 1]; /* nearest rank: ceil(0.9 n) */
	}
	out->answered = (int64_t)n;
	free(times);
	if (r == DB_ERROR)
		return dom_db_err(c);
	enum kerr rc;
	if ((rc = db_one_i64(c->db, c->e, &out->refunds, SQL_REFUNDS, DB_ARGS(vendor_id, since))) ||
	    (rc = db_one_i64(c->db, c->e, &out->violations, SQL_VIOLATIONS,
			     DB_ARGS(vendor_id, since))))
		return rc;
	out->score = score_of(out);
	return KERR_OK;
}

/* What would raise the rating, in plain sentences. */
static void advise(struct dctx *c, struct rating *r)
{
	r->advice = arena_calloc(c->a, 6, sizeof(*r->advice));
	if (r->pending)
		r->advice[r->nadvice++] = arena_printf(
		    c->a,
		    "Answer your %lld waiting request%s: each one answered by its due time raises"
		    " your on-time share.",
		    (long long)r->pending, r->pending == 1 ? "" : "s");
	if (r->late)
		r->advice[r->nadvice++] = arena_printf(
		    c->a,
		    "%lld of your %lld requests in the last %lld days were answered late or not"
		    " at all; each answered in time raises your on-time share.",
		    (long long)r->late, (long long)r->requests, (long long)r->window_days);
	if (r->lapses || r->refunds)
		r->advice[r->nadvice++] = arena_printf(
		    c->a,
		    "Lapses (%d points off each) and automatic refunds (%d each) count for %lld"
		    " days; appeal one you believe is wrong.",
		    OFF_LAPSE, OFF_REFUND, (long long)r->window_days);
	if (r->violations)
		r->advice[r->nadvice++] = arena_printf(
		    c->a,
		    "Keep contact details and invitations to talk elsewhere out of your answers:"
		    " each confirmed violation takes %d points off.",
		    OFF_VIOLATION);
	if (r->median_ms > 12 * 3600000LL)
		r->advice[r->nadvice++] = arena_printf(
		    c->a, "Answer sooner: half your answers took more than %lld hours.",
		    (long long)(r->median_ms / 3600000));
	if (!r->nadvice)
		r->advice[r->nadvice++] = "Keep answering in time.";
}

enum kerr rating_get(struct dctx *c, int64_t vendor_id, struct rating *out)
{
	int64_t found = 0;
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_INTEGRATION | ROLE_VENDOR);
	if (rc || (rc = db_one_i64(c->db, c->e, &found, SQL_EXISTS, DB_ARGS(vendor_id))))
		return rc;
	if (!found || !standing_may_read(c, vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor");
	if ((rc = compute(c, vendor_id, out)) ||
	    (rc = db_one_i64(c->db, c->e, &out->pending, SQL_PENDING, DB_ARGS(vendor_id))))
		return rc;
	advise(c, out);
	struct db_stmt *st = db_prep(c->db, SQL_HISTORY);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(vendor_id, out->window_days));
	out->history = arena_calloc(c->a, (size_t)out->window_days, sizeof(*out->history));
	int r = DB_DONE;
	while (out->nhistory < out->window_days && (r = db_step(st)) == DB_ROW) {
		struct rating_day *d = &out->history[out->nhistory++];
		d->day = db_col_i64(st, 0);
		d->score = db_col_i64(st, 1);
		d->requests = db_col_i64(st, 2);
		d->on_time = db_col_i64(st, 3);
		d->lapses = db_col_i64(st, 4);
		d->refunds = db_col_i64(st, 5);
		d->violations = db_col_i64(st, 6);
		d->answered = !db_col_null(st, 7);
		d->median_ms = db_col_i64(st, 7);
		d->p90_ms = db_col_i64(st, 8);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr rating_snapshot(struct dctx *c, int *made)
{
	*made = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc)
		return rc;
	int64_t day = c->now / 86400000;
	struct db_stmt *st = db_prep(c->db, SQL_WITHOUT_TODAY);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(day));
	int64_t ids[50];
	int n = 0, r = DB_DONE;
	while (n < 50 && (r = db_step(st)) == DB_ROW)
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	for (int i = 0; i < n; i++) {
		struct rating x;
		if ((rc = compute(c, ids[i], &x)) ||
		    (rc = db_exec(
			 c->db, c->e, SQL_SNAPSHOT,
			 DB_ARGS(ids[i], day, x.score, x.requests, x.on_time, x.lapses, x.refunds,
				 x.violations, x.answered ? db_arg_int(x.median_ms) : db_optid(0),
				 x.answered ? db_arg_int(x.p90_ms) : db_optid(0), c->now))))
			return rc;
		(*made)++;
	}
	return KERR_OK;
}
