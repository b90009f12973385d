/*
 * notify.h - notifications: what people are told in their portal, and by
 * e-mail through the outbox.
 *
 * A notification is written in the same transaction as the change it
 * tells of, so that it exists exactly when the change does.  When a mail
 * relay is configured (smtp_url) each one also gets a row in the mail
 * outbox (outbox.h), which the scheduler sends, trying again with back-off
 * when the relay refuses.
 *
 * The texts name only what their reader may know: vendors get the order
 * number and the request, never the customer; customers get the operator's
 * words, never the vendor's; e-mail carries a link rather than a message's
 * text.
 */
#ifndef KAPSULE_DOMAIN_NOTIFY_H
#define KAPSULE_DOMAIN_NOTIFY_H

#include "domain/domain.h"

/* What to tell. */
struct notice {
	const char *kind;	 /* "vendor_request.new", "refund", ... */
	const char *subject;	 /* one line */
	const char *body;	 /* a few plain sentences */
	const char *link;	 /* path in the portal, "/vendor/requests/7" */
	const char *object_type; /* what it is about */
	int64_t object_id;
};

/* Tells one user. */
enum kerr notify_user(struct dctx *c, int64_t user_id, const struct notice *n);
/* Tells every enabled user of a vendor. */
enum kerr notify_vendor(struct dctx *c, int64_t vendor_id, const struct notice *n);
/* Tells a customer (the user of customer record customer_id). */
enum kerr notify_customer(struct dctx *c, int64_t customer_id, const struct notice *n);

/* A notification as its user reads it. */
struct notification {
	int64_t id;
	const char *kind, *subject, *body, *link, *object_type;
	int64_t object_id;
	int64_t created_at, read_at; /* read_at 0 when unread */
};

/*
 * The principal's own notifications, newest first, with ids below before
 * (0: from the newest); only unread ones with unread_only.  *unread gets
 * how many are unread in all.
 */
enum kerr notify_list(struct dctx *c, int64_t before, int unread_only, int limit,
		      struct notification **out, int *n, int64_t *unread);
/* Marks one of the principal's notifications read (again is fine). */
enum kerr notify_read(struct dctx *c, int64_t id, struct notification *out);
/* Marks the principal's notifications up to id up_to read; *count how many were unread. */
enum kerr notify_read_all(struct dctx *c, int64_t up_to, int64_t *count);

/* ---- the mail outbox (outbox.h; system only) ---- */

/* An e-mail ready to send. */
struct mail {
	int64_t id;
	const char *to;
	const char *subject;
	const char *text; /* the whole plain-text body */
	int pending;	  /* 0 when it was sent or given up on meanwhile */
};

/* Loads mail_outbox row id as the e-mail to send. */
enum kerr mail_load(struct dctx *c, int64_t id, struct mail *out);

#endif
