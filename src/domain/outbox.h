/*
 * outbox.h - what leaves the program for other systems (e-mail to the
 * relay, webhooks to the marketplace), written in the transaction of the
 * change it tells of and sent afterwards by the scheduler.
 *
 * Rows are claimed (db_claim with outbox_sql_claim[]), each by one
 * scheduler, taken over one at a time for a try (outbox_renew(), so that a
 * slow try never outlives its claim), sent outside any transaction, and
 * their result recorded with outbox_result(): sent; refused and tried
 * again after 1, 2, 4 ... 32 minutes and then hourly, until
 * OUTBOX_MAX_ATTEMPTS tries have failed; rejected for good; or, when the
 * other side could not be reached at all, tried again a minute later
 * without the try counting.  Sending is at least once: a scheduler stopped
 * between the other side's acceptance and the record sends the row again
 * once its claim lapses.
 */
#ifndef KAPSULE_DOMAIN_OUTBOX_H
#define KAPSULE_DOMAIN_OUTBOX_H

#include "domain/domain.h"

enum outbox {
	OUTBOX_MAIL,	/* mail_outbox: notifications by e-mail (notify.h) */
	OUTBOX_WEBHOOK, /* webhook_outbox: announcements to the marketplace (standing.h) */
};

#define OUTBOX_MAX_ATTEMPTS 8

/* db_claim SQL for each outbox: $1 claimed until, $2 now, $3 at most this many. */
extern const char *const outbox_sql_claim[2];

/* How a try went. */
enum outbox_outcome {
	OUTBOX_SENT,	    /* the other side took it */
	OUTBOX_REFUSED,	    /* refused for now: tried again after a back-off */
	OUTBOX_REJECTED,    /* refused for good (an SMTP 5xx): given up at once */
	OUTBOX_UNREACHABLE, /* not reached at all: tried again in a minute, the try not counted */
};

/*
 * Takes over row id for one try: its claim (claimed until `held`, as this
 * scheduler claimed it) is extended to until.  0 in *ok when the row is no
 * longer this scheduler's (its claim lapsed and another took it) or no
 * longer pending: then it must not be sent.  The system principal only.
 */
enum kerr outbox_renew(struct dctx *c, enum outbox o, int64_t id, int64_t held, int64_t until,
		       int *ok);
/* Lets go of claimed rows this scheduler did not try (claimed until held), for others. */
enum kerr outbox_release(struct dctx *c, enum outbox o, const int64_t *ids, int n, int64_t held);
/*
 * Records a try of row id (*failed set when it was given up on).  A row
 * another scheduler settled meanwhile is left alone.  The system principal
 * only.
 */
enum kerr outbox_result(struct dctx *c, enum outbox o, int64_t id, enum outbox_outcome how,
			const char *error, int *failed);

#endif
