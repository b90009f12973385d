/*
 * vreq.h - vendor requests: an agent asks the order's vendor a question,
 * names the evidence wanted and a due time; the vendor answers with text
 * and files.
 *
 * States: open -> answered; open -> overdue -> answered_late or lapsed
 * (-> answered_late: a late answer is still taken); open/overdue ->
 * cancelled.  While a request is open or overdue its
 * enquiry is awaiting_vendor.  Vendors see only requests addressed to
 * their vendor, with the order's facts as order.h shapes them for vendors
 * and customer contact details removed from the question.
 */
#ifndef KAPSULE_DOMAIN_VREQ_H
#define KAPSULE_DOMAIN_VREQ_H

#include "domain/attachment.h"
#include "domain/contact.h"
#include "domain/domain.h"
#include "domain/message.h"
#include "domain/order.h"

struct vreq {
	int64_t id, enquiry_id, vendor_id, order_id;
	const char *question; /* redacted for vendors */
	const char *evidence; /* comma-separated kinds, may be "" */
	const char *state;
	int64_t due_at, created_at, answered_at, cancelled_at;
	int64_t created_by, answered_by, answer_message_id; /* staff view only */
	const char *shop_name, *order_number;
	struct order order;	/* with vreq_get: the order as the viewer may see it */
	struct message *answer; /* with vreq_get: the answer, if any */
};

struct vreq_in {
	const char *question;	     /* 1..5000 characters */
	const char *const *evidence; /* kinds from vreq_evidence_kinds */
	int nevidence;
	int64_t due_in_hours; /* 0: the configured default */
};

extern const char *const vreq_evidence_kinds[];
extern const char *const vreq_states[];

/* What screening made of a request's question or an answer's text (contact.h). */
struct vreq_screened {
	struct contact_finding *findings; /* removed for the vendor, or not allowed from it */
	int n;
	const char *vendor_sees; /* the question as the vendor reads it (create only) */
	int64_t violation_id;	 /* opened by the answer, or 0 */
};

/*
 * Asks the vendor of the enquiry's order.  Staff.  *out tells the agent what
 * of the question the vendor does not see.
 */
enum kerr vreq_create(struct dctx *c, int64_t enquiry_id, const struct vreq_in *in, int64_t *id,
		      struct vreq_screened *out);
/* One request with its order and answer.  Its vendor, or staff. */
enum kerr vreq_get(struct dctx *c, int64_t id, struct vreq *out);

struct vreq_filter {
	const char *state;	     /* a state, "pending" (open or overdue; default) or "all" */
	int64_t enquiry_id;	     /* staff: 0 any */
	int64_t after_due, after_id; /* cursor; 0,0 from the start */
	int limit;
};

/* Requests the principal may see, earliest due first. */
enum kerr vreq_list(struct dctx *c, const struct vreq_filter *f, struct vreq **out, int *n,
		    int *more);

/*
 * Answers a request with text and files.  Its vendor's users.  The text is
 * kept as written; *out lists what in it is not allowed (a violation is
 * opened for an agent), for the vendor to be told at once.
 */
enum kerr vreq_answer(struct dctx *c, int64_t id, const char *text, const struct upload *files,
		      int nfiles, int64_t *message_id, struct vreq_screened *out);
/* Cancels an open or overdue request.  Staff. */
enum kerr vreq_cancel(struct dctx *c, int64_t id);

/*
 * The vendor's clock.  vreq_sql_claim (for db_claim: $1 claimed until, $2
 * now, $3 how many) takes requests whose next step is due; vreq_clock()
 * takes the steps due on them, in the caller's write transaction:
 *   - reminders to the vendor vendor_reminder_hours before the due time
 *     (those whose time came before the request was made are not sent, and
 *     of several due at once, after a stop, only the latest is);
 *   - at the due time the request becomes overdue, its enquiry is
 *     escalated (priority up a step) and the vendor told;
 *   - vendor_grace_hours later, unanswered, it lapses: the enquiry's order
 *     is refunded automatically where the policy allows (refund.h; the
 *     enquiry's other pending requests are cancelled and it is resolved),
 *     and otherwise the enquiry goes to the supervisors' queue.
 * Each step is recorded under a unique key with its effect, so that it
 * happens once however many schedulers run.  The system principal only.
 */
struct vreq_clock_report {
	int reminded, overdue, lapsed, refunded; /* steps taken, refunds made */
};
extern const char vreq_sql_claim[];
/*
 * Gives a next step to pending requests without one (made by a program from
 * before the clock, during a rolling upgrade); cheap when there are none.
 * The system principal only.
 */
enum kerr vreq_schedule_pending(struct dctx *c);
/* Takes the steps due on requests ids[0..n) (at most VREQ_CLOCK_MAX; gone ones are skipped). */
#define VREQ_CLOCK_MAX 200
enum kerr vreq_clock(struct dctx *c, const int64_t *ids, int n, struct vreq_clock_report *rep);

#endif
