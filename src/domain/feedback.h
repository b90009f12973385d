/*
 * feedback.h - the customer's rating of the help with an enquiry: once the
 * enquiry is resolved (or closed) its customer may rate it once, 1 to 5,
 * with a comment.  The customer and staff read it; vendors never do (it
 * rates the operator's help, not them).
 */
#ifndef KAPSULE_DOMAIN_FEEDBACK_H
#define KAPSULE_DOMAIN_FEEDBACK_H

#include "domain/domain.h"

#define FEEDBACK_MAX_COMMENT 2000

struct feedback {
	int64_t enquiry_id, score, created_at;
	const char *comment; /* "" when none */
};

/* Rates enquiry_id's help: its customer, once, when resolved or closed. */
enum kerr feedback_give(struct dctx *c, int64_t enquiry_id, int64_t score, const char *comment);
/* The rating of enquiry_id, if given (*found): its customer and staff. */
enum kerr feedback_get(struct dctx *c, int64_t enquiry_id, struct feedback *out, int *found);

#endif
