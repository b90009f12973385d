/*
 * refund.h - refunds: money the operator gives back to a customer.
 *
 * The automatic refund is the consequence of a vendor request that lapsed
 * unanswered (vreq.c decides when; this module whether and how): when the
 * enquiry's category is one of refund_categories, the order's amount is at
 * most refund_limit and the order was not refunded before, the order is
 * refunded in full, charged to the vendor, the customer gets the reply
 * refund_reply and a notification, and the enquiry is resolved.
 *
 * Refunds are read by staff and the marketplace's back end (which pays
 * them out); a vendor reads those on its orders.
 */
#ifndef KAPSULE_DOMAIN_REFUND_H
#define KAPSULE_DOMAIN_REFUND_H

#include "domain/domain.h"
#include "domain/enquiry.h"

struct refund {
	int64_t id, enquiry_id, order_id, vendor_id, vendor_request_id;
	const char *order_number, *kind, *currency, *charged_to, *reason;
	int64_t amount, created_at;
};

/* What the refund policy looks at: the enquiry's category, its order's amount and refunds. */
struct refund_facts {
	const char *category, *currency;
	int64_t amount, refunds; /* refunds: the order's so far */
	int eligible;		 /* the policy refunds it automatically */
};
/* Reads the facts of enquiry *row and whether the policy refunds it automatically. */
enum kerr refund_eligible(struct dctx *c, const struct enquiry_row *row, struct refund_facts *f);
/*
 * Refunds the order of enquiry *row (active, waiting on no vendor request;
 * f from refund_eligible in the same transaction) because vendor request
 * vreq_id lapsed: the refund, the customer's reply and notification, the
 * enquiry resolved.  For the scheduler.
 */
enum kerr refund_automatic(struct dctx *c, struct enquiry_row *row, const struct refund_facts *f,
			   int64_t vreq_id);

/* Refunds with ids above after, oldest first (a vendor: its own). */
enum kerr refund_list(struct dctx *c, int64_t after, int limit, struct refund **out, int *n);

/* An amount in a currency's minor units as text: "15.00 GBP". */
const char *refund_amount_text(struct arena *a, int64_t amount, const char *currency);

#endif
