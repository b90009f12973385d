/*
 * vreq.c - vendor requests.  See vreq.h.
 */
#include "domain/vreq.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/enquiry.h"

const char *const vreq_evidence_kinds[] = {"invoice", "tracking", "photo", "other", NULL};
const char *const vreq_states[] = {"open",   "overdue",	  "answered", "answered_late",
				   "lapsed", "cancelled", NULL};

static const char SQL_INSERT[] =
    "INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state, due_at,"
    " created_by, created_at, next_step_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $5)"
    " RETURNING id";
#define VREQ_COLS                                                                                  \
	"SELECT r.id, r.enquiry_id, r.vendor_id, e.order_id, r.question, r.evidence, r.state,"     \
	" r.due_at, r.created_at, r.answered_at, r.cancelled_at, r.created_by, r.answered_by,"     \
	" r.answer_message_id, v.shop_name, o.number," ORDER_PARTY_COLS                            \
	" FROM vendor_requests r JOIN enquiries e ON e.id = r.enquiry_id"                          \
	" JOIN orders o ON o.id = e.order_id JOIN vendors v ON v.id = "                            \
	"r.vendor_id" ORDER_PARTY_JOIN("e.customer_id")
static const char SQL_GET[] = VREQ_COLS " WHERE r.id = $1";
static const char SQL_LOCK[] = "SELECT enquiry_id, vendor_id, state, due_at FROM vendor_requests"
			       " WHERE id = $1 FOR UPDATE";
static const char SQL_ANSWER[] =
    "UPDATE vendor_requests SET state = $2, answered_at = $3, answered_by = $4,"
    " answer_message_id = $5, next_step_at = NULL WHERE id = $1";
static const char SQL_CANCEL[] =
    "UPDATE vendor_requests SET state = 'cancelled', cancelled_at = $2,"
    " next_step_at = NULL WHERE id = $1";

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
				     c->who->user_id, c->now))) ||
	    (rc = audit_append(c, "vendor_request.create", "vendor_request", *id,
			       json_pack("{s:I,s:I,s:s,s:I,s:[n,s]}", "enquiry_id",
					 (json_int_t)enquiry_id, "vendor_id",
					 (json_int_t)row.vendor_id, "evidence", evidence, "due_at",
					 (json_int_t)due, "state", "open"))) ||
	    (rc = message_insert(c, &row, "to_vendor", in->question, *id, &mid)) ||
	    (rc = contact_removed_for_vendor(c, &row, in->question, &out->findings, &out->n,
					     &out->vendor_sees)))
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

/* Locks the request and checks the principal may act on it. */
/* Locks request id for a change: its enquiry, state and (due, when not NULL) due time. */
static enum kerr lock(struct dctx *c, int64_t id, int64_t *enquiry_id, char state[24], int64_t *due)
{
	struct db_stmt *st = db_prep(c->db, SQL_LOCK);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	int64_t vendor_id = 0;
	if (r == DB_ROW) {
		*enquiry_id = db_col_i64(st, 0);
		vendor_id = db_col_i64(st, 1);
		snprintf(state, 24, "%s", db_col_text(st, 2));
		if (due)
			*due = db_col_i64(st, 3);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || (c->who->role == ROLE_VENDOR && vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such vendor request");
	return KERR_OK;
}

enum kerr vreq_answer(struct dctx *c, int64_t id, const char *text, const struct upload *files,
		      int nfiles, int64_t *message_id, struct vreq_screened *out)
{
	memset(out, 0, sizeof(*out));
	int64_t enquiry_id = 0;
	char state[24] = "";
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLE_VENDOR);
	if (rc || (rc = dom_check_text(c, "text", text, ENQUIRY_MAX_BODY, 1)) ||
	    (rc = lock(c, id, &enquiry_id, state, NULL)))
		return rc;
	const char *to;
	if (strcmp(state, "open") == 0)
		to = "answered";
	else if (strcmp(state, "overdue") == 0 || strcmp(state, "lapsed") == 0)
		to = "answered_late"; /* late, even past lapsing: the answer is kept */
	else
		return err_set(c->e, KERR_STATE, "state", "the request is %s; it takes no answer",
			       state);
	if ((rc = enquiry_load(c, enquiry_id, &row)))
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
	return enquiry_sync_requests(c, &row);
}

enum kerr vreq_cancel(struct dctx *c, int64_t id)
{
	int64_t enquiry_id = 0;
	char state[24] = "";
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = lock(c, id, &enquiry_id, state, NULL)))
		return rc;
	if (strcmp(state, "open") != 0 && strcmp(state, "overdue") != 0)
		return err_set(c->e, KERR_STATE, "state",
			       "the request is %s; only open or overdue "
			       "requests can be cancelled",
			       state);
	if ((rc = db_exec(c->db, c->e, SQL_CANCEL, DB_ARGS(id, c->now))) ||
	    (rc = audit_append(c, "vendor_request.cancel", "vendor_request", id,
			       json_pack("{s:[s,s]}", "state", state, "cancelled"))) ||
	    (rc = enquiry_load(c, enquiry_id, &row)))
		return rc;
	return enquiry_sync_requests(c, &row);
}

/* ---- the vendor's clock ---- */

const char vreq_sql_claim[] =
    "UPDATE vendor_requests SET claimed_until = $1 WHERE id IN (SELECT id FROM vendor_requests"
    " WHERE next_step_at <= $2 AND claimed_until < $2 ORDER BY next_step_at, id LIMIT $3"
    " FOR UPDATE SKIP LOCKED) RETURNING id";
static const char SQL_UNSCHEDULED[] =
    "UPDATE vendor_requests SET next_step_at = due_at WHERE next_step_at IS NULL"
    " AND state IN ('open', 'overdue')";
static const char SQL_STEP[] =
    "INSERT INTO vendor_request_steps (vendor_request_id, step, done_at) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING RETURNING done_at";
static const char SQL_CLOCK_SET[] =
    "UPDATE vendor_requests SET state = $2, next_step_at = $3, claimed_until = 0 WHERE id = $1";
static const char SQL_CLOCK_DONE[] = "UPDATE vendor_requests SET state = $2, next_step_at = NULL,"
				     " claimed_until = 0 WHERE id = $1";

enum kerr vreq_schedule_pending(struct dctx *c)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	return rc ? rc : db_exec(c->db, c->e, SQL_UNSCHEDULED, NULL, 0);
}

/* Request id in state, its next step at next (none when negative), its claim let go. */
static enum kerr set_clock(struct dctx *c, int64_t id, const char *state, int64_t next)
{
	return next < 0 ? db_exec(c->db, c->e, SQL_CLOCK_DONE, DB_ARGS(id, state))
			: db_exec(c->db, c->e, SQL_CLOCK_SET, DB_ARGS(id, state, next));
}

/*
 * Takes step on request id (of enquiry_id, due at due): from state `from`
 * to `to`, with its next step at next (none when negative), recorded under
 * its unique key.  Only when the key is new (*fresh) is the effect done:
 * an audit event, and the enquiry escalated into queue (*row loaded).
 */
static enum kerr take_step(struct dctx *c, int64_t id, int64_t enquiry_id, int64_t due,
			   const char *step, const char *from, const char *to, int64_t next,
			   const char *queue, struct enquiry_row *row, int *fresh)
{
	int64_t at;
	enum kerr rc = db_one_i64(c->db, c->e, &at, SQL_STEP, DB_ARGS(id, step, c->now));
	*fresh = rc == KERR_OK;
	if ((rc && rc != KERR_NOT_FOUND) || (rc = set_clock(c, id, to, next)) || !*fresh)
		return rc;
	char action[48];
	snprintf(action, sizeof(action), "vendor_request.%s", step);
	if ((rc = audit_append(
		 c, action, "vendor_request", id,
		 json_pack("{s:[s,s],s:I}", "state", from, to, "due_at", (json_int_t)due))) ||
	    (rc = enquiry_load(c, enquiry_id, row)))
		return rc;
	return enquiry_escalate(c, row, queue, action, id);
}

enum kerr vreq_clock(struct dctx *c, int64_t id, struct vreq_clock_report *rep)
{
	int64_t enquiry_id = 0, due = 0;
	char state[24] = "";
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc || (rc = lock(c, id, &enquiry_id, state, &due)))
		return rc == KERR_NOT_FOUND ? KERR_OK : rc; /* gone: nothing to do */
	int64_t lapse_at = due + c->cfg->vendor_grace_hours * 3600000;
	struct enquiry_row row;
	int fresh = 0;
	if (strcmp(state, "open") == 0 && c->now >= due) {
		/* Past the deadline: overdue, and the enquiry escalated. */
		if ((rc = take_step(c, id, enquiry_id, due, "overdue", "open", "overdue", lapse_at,
				    "agents", &row, &fresh)))
			return rc;
		rep->overdue += fresh;
		snprintf(state, sizeof(state), "overdue");
	}
	if (strcmp(state, "overdue") == 0 && c->now >= lapse_at) {
		/* Past the grace period too: lapsed, and the enquiry to the supervisors. */
		if ((rc = take_step(c, id, enquiry_id, due, "lapse", "overdue", "lapsed", -1,
				    "supervisors", &row, &fresh)) ||
		    (fresh && (rc = enquiry_sync_requests(c, &row))))
			return rc;
		rep->lapsed += fresh;
		return KERR_OK;
	}
	/* Not yet due (a claim taken early, or a deadline moved): the next step's time. */
	return set_clock(c, id, state,
			 strcmp(state, "open") == 0	 ? due
			 : strcmp(state, "overdue") == 0 ? lapse_at
							 : -1);
}
