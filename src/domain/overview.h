/*
 * overview.h - the admins' overview of the last OVERVIEW_DAYS days, day by
 * day: enquiries opened, the vendor's clock run out (requests overdue and
 * lapsed), automatic refunds and their cost; the operator's own clock
 * (replies late now, late replies given); vendors by their latest rating;
 * and the customers' rating of the help.
 */
#ifndef KAPSULE_DOMAIN_OVERVIEW_H
#define KAPSULE_DOMAIN_OVERVIEW_H

#include "domain/domain.h"

#define OVERVIEW_DAYS	  30
#define OVERVIEW_CURRENCY 4 /* refund costs are kept for this many currencies */
#define OVERVIEW_VENDORS  10

struct overview {
	int64_t first_day; /* days since the epoch (UTC) of day[0]; the last is today */
	int64_t opened[OVERVIEW_DAYS], overdue[OVERVIEW_DAYS], lapsed[OVERVIEW_DAYS];
	int64_t refunds[OVERVIEW_DAYS]; /* automatic refunds made each day */
	struct {
		char currency[8];
		int64_t amount; /* minor units, the window's automatic refunds */
	} cost[OVERVIEW_CURRENCY];
	int ncost;
	int64_t replies_late_now; /* active enquiries whose reply is overdue now */
	int64_t late_replies;	  /* replies given late, on enquiries opened in the window */
	int64_t bands[4];	  /* vendors by latest rating: below 50, 50-69, 70-89, 90+ */
	struct {
		int64_t vendor_id, score;
		const char *shop_name;
	} lowest[OVERVIEW_VENDORS]; /* the lowest rated, lowest first */
	int nlowest;
	int64_t feedback_count, feedback_sum; /* the customers' ratings in the window */
};

/* The overview as of now.  Admins. */
enum kerr overview_get(struct dctx *c, struct overview *out);

#endif
