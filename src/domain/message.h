/*
 * message.h - the messages of an enquiry and who may read them.
 *
 * Every message has an audience:
 *   customer     written by the customer or an agent; the customer reads it
 *   internal     an agent's note; staff only
 *   to_vendor    an agent's request to the vendor (with a vendor request)
 *   from_vendor  the vendor's answer; staff only, never the customer
 * Customers read only customer messages of their own enquiries, and see an
 * agent as the operator's support team.  Vendors read the operator's
 * customer messages on their own orders, with the customer's contact
 * details removed (message_replies_for_order), and their own requests and
 * answers through the vendor request module.
 */
#ifndef KAPSULE_DOMAIN_MESSAGE_H
#define KAPSULE_DOMAIN_MESSAGE_H

#include "domain/attachment.h"
#include "domain/domain.h"
#include "domain/enquiry.h"

struct message {
	int64_t id, enquiry_id;
	int64_t author_id;	 /* staff view only; else 0 */
	const char *author_name; /* the operator's team name for agents outside staff view */
	const char *author_role; /* customer, agent, admin, vendor, or operator (non-staff view) */
	const char *audience;
	const char *body;
	int64_t vendor_request_id; /* staff view only */
	const char *findings;	   /* staff view of a vendor's text: screening's spans as JSON */
	int64_t created_at;
	int mine; /* written by the principal */
	struct attachment_ref *files;
	int nfiles;
};

#define MESSAGE_MAX_THREAD 1000

/*
 * Posts a message with files[0..nfiles) (photos, documents; none: NULL, 0):
 * customers to their own enquiries (audience customer); staff as a reply to
 * the customer (customer) or a note (internal).  When out is given it
 * receives the new message as the principal sees it, and *status the
 * enquiry's status after it.  body must outlive out.
 */
enum kerr message_post(struct dctx *c, int64_t enquiry_id, const char *audience, const char *body,
		       const struct upload *files, int nfiles, struct message *out,
		       const char **status);

/*
 * Stores a message on the enquiry in row and updates the enquiry (counts,
 * times, status).  For the enquiry and vendor request modules; they check
 * the principal's right first.
 */
enum kerr message_insert(struct dctx *c, struct enquiry_row *row, const char *audience,
			 const char *body, int64_t vendor_request_id, int64_t *id);

/*
 * Stores a reply to the customer written by the program itself (its user
 * "Automatic reply"; customers see the operator as its author, like any
 * agent's).  For the scheduler.
 */
enum kerr message_automatic_reply(struct dctx *c, struct enquiry_row *row, const char *body,
				  int64_t *id);

/* The messages of an enquiry the principal has read (enquiry_get), as it may see them. */
enum kerr message_thread(struct dctx *c, const struct enquiry *q, struct message **out, int *n);
/*
 * The vendor's answer message id with its files, as the answering vendor
 * and staff see it (the author named); *out stays NULL when there is none.
 * The caller has checked that the viewer may see the request.
 */
enum kerr message_answer(struct dctx *c, int64_t id, struct message **out);

/*
 * The operator's customer-facing replies on an order, for its vendor (with
 * customer contact details removed) and staff.
 */
enum kerr message_replies_for_order(struct dctx *c, int64_t order_id, struct message **out, int *n);

#endif
