/*
 * appeal.h - a vendor's appeal against a mark on its record, and the
 * operator's decision.
 *
 * A vendor appeals, with text and files, one of its own:
 *   - vendor requests marked late (overdue, or answered late): kind "late";
 *   - vendor requests that lapsed: kind "lapse";
 *   - automatic refunds charged to it: kind "refund";
 *   - confirmed violations: kind "violation".
 * One appeal per mark.  Its text and files are a message from the vendor
 * on the enquiry concerned, for staff (customers never see it).  An agent
 * upholds the mark or reverses it, with a reason.  A reversal undoes the
 * mark's effect: a late mark or lapse no longer counts against the rating
 * and its points are taken back; a refund's charge moves to the operator;
 * a violation no longer counts and its points are taken back.  Every
 * decision is in the audit log and told to the vendor.
 */
#ifndef KAPSULE_DOMAIN_APPEAL_H
#define KAPSULE_DOMAIN_APPEAL_H

#include "domain/attachment.h"
#include "domain/domain.h"

struct appeal {
	int64_t id, vendor_id, subject_id, enquiry_id, message_id;
	const char *kind, *subject_type, *state, *text, *reason;
	int64_t created_at, decided_at, created_by, decided_by;
	struct attachment_ref *files;
	int nfiles;
};

extern const char *const appeal_states[];

/* The vendor appeals the mark on subject ("vendor_request", "refund", "violation") subject_id. */
enum kerr appeal_create(struct dctx *c, const char *subject_type, int64_t subject_id,
			const char *text, const struct upload *files, int nfiles, int64_t *id);
/* Staff decide an open appeal: decision "uphold" or "reverse", with a reason. */
enum kerr appeal_decide(struct dctx *c, int64_t id, const char *decision, const char *reason);
/* One appeal: staff, or its vendor. */
enum kerr appeal_get(struct dctx *c, int64_t id, struct appeal *out);
/* Appeals with ids below before (0: from the newest), in state (NULL: any); a vendor its own. */
enum kerr appeal_list(struct dctx *c, const char *state, int64_t before, int limit,
		      struct appeal **out, int *n);

#endif
