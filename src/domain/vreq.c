/*
 * vreq.c - vendor requests.  See vreq.h.
 */
#include "domain/vreq.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/enquiry.h"
#include "domain/notify.h"
#include "domain/refund.h"
#include "domain/standing.h"

const char *const vreq_evidence_kinds[] = {"invoice", "tracking", "photo", "other", NULL};
const char *const vreq_states[] = {"open",   "overdue",	  "answered", "answered_late",
				   "lapsed", "cancelled", NULL};

static const char SQL_INSERT[] =
    "INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state, due_at,"
    " created_by, created_at, next_step_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8)"
    " RETURNING id";
#define VREQ_COLS                                                                                  \
	"SELECT r.id, r.enquiry_id, r.vendor_id, e.order_id, r.question, r.evidence, r.state,"     \
	" r.due_at, r.created_at, r.answered_at, r.cancelled_at, r.created_by, r.answered_by,"     \
	" r.answer_message_id, v.shop_name, o.number," ORDER_PARTY_COLS                            \
	" FROM vendor_requests r JOIN enquiries e ON e.id = r.enquiry_id"                          \
	" JOIN orders o ON o.id = e.order_id JOIN vendors v ON v.id = "                            \
	"r.vendor_id" ORDER_PARTY_JOIN("e.customer_id")
static const char SQL_GET[] = VREQ_COLS " WHERE r.id = $1";
#define LOCK_COLS                                                                                  \
	"SELECT r.id, r.enquiry_id, r.vendor_id, r.state, r.due_at, r.created_at, r.created_by,"   \
	" (SELECT e.order_number FROM enquiries e WHERE e.id = r.enquiry_id)"                      \
	" FROM vendor_requests r"
static const char SQL_LOCK[] = LOCK_COLS " WHERE r.id = $1 FOR UPDATE";
static const char SQL_ASSIGNEE[] =
    "SELECT assignee_id FROM enquiries WHERE id = $1 AND assignee_id IS NOT NULL";
static const char SQL_PENDING_OF[] =
    "SELECT id FROM vendor_requests WHERE enquiry_id = $1 AND state IN ('open', 'overdue')"
    " AND id <> $2 ORDER BY id LIMIT 64";
static const char SQL_ANSWER[] =
    "UPDATE vendor_requests SET state = $2, answered_at = $3, answered_by = $4,"
    " answer_message_id = $5, next_step_at = NULL WHERE id = $1";
static const char SQL_CANCEL[] =
    "UPDATE vendor_requests SET state = 'cancelled', cancelled_at = $2,"
    " next_step_at = NULL WHERE id = $1";

/* A request locked for a change. */
struct locked {
	int64_t id, enquiry_id, vendor_id, due, created, created_by;
	char state[24];
	const char *number; /* the order's, for the texts of notifications */
	const char *steps;  /* the clock's: the steps taken, as ",overdue,lapse," */
};

/* Reads a row of LOCK_COLS. */
static void read_locked(struct dctx *c, struct db_stmt *st, struct locked *l)
{
	memset(l, 0, sizeof(*l));
	l->id = db_col_i64(st, 0);
	l->enquiry_id = db_col_i64(st, 1);
	l->vendor_id = db_col_i64(st, 2);
	snprintf(l->state, sizeof(l->state), "%s", db_col_text(st, 3));
	l->due = db_col_i64(st, 4);
	l->created = db_col_i64(st, 5);
	l->created_by = db_col_i64(st, 6);
	l->number = dom_col_str(c, st, 7);
	l->steps = ",";
}

/* Locks request id for a change, checking the principal may act on it. */
static enum kerr lock(struct dctx *c, int64_t id, struct locked *l)
{
	memset(l, 0, sizeof(*l));
	struct db_stmt *st = db_prep(c->db, SQL_LOCK);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	if (r == DB_ROW)
		read_locked(c, st, l);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || (c->who->role == ROLE_VENDOR && l->vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor request");
	return KERR_OK;
}

/* A time as the vendor reads it: "2026-11-27 14:00 UTC". */
static const char *when_text(struct dctx *c, int64_t ms)
{
	char buf[32];
	clock_format_minute(ms, buf);
	return arena_strdup(c->a, buf);
}

/* Tells vendor_id of its request id: kind, subject and body. */
static enum kerr tell_vendor(struct dctx *c, int64_t vendor_id, int64_t id, const char *kind,
			     const char *subject, const char *body)
{
	struct notice n = {
	    .kind = kind,
	    .subject = subject,
	    .body = body,
	    .link = arena_printf(c->a, "/vendor/requests/%lld", (long long)id),
	    .object_type = "vendor_request",
	    .object_id = id,
	};
	return notify_vendor(c, vendor_id, &n);
}

/* When reminder k (0: the earliest) of a request due at due is sent. */
static int64_t reminder_at(const struct dctx *c, int64_t due, int k)
{
	return due - c->cfg->vendor_reminder_hours.v[k] * 3600000;
}

/* The next step after `after` of an open request made at created: a reminder, or the due time. */
static int64_t next_open_step(const struct dctx *c, int64_t created, int64_t due, int64_t after)
{
	for (int k = 0; k < c->cfg->vendor_reminder_hours.n; k++) {
		int64_t at = reminder_at(c, due, k);
		if (at > created && at > after)
			return at;
	}
	return due;
}

/* Reads a row of VREQ_COLS shaped for the viewer. */
static void read_vreq(struct dctx *c, struct db_stmt *st, struct vreq *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->enquiry_id = db_col_i64(st, 1);
	r->vendor_id = db_col_i64(st, 2);
	r->order_id = db_col_i64(st, 3);
	r->question = dom_col_str(c, st, 4);
	r->evidence = dom_col_str(c, st, 5);
	r->state = dom_col_str(c, st, 6);
	r->due_at = db_col_i64(st, 7);
	r->created_at = db_col_i64(st, 8);
	r->answered_at = db_col_i64(st, 9);
	r->cancelled_at = db_col_i64(st, 10);
	r->shop_name = dom_col_str(c, st, 14);
	r->order_number = dom_col_str(c, st, 15);
	enum view v = dom_view(c);
	if (v == VIEW_STAFF) {
		r->created_by = db_col_i64(st, 11);
		r->answered_by = db_col_i64(st, 12);
		r->answer_message_id = db_col_i64(st, 13);
		return;
	}
	r->enquiry_id = 0;
	if (v == VIEW_VENDOR) {
		struct screen_party p;
		order_read_party(c, st, 16, &p);
		r->question = order_redact_for_vendor(c, &p, r->question);
	}
}

/* Joins the evidence kinds, checking each; duplicates are dropped. */
static enum kerr evidence_text(struct dctx *c, const struct vreq_in *in, const char **out)
{
	struct buf b;
	buf_init(&b, 256);
	for (int i = 0; i < in->nevidence; i++) {
		char field[32];
		snprintf(field, sizeof(field), "evidence[%d]", i);
		enum kerr rc = dom_check_enum(c, field, in->evidence[i], vreq_evidence_kinds);
		if (rc) {
			buf_free(&b);
			return rc;
		}
		int dup = 0;
		for (int k = 0; k < i; k++)
			dup |= strcmp(in->evidence[k], in->evidence[i]) == 0;
		if (!dup)
			buf_printf(&b, "%s%s", b.len ? "," : "", in->evidence[i]);
	}
	*out = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	return KERR_OK;
}

enum kerr vreq_create(struct dctx *c, int64_t enquiry_id, const struct vreq_in *in, int64_t *id,
		      struct vreq_screened *out)
{
	memset(out, 0, sizeof(*out));
	struct enquiry_row row;
	const char *evidence;
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_text(c, "question", in->question, 5000, 1)) ||
	    (rc = evidence_text(c, in, &evidence)))
		return rc;
	int64_t hours = in->due_in_hours ? in->due_in_hours : c->cfg->vendor_due_hours;
	if (hours < 1 || hours > 336)
		return err_set(c->e, KERR_BAD_VALUE, "due_in_hours",
			       "'due_in_hours' must be 1 to 336");
	if ((rc = enquiry_load(c, enquiry_id, &row)))
		return rc;
	if (strcmp(row.status, "resolved") == 0 || strcmp(row.status, "closed") == 0)
		return err_set(c->e, KERR_STATE, "status",
			       "the enquiry is %s; reopen it before asking the vendor", row.status);
	int64_t due = c->now + hours * 3600000;
	int64_t mid;
	if ((rc = db_one_i64(c->db, c->e, id, SQL_INSERT,
			     DB_ARGS(enquiry_id, row.vendor_id, in->question, evidence, due,
				     c->who->user_id, c->now,
				     next_open_step(c, c->now, due, c->now)))) ||
	    (rc = audit_append(c, "vendor_request.create", "vendor_request", *id,
			       json_pack("{s:I,s:I,s:s,s:I,s:[n,s]}", "enquiry_id",
					 (json_int_t)enquiry_id, "vendor_id",
					 (json_int_t)row.vendor_id, "evidence", evidence, "due_at",
					 (json_int_t)due, "state", "open"))) ||
	    (rc = message_insert(c, &row, "to_vendor", in->question, *id, &mid)) ||
	    (rc = contact_removed_for_vendor(c, &row, in->question, &out->findings, &out->n,
					     &out->vendor_sees)))
		return rc;
	const char *number = row.order_number;
	if ((rc = tell_vendor(c, row.vendor_id, *id, "vendor_request.new",
			      arena_printf(c->a, "New request about order %s: answer by %s", number,
					   when_text(c, due)),
			      arena_printf(c->a,
					   "We need your help with order %s. Please answer our"
					   " request %lld by %s.",
					   number, (long long)*id, when_text(c, due)))))
		return rc;
	return enquiry_sync_requests(c, &row);
}

/* A request row with the id of its answer, which vendors see too. */
struct got_vreq {
	struct vreq *r;
	int64_t answer_id;
};

static void read_vreq_row(struct dctx *c, struct db_stmt *st, void *out)
{
	struct got_vreq *g = out;
	read_vreq(c, st, g->r);
	g->answer_id = db_col_i64(st, 13);
}

enum kerr vreq_get(struct dctx *c, int64_t id, struct vreq *out)
{
	enum kerr rc = dom_require(c, ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	struct got_vreq g = {out, 0};
	int found;
	if ((rc = dom_fetch(c, SQL_GET, id, read_vreq_row, &g, &found)))
		return rc;
	int64_t answer_id = g.answer_id;
	if (!found || (c->who->role == ROLE_VENDOR && out->vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor request");
	if ((rc = order_get(c, out->order_id, &out->order)))
		return rc;
	if (!answer_id)
		return KERR_OK;
	return message_answer(c, answer_id, &out->answer);
}

enum kerr vreq_list(struct dctx *c, const struct vreq_filter *f, struct vreq **out, int *n,
		    int *more)
{
	enum kerr rc = dom_require(c, ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	const char *state = f->state ? f->state : "pending";
	if (strcmp(state, "pending") != 0 && strcmp(state, "all") != 0 &&
	    (rc = dom_check_enum(c, "state", state, vreq_states)))
		return rc;
	struct buf sql;
	buf_init(&sql, 0);
	buf_append_str(&sql, VREQ_COLS " WHERE (r.due_at, r.id) > ($1, $2)");
	int k = 3;
	if (strcmp(state, "pending") == 0)
		buf_append_str(&sql, " AND r.state IN ('open', 'overdue')");
	else if (strcmp(state, "all") != 0)
		buf_printf(&sql, " AND r.state = $%d", k++);
	if (c->who->role == ROLE_VENDOR)
		buf_printf(&sql, " AND r.vendor_id = $%d", k++);
	if (f->enquiry_id)
		buf_printf(&sql, " AND r.enquiry_id = $%d", k++);
	buf_printf(&sql, " ORDER BY r.due_at, r.id LIMIT $%d", k);
	struct db_stmt *st = db_prep(c->db, sql.data);
	buf_free(&sql);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(f->after_id ? f->after_due : INT64_MIN, f->after_id));
	if (strcmp(state, "pending") != 0 && strcmp(state, "all") != 0)
		db_bind(st, DB_ARGS(state));
	if (c->who->role == ROLE_VENDOR)
		db_bind(st, DB_ARGS(c->who->vendor_id));
	if (f->enquiry_id)
		db_bind(st, DB_ARGS(f->enquiry_id));
	db_bind(st, DB_ARGS((int64_t)f->limit + 1));
	*out = arena_calloc(c->a, (size_t)f->limit + 1, sizeof(**out));
	*n = 0;
	*more = 0;
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		if (*n == f->limit) {
			*more = 1;
			break;
		}
		read_vreq(c, st, &(*out)[*n]);
		(*n)++;
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr vreq_answer(struct dctx *c, int64_t id, const char *text, const struct upload *files,
		      int nfiles, int64_t *message_id, struct vreq_screened *out)
{
	memset(out, 0, sizeof(*out));
	struct locked l;
	const char *state = l.state;
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLE_VENDOR);
	if (rc || (rc = dom_check_text(c, "text", text, ENQUIRY_MAX_BODY, 1)) ||
	    (rc = lock(c, id, &l)))
		return rc;
	const char *to;
	if (strcmp(state, "open") == 0)
		to = "answered";
	else if (strcmp(state, "overdue") == 0 || strcmp(state, "lapsed") == 0)
		to = "answered_late"; /* late, even past lapsing: the answer is kept */
	else
		return err_set(c->e, KERR_STATE, "state", "the request is %s; it takes no answer",
			       state);
	if ((rc = enquiry_load(c, l.enquiry_id, &row)))
		return rc;
	/* Only a lapsed request's enquiry can be settled while the request takes an answer. */
	if (strcmp(row.status, "resolved") == 0 || strcmp(row.status, "closed") == 0)
		return err_set(c->e, KERR_STATE, "state",
			       "the request is %s and its enquiry %s; it takes no answer", state,
			       row.status);
	if ((rc = message_insert(c, &row, "from_vendor", text, id, message_id)) ||
	    (rc = contact_vendor_text(c, &row, *message_id, text, &out->findings, &out->n,
				      &out->violation_id)) ||
	    (rc = attachment_attach(c, *message_id, files, nfiles)) ||
	    (rc = db_exec(c->db, c->e, SQL_ANSWER,
			  DB_ARGS(id, to, c->now, c->who->user_id, *message_id))) ||
	    (rc = audit_append(c, "vendor_request.answer", "vendor_request", id,
			       json_pack("{s:[s,s],s:I,s:i}", "state", state, to, "message_id",
					 (json_int_t)*message_id, "files", nfiles))))
		return rc;
	/* Staff are told (the vendor's words stay in the desk). */
	const char *number = l.number ? l.number : "";
	struct notice n = {
	    .kind = "vendor_request.answered",
	    .subject = arena_printf(c->a, "The shop answered about order %s", number),
	    .body = arena_printf(c->a, "%s answered vendor request %lld about order %s%s.",
				 c->who->name, (long long)id, number,
				 strcmp(to, "answered") == 0 ? "" : ", late"),
	    .link = arena_printf(c->a, "/desk/enquiries/%lld", (long long)l.enquiry_id),
	    .object_type = "vendor_request",
	    .object_id = id,
	};
	/* The agent who asked, and the enquiry's assignee when someone else. */
	int64_t assignee = 0;
	rc = db_one_i64(c->db, c->e, &assignee, SQL_ASSIGNEE, DB_ARGS(l.enquiry_id));
	if ((rc && rc != KERR_NOT_FOUND) || (rc = notify_user(c, l.created_by, &n)) ||
	    (assignee && assignee != l.created_by && (rc = notify_user(c, assignee, &n))))
		return rc;
	return enquiry_sync_requests(c, &row);
}

/* Cancels locked request id (pending); why, when not NULL, is recorded as the reason. */
static enum kerr cancel_locked(struct dctx *c, int64_t id, const struct locked *l, const char *why)
{
	if (strcmp(l->state, "open") != 0 && strcmp(l->state, "overdue") != 0)
		return err_set(c->e, KERR_STATE, "state",
			       "the request is %s; only open or overdue "
			       "requests can be cancelled",
			       l->state);
	enum kerr rc = db_exec(c->db, c->e, SQL_CANCEL, DB_ARGS(id, c->now));
	if (rc)
		return rc;
	json_t *summary = json_pack("{s:[s,s]}", "state", l->state, "cancelled");
	if (why)
		json_object_set_new(summary, "reason", json_string(why));
	return audit_append(c, "vendor_request.cancel", "vendor_request", id, summary);
}

enum kerr vreq_cancel(struct dctx *c, int64_t id)
{
	struct locked l;
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = lock(c, id, &l)) || (rc = cancel_locked(c, id, &l, NULL)) ||
	    (rc = enquiry_load(c, l.enquiry_id, &row)))
		return rc;
	return enquiry_sync_requests(c, &row);
}

/* Cancels the enquiry's pending requests but `except`; why is the reason recorded. */
static enum kerr cancel_others(struct dctx *c, int64_t enquiry_id, int64_t except, const char *why)
{
	enum kerr rc = KERR_OK;
	int64_t ids[64];
	int n = 64;
	while (n == 64 && !rc) {
		struct db_stmt *st = db_prep(c->db, SQL_PENDING_OF);
		if (!st)
			return dom_db_err(c);
		db_bind(st, DB_ARGS(enquiry_id, except));
		int r = DB_DONE;
		n = 0;
		while (n < 64 && (r = db_step(st)) == DB_ROW)
			ids[n++] = db_col_i64(st, 0);
		db_done(st);
		if (r == DB_ERROR)
			return dom_db_err(c);
		for (int i = 0; i < n && !rc; i++) {
			struct locked l;
			if (!(rc = lock(c, ids[i], &l)))
				rc = cancel_locked(c, ids[i], &l, why);
		}
	}
	return rc;
}

/* ---- the vendor's clock ---- */

const char vreq_sql_claim[] =
    "UPDATE vendor_requests SET claimed_until = $1 WHERE id IN (SELECT id FROM vendor_requests"
    " WHERE next_step_at <= $2 AND claimed_until < $2 ORDER BY next_step_at, id LIMIT $3"
    " FOR UPDATE SKIP LOCKED) RETURNING id";
/* At once (by its creation, or its due time if earlier): the clock works out which step is due. */
static const char SQL_UNSCHEDULED[] =
    "UPDATE vendor_requests SET next_step_at = CASE WHEN created_at < due_at THEN created_at"
    " ELSE due_at END WHERE next_step_at IS NULL AND state IN ('open', 'overdue')";
/* Without ON CONFLICT: a step taken twice fails the write rather than repeat its effect. */
static const char SQL_STEP[] =
    "INSERT INTO vendor_request_steps (vendor_request_id, step, done_at) VALUES ($1, $2, $3)";
static const char SQL_STEPS_OF[] = "SELECT vendor_request_id, step FROM vendor_request_steps"
				   " WHERE vendor_request_id IN (";
static const char SQL_CLOCK_SET[] =
    "UPDATE vendor_requests SET state = $2, next_step_at = $3, claimed_until = 0 WHERE id = $1";
static const char SQL_CLOCK_DONE[] = "UPDATE vendor_requests SET state = $2, next_step_at = NULL,"
				     " claimed_until = 0 WHERE id = $1";

enum kerr vreq_schedule_pending(struct dctx *c)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	return rc ? rc : db_exec(c->db, c->e, SQL_UNSCHEDULED, NULL, 0);
}

/* The reminder due now (the latest whose time has come since the request was made), or -1. */
static int due_reminder(const struct dctx *c, int64_t created, int64_t due)
{
	int found = -1;
	for (int k = 0; k < c->cfg->vendor_reminder_hours.n && c->now < due; k++) {
		int64_t at = reminder_at(c, due, k);
		if (at > created && at <= c->now)
			found = k;
	}
	return found;
}

/* Request id in state, its next step at next (none when negative), its claim let go. */
static enum kerr set_clock(struct dctx *c, int64_t id, const char *state, int64_t next)
{
	return next < 0 ? db_exec_later(c->db, c->e, SQL_CLOCK_DONE, DB_ARGS(id, state))
			: db_exec_later(c->db, c->e, SQL_CLOCK_SET, DB_ARGS(id, state, next));
}

/*
 * Records step on locked request l under its unique key (*fresh when it was
 * not yet taken: only then is its effect due) and puts the request in state
 * `to` with its next step at next (none when negative).  The steps taken
 * were read under the request's lock, and only the clock takes steps, under
 * that lock: the key stops a second taking of a step should that change.
 */
static enum kerr step_once(struct dctx *c, struct locked *l, const char *step, const char *to,
			   int64_t next, int *fresh)
{
	char key[40];
	snprintf(key, sizeof(key), ",%s,", step);
	*fresh = !strstr(l->steps, key);
	enum kerr rc = KERR_OK;
	if (*fresh) {
		rc = db_exec_later(c->db, c->e, SQL_STEP, DB_ARGS(l->id, step, c->now));
		l->steps = arena_printf(c->a, "%s%s,", l->steps, step);
	}
	return rc ? rc : set_clock(c, l->id, to, next);
}

/* The audit event of a state step of locked request id. */
static enum kerr step_audit(struct dctx *c, int64_t id, const struct locked *l, const char *step,
			    const char *to)
{
	return audit_append(
	    c, arena_printf(c->a, "vendor_request.%s", step), "vendor_request", id,
	    json_pack("{s:[s,s],s:I}", "state", l->state, to, "due_at", (json_int_t)l->due));
}

/* Reminder k of locked request id, once. */
static enum kerr remind(struct dctx *c, int64_t id, struct locked *l, int k,
			struct vreq_clock_report *rep)
{
	int fresh;
	char step[32];
	int64_t hours = c->cfg->vendor_reminder_hours.v[k];
	snprintf(step, sizeof(step), "reminder_%lldh", (long long)hours);
	enum kerr rc =
	    step_once(c, l, step, "open", next_open_step(c, l->created, l->due, c->now), &fresh);
	if (rc || !fresh)
		return rc;
	rep->reminded++;
	int64_t left = (l->due - c->now + 3599999) / 3600000; /* hours left, rounded up */
	const char *number = l->number ? l->number : "";
	if ((rc = audit_append(c, "vendor_request.reminder", "vendor_request", id,
			       json_pack("{s:s,s:I,s:I}", "step", step, "hours_before",
					 (json_int_t)hours, "due_at", (json_int_t)l->due))))
		return rc;
	return tell_vendor(
	    c, l->vendor_id, id, "vendor_request.reminder",
	    arena_printf(c->a, "Reminder: answer about order %s by %s", number,
			 when_text(c, l->due)),
	    arena_printf(c->a,
			 "Our request %lld about order %s is due in %lld hour%s, at %s."
			 " Unanswered requests are marked late, lower your rating and can"
			 " lead to an automatic refund charged to you.",
			 (long long)id, number, (long long)left, left == 1 ? "" : "s",
			 when_text(c, l->due)));
}

/* The enquiry of locked request l in row, loaded once a clock step (*have once it is). */
static enum kerr enquiry_of(struct dctx *c, const struct locked *l, struct enquiry_row *row,
			    int *have)
{
	enum kerr rc = *have ? KERR_OK : enquiry_load(c, l->enquiry_id, row);
	*have = !rc;
	return rc;
}

/* Past the due time: overdue, the enquiry escalated, the vendor told; once. */
static enum kerr overdue(struct dctx *c, int64_t id, struct locked *l, int64_t lapse_at,
			 struct enquiry_row *row, int *have, struct vreq_clock_report *rep)
{
	int fresh;
	enum kerr rc = step_once(c, l, "overdue", "overdue", lapse_at, &fresh);
	if (rc || !fresh)
		return rc;
	rep->overdue++;
	const char *number = l->number ? l->number : "";
	if ((rc = step_audit(c, id, l, "overdue", "overdue")) ||
	    (rc = enquiry_of(c, l, row, have)) ||
	    (rc = enquiry_escalate(c, row, "agents", "vendor_request.overdue", id)))
		return rc;
	return tell_vendor(
	    c, l->vendor_id, id, "vendor_request.overdue",
	    arena_printf(c->a, "Late: our request about order %s", number),
	    arena_printf(c->a,
			 "Our request %lld about order %s was due at %s and is late. Please"
			 " answer it now: unanswered at %s, it lapses.",
			 (long long)id, number, when_text(c, l->due), when_text(c, lapse_at)));
}

/*
 * Past the grace period: lapsed, once.  The order is refunded automatically
 * where the policy allows (the enquiry's other pending requests cancelled,
 * the enquiry resolved); otherwise the enquiry goes to the supervisors.
 */
static enum kerr lapse(struct dctx *c, int64_t id, struct locked *l, struct enquiry_row *row,
		       int *have, struct vreq_clock_report *rep)
{
	int fresh;
	struct refund_facts facts = {0};
	enum kerr rc = step_once(c, l, "lapse", "lapsed", -1, &fresh);
	if (rc || !fresh)
		return rc;
	rep->lapsed++;
	if ((rc = step_audit(c, id, l, "lapse", "lapsed")) || (rc = enquiry_of(c, l, row, have)) ||
	    (rc = refund_eligible(c, row, &facts)))
		return rc;
	int refund = facts.eligible;
	if (refund) {
		if ((rc = cancel_others(c, row->id, id, "the order was refunded")) ||
		    (rc = enquiry_sync_requests(c, row)) ||
		    (rc = refund_automatic(c, row, &facts, id)))
			return rc;
		rep->refunded++;
	} else if ((rc = enquiry_escalate(c, row, "supervisors", "vendor_request.lapse", id)) ||
		   (rc = enquiry_sync_requests(c, row))) {
		return rc;
	}
	const char *number = l->number ? l->number : "";
	if ((rc = standing_add_points(c, l->vendor_id, "vendor_request", id, c->cfg->points_lapse,
				      arena_printf(c->a,
						   "request %lld about order %s lapsed unanswered",
						   (long long)id, number))))
		return rc;
	return tell_vendor(
	    c, l->vendor_id, id, "vendor_request.lapsed",
	    arena_printf(c->a, "Lapsed: our request about order %s", number),
	    arena_printf(c->a, "Our request %lld about order %s lapsed unanswered. %s",
			 (long long)id, number,
			 refund ? "The order was refunded to the customer and charged to you, and"
				  " the enquiry is closed to answers. You may appeal the lapse or"
				  " the charge."
				: "A supervisor now handles the enquiry. You can still answer."));
}

/* The steps due on locked request l. */
static enum kerr clock_one(struct dctx *c, struct locked *l, struct vreq_clock_report *rep)
{
	enum kerr rc = KERR_OK;
	struct enquiry_row row = {0};
	int have = 0; /* row is loaded */
	int64_t id = l->id;
	int64_t lapse_at = l->due + c->cfg->vendor_grace_hours * 3600000;
	int open = strcmp(l->state, "open") == 0;
	int k = open ? due_reminder(c, l->created, l->due) : -1;
	if (k >= 0)
		return remind(c, id, l, k, rep);
	if (open && c->now >= l->due) {
		if ((rc = overdue(c, id, l, lapse_at, &row, &have, rep)))
			return rc;
		snprintf(l->state, sizeof(l->state), "overdue");
	}
	if (strcmp(l->state, "overdue") == 0 && c->now >= lapse_at)
		return lapse(c, id, l, &row, &have, rep);
	/* Not yet due (a claim taken early, or a deadline moved): the next step's time. */
	return set_clock(c, id, l->state,
			 strcmp(l->state, "open") == 0
			     ? next_open_step(c, l->created, l->due, c->now)
			 : strcmp(l->state, "overdue") == 0 ? lapse_at
							    : -1);
}

/*
 * Runs sql_head, which ends in "IN (", over ids[0..n) and closes the list with
 * tail.  The list has one value or VREQ_CLOCK_MAX (the last id repeated), so
 * that a few statements serve every batch.
 */
static struct db_stmt *over_ids(struct dctx *c, const char *sql_head, const char *tail,
				const int64_t *ids, int n)
{
	int slots = n == 1 ? 1 : VREQ_CLOCK_MAX;
	struct buf sql;
	buf_init(&sql, 2048);
	buf_append_str(&sql, sql_head);
	for (int i = 1; i <= slots; i++)
		buf_printf(&sql, "%s$%d", i > 1 ? ", " : "", i);
	buf_append_str(&sql, tail);
	struct db_stmt *st = db_prep(c->db, sql.data);
	buf_free(&sql);
	if (!st)
		return NULL;
	struct db_arg args[VREQ_CLOCK_MAX];
	for (int i = 0; i < slots; i++)
		args[i] = db_arg_int(ids[i < n ? i : n - 1]);
	db_bind(st, args, slots);
	return st;
}

/* Locks requests ids[0..n) (those that exist, by id) with the steps each has taken. */
static enum kerr lock_clocked(struct dctx *c, const int64_t *ids, int n, struct locked *out,
			      int *found)
{
	*found = 0;
	struct db_stmt *st =
	    over_ids(c, LOCK_COLS " WHERE r.id IN (", ") ORDER BY r.id FOR UPDATE", ids, n);
	if (!st)
		return dom_db_err(c);
	int r = DB_DONE;
	while (*found < n && (r = db_step(st)) == DB_ROW)
		read_locked(c, st, &out[(*found)++]);
	db_done(st);
	if (r == DB_ERROR || !(st = over_ids(c, SQL_STEPS_OF, ")", ids, n)))
		return dom_db_err(c);
	while ((r = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		int lo = 0, hi = *found - 1; /* out is by id */
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (out[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (*found && out[lo].id == id)
			out[lo].steps =
			    arena_printf(c->a, "%s%s,", out[lo].steps, db_col_text(st, 1));
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr vreq_clock(struct dctx *c, const int64_t *ids, int n, struct vreq_clock_report *rep)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc || n < 1)
		return rc;
	if (n > VREQ_CLOCK_MAX)
		return err_set(c->e, KERR_BAD_VALUE, "ids", "at most %d requests at once",
			       VREQ_CLOCK_MAX);
	struct locked *l = arena_calloc(c->a, (size_t)n, sizeof(*l));
	int found; /* the others are gone: nothing to do */
	rc = lock_clocked(c, ids, n, l, &found);
	for (int i = 0; i < found && !rc; i++) {
		/* The steps of an earlier request of the same enquiry may have changed this
		 * one (a refund cancels the enquiry's others): it is read again. */
		int again = 0;
		for (int j = 0; j < i; j++)
			again |= l[j].enquiry_id == l[i].enquiry_id;
		const char *steps = l[i].steps;
		if (again && (rc = lock(c, l[i].id, &l[i])))
			break;
		l[i].steps = steps;
		rc = clock_one(c, &l[i], rep);
	}
	return rc;
}
