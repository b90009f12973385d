/*
 * appeal.c - vendors' appeals and their decisions.  See appeal.h.
 */
#include "domain/appeal.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/contact.h"
#include "domain/enquiry.h"
#include "domain/message.h"
#include "domain/notify.h"
#include "domain/standing.h"

const char *const appeal_states[] = {"open", "upheld", "reversed", NULL};
static const char *const subject_types[] = {"vendor_request", "refund", "violation", NULL};
static const char *const decisions[] = {"uphold", "reverse", NULL};

static const char SQL_VREQ[] =
    "SELECT r.vendor_id, r.enquiry_id, r.id, r.state, r.late_excused,"
    " (SELECT COUNT(*) FROM vendor_request_steps s WHERE s.vendor_request_id = r.id"
    " AND s.step = 'lapse'), r.lapse_excused FROM vendor_requests r WHERE r.id = $1";
static const char SQL_REFUND[] =
    "SELECT vendor_id, enquiry_id, COALESCE(vendor_request_id, 0), kind, charged_to"
    " FROM refunds WHERE id = $1";
static const char SQL_VIOLATION[] =
    "SELECT v.vendor_id, v.enquiry_id, COALESCE(m.vendor_request_id, 0), v.state,"
    " COALESCE(v.reversed_at, 0) FROM violations v JOIN messages m ON m.id = v.message_id"
    " WHERE v.id = $1";
static const char SQL_EXISTING[] =
    "SELECT id FROM appeals WHERE subject_type = $1 AND subject_id = $2 AND kind = $3";
static const char SQL_INSERT[] =
    "INSERT INTO appeals (vendor_id, kind, subject_type, subject_id, enquiry_id, message_id,"
    " state, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8)"
    " RETURNING id";
static const char SQL_LOCK[] = "SELECT vendor_id, kind, subject_id, state FROM appeals"
			       " WHERE id = $1 FOR UPDATE";
static const char SQL_DECIDE[] = "UPDATE appeals SET state = $2, decided_by = $3, decided_at = $4,"
				 " reason = $5 WHERE id = $1";
static const char SQL_EXCUSE_LATE[] = "UPDATE vendor_requests SET late_excused = 1 WHERE id = $1";
static const char SQL_EXCUSE_LAPSE[] =
    "UPDATE vendor_requests SET late_excused = 1, lapse_excused = 1 WHERE id = $1";
static const char SQL_TO_OPERATOR[] = "UPDATE refunds SET charged_to = 'operator' WHERE id = $1";
static const char SQL_VIOLATION_REVERSE[] = "UPDATE violations SET reversed_at = $2 WHERE id = $1";
#define APPEAL_COLS                                                                                \
	"SELECT a.id, a.vendor_id, a.kind, a.subject_type, a.subject_id, a.enquiry_id,"            \
	" a.message_id, a.state, a.created_at, a.created_by, a.decided_at, a.decided_by,"          \
	" a.reason, m.body FROM appeals a JOIN messages m ON m.id = a.message_id"
static const char SQL_GET[] = APPEAL_COLS " WHERE a.id = $1";
static const char SQL_LIST[] =
    APPEAL_COLS " WHERE a.id < $1 AND ($2 = '' OR a.state = $2) AND ($3 = 0 OR a.vendor_id = $3)"
		" ORDER BY a.id DESC LIMIT $4";

/* What an appeal is against: whose mark, on which enquiry and request, of what kind. */
struct subject {
	int64_t vendor_id, enquiry_id, vreq_id;
	const char *kind; /* NULL: nothing to appeal; why says what */
	const char *why;
};

/* Reads the subject's row (sql, its id) and works out the mark on it. */
static enum kerr find_subject(struct dctx *c, const char *type, int64_t id, struct subject *s)
{
	int vreq = strcmp(type, "vendor_request") == 0, refund = strcmp(type, "refund") == 0;
	struct db_stmt *st = db_prep(c->db, vreq ? SQL_VREQ : refund ? SQL_REFUND : SQL_VIOLATION);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	memset(s, 0, sizeof(*s));
	if (r == DB_ROW) {
		s->vendor_id = db_col_i64(st, 0);
		s->enquiry_id = db_col_i64(st, 1);
		s->vreq_id = db_col_i64(st, 2);
		const char *state = db_col_text(st, 3);
		if (vreq) {
			/* Two marks: late, then (unanswered past the grace period) lapsed. */
			int late_excused = db_col_i64(st, 4) != 0, lapsed = db_col_i64(st, 5) != 0;
			int lapse_excused = db_col_i64(st, 6) != 0;
			int late = strcmp(state, "overdue") == 0 ||
				   strcmp(state, "answered_late") == 0 || lapsed;
			s->kind = lapsed		  ? (lapse_excused ? NULL : "lapse")
				  : late && !late_excused ? "late"
							  : NULL;
			s->why = lapse_excused || late_excused
				     ? "its mark was reversed already"
				     : arena_printf(c->a, "it is %s, with no late mark", state);
		} else if (refund) {
			int charged = strcmp(db_col_text(st, 4), "vendor") == 0 &&
				      strcmp(state, "automatic") == 0;
			s->kind = charged ? "refund" : NULL;
			s->why = "it is not an automatic refund charged to the vendor";
		} else {
			int confirmed = strcmp(state, "confirmed") == 0 && !db_col_i64(st, 4);
			s->kind = confirmed ? "violation" : NULL;
			s->why = db_col_i64(st, 4)
				     ? "it was reversed already"
				     : arena_printf(c->a, "it is %s, not confirmed", state);
		}
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || (c->who->role == ROLE_VENDOR && s->vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such %s",
			       vreq ? "vendor request" : type);
	return KERR_OK;
}

enum kerr appeal_create(struct dctx *c, const char *subject_type, int64_t subject_id,
			const char *text, const struct upload *files, int nfiles, int64_t *id)
{
	struct subject s = {0};
	struct enquiry_row row;
	int64_t existing = 0, mid;
	enum kerr rc = dom_require(c, ROLE_VENDOR);
	if (rc || (rc = dom_check_enum(c, "subject_type", subject_type, subject_types)) ||
	    (rc = dom_check_text(c, "text", text, ENQUIRY_MAX_BODY, 1)) ||
	    (rc = find_subject(c, subject_type, subject_id, &s)))
		return rc;
	if (!s.kind)
		return err_set(c->e, KERR_STATE, "state", "nothing to appeal: %s", s.why);
	rc = db_one_i64(c->db, c->e, &existing, SQL_EXISTING,
			DB_ARGS(subject_type, subject_id, s.kind));
	if (rc != KERR_NOT_FOUND)
		return rc ? rc
			  : err_set(c->e, KERR_CONFLICT, "id",
				    "this %s was appealed already (appeal %lld)", s.kind,
				    (long long)existing);
	/* The appeal's words are a vendor's like any other: screened (G2). */
	struct contact_finding *found;
	int nfound;
	int64_t violation = 0;
	if ((rc = enquiry_load(c, s.enquiry_id, &row)) ||
	    (rc = message_insert(c, &row, "from_vendor", text, s.vreq_id, &mid)) ||
	    (rc = contact_vendor_text(c, &row, mid, text, &found, &nfound, &violation)) ||
	    (rc = attachment_attach(c, mid, files, nfiles)) ||
	    (rc = db_one_i64(c->db, c->e, id, SQL_INSERT,
			     DB_ARGS(s.vendor_id, s.kind, subject_type, subject_id, s.enquiry_id,
				     mid, c->who->user_id, c->now))))
		return rc;
	return audit_append(c, "appeal.create", "appeal", *id,
			    json_pack("{s:s,s:s,s:I,s:I,s:i}", "kind", s.kind, "subject_type",
				      subject_type, "subject_id", (json_int_t)subject_id,
				      "message_id", (json_int_t)mid, "files", nfiles));
}

/* Undoes the mark an appeal of kind on subject_id was against. */
static enum kerr reverse(struct dctx *c, int64_t appeal_id, const char *kind, int64_t subject_id)
{
	const char *cause =
	    arena_printf(c->a, "appeal %lld reversed the %s", (long long)appeal_id, kind);
	enum kerr rc;
	if (strcmp(kind, "late") == 0)
		return db_exec(c->db, c->e, SQL_EXCUSE_LATE, DB_ARGS(subject_id));
	if (strcmp(kind, "lapse") == 0)
		return (rc = db_exec(c->db, c->e, SQL_EXCUSE_LAPSE, DB_ARGS(subject_id)))
			   ? rc
			   : standing_reverse_points(c, "vendor_request", subject_id, cause);
	if (strcmp(kind, "refund") == 0)
		return db_exec(c->db, c->e, SQL_TO_OPERATOR, DB_ARGS(subject_id));
	return (rc = db_exec(c->db, c->e, SQL_VIOLATION_REVERSE, DB_ARGS(subject_id, c->now)))
		   ? rc
		   : standing_reverse_points(c, "violation", subject_id, cause);
}

enum kerr appeal_decide(struct dctx *c, int64_t id, const char *decision, const char *reason)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_enum(c, "decision", decision, decisions)) ||
	    (rc = dom_check_text(c, "reason", reason, 2000, 1)))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_LOCK);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	int64_t vendor_id = 0, subject_id = 0;
	const char *kind = NULL, *state = NULL;
	if (r == DB_ROW) {
		vendor_id = db_col_i64(st, 0);
		kind = dom_col_str(c, st, 1);
		subject_id = db_col_i64(st, 2);
		state = dom_col_str(c, st, 3);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || !kind || !state)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such appeal");
	if (strcmp(state, "open") != 0)
		return err_set(c->e, KERR_STATE, "state", "the appeal is %s already", state);
	int reversed = strcmp(decision, "reverse") == 0;
	const char *to = reversed ? "reversed" : "upheld";
	if ((rc = db_exec(c->db, c->e, SQL_DECIDE,
			  DB_ARGS(id, to, c->who->user_id, c->now, reason))) ||
	    (reversed && (rc = reverse(c, id, kind, subject_id))) ||
	    (rc = audit_append(c, reversed ? "appeal.reverse" : "appeal.uphold", "appeal", id,
			       json_pack("{s:[s,s],s:s,s:I,s:s}", "state", "open", to, "kind", kind,
					 "subject_id", (json_int_t)subject_id, "reason", reason))))
		return rc;
	struct notice n = {
	    .kind = "appeal.decided",
	    .subject = arena_printf(c->a, "Your appeal %lld was %s", (long long)id,
				    reversed ? "granted" : "turned down"),
	    .body = arena_printf(c->a, "%s: %s",
				 reversed ? "The mark was reversed" : "The mark stands", reason),
	    .link = "/vendor/record",
	    .object_type = "appeal",
	    .object_id = id,
	};
	return notify_vendor(c, vendor_id, &n);
}

static void read_appeal(struct dctx *c, struct db_stmt *st, struct appeal *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_i64(st, 0);
	a->vendor_id = db_col_i64(st, 1);
	a->kind = dom_col_str(c, st, 2);
	a->subject_type = dom_col_str(c, st, 3);
	a->subject_id = db_col_i64(st, 4);
	a->enquiry_id = db_col_i64(st, 5);
	a->message_id = db_col_i64(st, 6);
	a->state = dom_col_str(c, st, 7);
	a->created_at = db_col_i64(st, 8);
	a->created_by = db_col_i64(st, 9);
	a->decided_at = db_col_i64(st, 10);
	a->decided_by = db_col_i64(st, 11);
	a->reason = dom_col_str(c, st, 12);
	a->text = dom_col_str(c, st, 13);
	if (!dom_is_staff(c))
		a->enquiry_id = a->created_by = a->decided_by = 0;
}

static void read_appeal_row(struct dctx *c, struct db_stmt *st, void *out)
{
	read_appeal(c, st, out);
}

enum kerr appeal_get(struct dctx *c, int64_t id, struct appeal *out)
{
	int found = 0;
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_VENDOR);
	if (rc || (rc = dom_fetch(c, SQL_GET, id, read_appeal_row, out, &found)))
		return rc;
	if (!found || (c->who->role == ROLE_VENDOR && out->vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such appeal");
	return attachment_list_message(c, out->message_id, &out->files, &out->nfiles);
}

enum kerr appeal_list(struct dctx *c, const char *state, int64_t before, int limit,
		      struct appeal **out, int *n)
{
	enum kerr rc = dom_require(c, ROLES_STAFF | ROLE_VENDOR);
	if (rc || (state && (rc = dom_check_enum(c, "state", state, appeal_states))))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(before ? before : INT64_MAX, state ? state : "",
			    c->who->role == ROLE_VENDOR ? c->who->vendor_id : 0, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW)
		read_appeal(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}
