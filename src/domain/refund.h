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

/* An agent's refund on an enquiry's order: part or all of what is not refunded yet. */
struct refund_in {
	int64_t amount;		/* minor units, 1 up to what is left to refund */
	const char *charged_to; /* "vendor" or "operator" (a goodwill refund) */
	const char *reason;	/* 1..500 characters, kept with the refund */
};
/*
 * Refunds the order of enquiry_id (not closed) as an agent decided: the
 * refund (into *out), the audit event and the customer told.  Staff.  Refunds charged
 * to the vendor are the marketplace's to recover; the vendor's rating counts
 * automatic refunds only.
 */
enum kerr refund_by_agent(struct dctx *c, int64_t enquiry_id, const struct refund_in *in,
			  struct refund *out);
/* What of order_id's amount is not refunded yet, and its currency. */
enum kerr refund_left(struct dctx *c, int64_t order_id, int64_t *left, const char **currency);
/* An amount typed in a currency's major units ("12.5", "12.50", "12") into minor units:
 * 0, or -1 when it is not such an amount. */
int refund_parse_amount(const char *text, const char *currency, int64_t *out);

/* Refunds with ids above after, oldest first (a vendor: its own, with the reason of
 * automatic ones only: an agent's reason is its own words, unscreened). */
enum kerr refund_list(struct dctx *c, int64_t after, int limit, struct refund **out, int *n);

/* An amount in a currency's minor units as text: "15.00 GBP". */
const char *refund_amount_text(struct arena *a, int64_t amount, const char *currency);

#endif
