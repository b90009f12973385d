/*
 * rating.h - a vendor's rating: how well it answers the operator, over a
 * rolling window (rating_window_days), worked out from its record when
 * read.  docs/rating.md gives the formula with worked examples.
 *
 * A daily snapshot (rating_snapshot(), run by the scheduler) keeps its
 * history, so that a change can be explained later.
 */
#ifndef KAPSULE_DOMAIN_RATING_H
#define KAPSULE_DOMAIN_RATING_H

#include "domain/domain.h"

struct rating_day {
	int64_t day; /* days since the epoch (UTC) */
	int64_t score, requests, on_time, lapses, refunds, violations, median_ms, p90_ms;
	int answered; /* 0: no answers that day, no response times */
};

struct rating {
	int64_t vendor_id, window_days, score;
	int64_t requests; /* settled or overdue requests made in the window */
	int64_t on_time, late, lapses, refunds, violations;
	int64_t answered;	   /* of them with an answer: the response times' count */
	int64_t median_ms, p90_ms; /* response times; 0 when there are none */
	int64_t pending;	   /* open or overdue requests now, at any age */
	const char **advice;	   /* what would raise it */
	int nadvice;
	struct rating_day *history; /* newest first, at most window_days of them */
	int nhistory;
};

/* The rating of vendor_id now: staff and the marketplace's back end; a vendor its own. */
enum kerr rating_get(struct dctx *c, int64_t vendor_id, struct rating *out);
/* Today's snapshot for up to 50 vendors that have none yet; *made how many.  Scheduler. */
enum kerr rating_snapshot(struct dctx *c, int *made);

#endif
