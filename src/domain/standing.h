/*
 * standing.h - a vendor's penalty points and standing, and the webhook
 * that tells the marketplace of changes.
 *
 * Points come from causes, each counted once: a vendor request that lapsed
 * unanswered (points_lapse) and a confirmed violation (points_violation).
 * They count for points_days, unless an appeal reverses their cause.  The
 * sum of a vendor's counting points sets its standing:
 *
 *   good  < standing_warning <= warning < standing_restricted <= restricted
 *         < standing_suspended <= suspended
 *
 * A change of standing is stored, recorded with its cause, told to the
 * vendor's users and, with webhook_url set, queued in the webhook outbox
 * (outbox.h) as the event "vendor.standing".  What a standing means for
 * selling is the marketplace's to decide; this program announces it.
 */
#ifndef KAPSULE_DOMAIN_STANDING_H
#define KAPSULE_DOMAIN_STANDING_H

#include "domain/domain.h"

/* Adds points against vendor_id for a cause (source_type, source_id), once; then the standing. */
enum kerr standing_add_points(struct dctx *c, int64_t vendor_id, const char *source_type,
			      int64_t source_id, int64_t points, const char *reason);
/* Reverses the points of a cause (none is fine); then the standing. */
enum kerr standing_reverse_points(struct dctx *c, const char *source_type, int64_t source_id,
				  const char *cause);
/* Takes points that expired since the last run into their vendors' standing.  Scheduler. */
enum kerr standing_expire(struct dctx *c, int *changed);

struct vendor_point {
	int64_t id, points, created_at, expires_at, reversed_at;
	const char *source_type, *reason;
	int64_t source_id;
};

struct standing_change {
	const char *from, *to, *cause;
	int64_t points, created_at;
};

struct standing {
	int64_t vendor_id;
	const char *ref, *shop_name, *standing;
	int64_t points;				/* counting now */
	int64_t warning, restricted, suspended; /* the thresholds */
	struct vendor_point *list;		/* points of the last points_days, newest first */
	int n;
	struct standing_change *changes; /* newest first, at most 50 */
	int nchanges;
};

/* A vendor's standing: staff and the marketplace's back end; a vendor its own. */
enum kerr standing_get(struct dctx *c, int64_t vendor_id, struct standing *out);

/* A webhook ready to send (outbox.h, OUTBOX_WEBHOOK). */
struct webhook {
	int64_t id;
	const char *event, *body;
	int pending; /* 0 when it was sent or given up on meanwhile */
};
enum kerr webhook_load(struct dctx *c, int64_t id, struct webhook *out);

/* 1 when the principal may read vendor_id's record (staff, integration, its own users). */
int standing_may_read(const struct dctx *c, int64_t vendor_id);

#endif
