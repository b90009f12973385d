/*
 * enquiry.h - a customer's question or problem about one order, and its
 * life: open -> awaiting_vendor -> open -> awaiting_customer -> resolved ->
 * closed, with reopening (resolved -> open) within the reopen window.
 *
 * Who moves what:
 *   - the customer opens it, replies (awaiting_customer -> open) and reopens
 *     a resolved one within the window;
 *   - agents reply (open -> awaiting_customer), set the status by the table
 *     in enquiry.c, resolve, assign;
 *   - vendor requests move it to awaiting_vendor while one is open and back
 *     to open when none is (enquiry_sync_requests);
 *   - the scheduler closes resolved enquiries whose window has passed.
 * A transition the table does not allow is KERR_STATE naming the current
 * status.  Customers see awaiting_vendor as open: they never learn that a
 * vendor was asked.
 */
#ifndef KAPSULE_DOMAIN_ENQUIRY_H
#define KAPSULE_DOMAIN_ENQUIRY_H

#include "domain/attachment.h"
#include "domain/domain.h"

struct enquiry {
	int64_t id, order_id, customer_id, vendor_id;
	const char *category, *subject;
	const char *status;	   /* as the viewer may see it */
	const char *priority;	   /* staff only */
	int64_t assignee_id;	   /* staff only; 0 when unassigned */
	const char *assignee_name; /* staff only */
	int escalated;		   /* staff only */
	int64_t due_at;		   /* staff only: earliest open vendor request due, 0 if none */
	int64_t message_count;	   /* messages the viewer can see, staff: all */
	int64_t created_at, updated_at, last_message_at;
	int64_t resolved_at, closed_at; /* 0 when not */
	int64_t reopen_until;		/* resolved: last moment a customer may reopen; else 0 */
	const char *order_number, *shop_name;
	const char *customer_name; /* staff only */
	const char *queue;	   /* staff only, a single enquiry: "agents" or "supervisors" */
	/* Staff only: the operator's clock.  reply_state is "none" (no reply owed),
	 * "paused" (waiting on the vendor or the customer; reply_left_ms kept), "due",
	 * "soon" (due within the hour) or "late". */
	const char *reply_state;
	int64_t reply_due_at;			/* running: when the reply is due; else 0 */
	int64_t reply_left_ms;			/* paused: the time that was left */
	int64_t reply_breaches, first_reply_at; /* a single enquiry only */
	enum view view;				/* the shape this was prepared for */
};

struct enquiry_in {
	int64_t order_id;	    /* an order of the customer's */
	const char *category;	    /* see enquiry_categories */
	const char *subject;	    /* 1..200 characters */
	const char *message;	    /* the first message, 1..10000 characters */
	const struct upload *files; /* with the first message (photos); may be NULL */
	int nfiles;
};

extern const char *const enquiry_categories[];
extern const char *const enquiry_statuses[];

#define ENQUIRY_MAX_BODY 10000

/* Opens an enquiry (customers, on their own orders) with its first message. */
enum kerr enquiry_open(struct dctx *c, const struct enquiry_in *in, int64_t *id);
/* Reads one enquiry as the principal may see it (customers: own; staff: all). */
enum kerr enquiry_get(struct dctx *c, int64_t id, struct enquiry *out);

struct enquiry_filter {
	const char *status;	     /* a status, "active" (default) or "all" */
	const char *category;	     /* NULL: any */
	int64_t vendor_id;	     /* 0: any */
	int64_t assignee;	     /* 0: any, -1: unassigned, else a user id */
	int escalated;		     /* -1: any, 0 or 1 */
	int overdue;		     /* 1: only those with a clock run out (the vendor's
				      * answer or the operator's reply late); 0: any */
	int sort_due;		     /* 0: oldest first; 1: earliest vendor due time first;
				      * 2: the operator's reply soonest due first */
	int64_t after_key, after_id; /* cursor: rows after this (key, id); 0,0 = start */
	int limit;		     /* rows to return */
};

/*
 * Lists enquiries, handing each to each(q, arg) in order: staff get the
 * queue with the filter; customers get their own, newest first (only the
 * cursor and limit apply).  q and its strings are valid only during the
 * call (rows are streamed, not copied); a nonzero result from each stops
 * the listing and is returned.  *more is set when rows remain; the last
 * row's (key, id) are the next cursor, in *next_key and *next_id.
 */
typedef enum kerr (*enquiry_each_fn)(const struct enquiry *q, void *arg);
enum kerr enquiry_list(struct dctx *c, const struct enquiry_filter *f, enquiry_each_fn each,
		       void *arg, int *more, int64_t *next_key, int64_t *next_id);

/*
 * Staff search: enquiries whose order number, customer, shop or subject, or
 * any of whose messages, hold every word of words (1..200 characters),
 * newest first, at most limit, handed to each as enquiry_list does; *more
 * when there are more.
 */
enum kerr enquiry_search(struct dctx *c, const char *words, int limit, enquiry_each_fn each,
			 void *arg, int *more);

/* How many active enquiries the queue holds, in total and by the queue's views.  Staff. */
struct enquiry_counts {
	int64_t active, open, awaiting_vendor, awaiting_customer;
	int64_t escalated, overdue, mine, unassigned;
};
enum kerr enquiry_counts(struct dctx *c, struct enquiry_counts *out);

/* Assigns to an agent or admin (user id) or unassigns (0).  Staff. */
enum kerr enquiry_assign(struct dctx *c, int64_t id, int64_t assignee_id);
/* Sets the status by the transition table.  Staff. */
enum kerr enquiry_set_status(struct dctx *c, int64_t id, const char *status);
/* Reopens a resolved enquiry within the window.  The customer, or staff. */
enum kerr enquiry_reopen(struct dctx *c, int64_t id);
/* Closes resolved enquiries whose reopen window has passed (the system). */
enum kerr enquiry_close_expired(struct dctx *c, int *closed);

/* ---- for the message and vendor request modules ---- */

/* The stored row, for writers: status as stored; locks the row where the store can. */
struct enquiry_row {
	int64_t id, order_id, customer_id, vendor_id, resolved_at;
	char status[24];
	char order_number[72]; /* the order's, for texts */
	char priority[12];     /* low, normal, high or urgent */
	/* The operator's clock (enquiry.c keeps it in step with what it writes). */
	int64_t reply_due;  /* when the owed reply is due; INT64_MAX when none or paused */
	int64_t reply_left; /* paused: the time that was left */
	int reply_paused, answered_before;
};

/*
 * Loads the row for a change if the principal may touch the enquiry
 * (customers: own; vendors: on their orders, for answering requests; staff:
 * all; others: KERR_NOT_FOUND).  Callers check the role's right first.
 */
enum kerr enquiry_load(struct dctx *c, int64_t id, struct enquiry_row *row);
/* Records a new message: counts, times and the status change it causes. */
enum kerr enquiry_note_message(struct dctx *c, struct enquiry_row *row, const char *audience);
/*
 * Flags the enquiry escalated, raises its priority a step (low, normal,
 * high, urgent) and puts it in queue ("agents" or "supervisors"; one in
 * the supervisors' stays there); why names the cause in the audit log.
 * For the scheduler.
 */
enum kerr enquiry_escalate(struct dctx *c, struct enquiry_row *row, const char *queue,
			   const char *why, int64_t vendor_request_id);
/* Recomputes awaiting_vendor/open and the due time from the open vendor requests. */
enum kerr enquiry_sync_requests(struct dctx *c, struct enquiry_row *row);
/*
 * Resolves an active enquiry that waits on no vendor request (an automatic
 * refund's); action names the cause in the audit log.  For the scheduler.
 */
enum kerr enquiry_resolve(struct dctx *c, struct enquiry_row *row, const char *action);
/* 1 when list (comma-separated) names only categories, each once at most; "" is fine. */
int enquiry_categories_valid(const char *list);
/* 1 when category is one of list's (comma-separated). */
int enquiry_category_listed(const char *list, const char *category);
/*
 * Keep the names the queue shows on each enquiry current: called by the
 * party module when a vendor's shop name or a customer's name changes.
 */
enum kerr enquiry_rename_shop(struct dctx *c, int64_t vendor_id, const char *shop_name);
enum kerr enquiry_rename_customer(struct dctx *c, int64_t customer_id, const char *name);
/* Customer-facing name of a stored status. */
const char *enquiry_status_for(enum view v, const char *status);

#endif
