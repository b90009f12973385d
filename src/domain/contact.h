/*
 * contact.h - keeping contact details where they belong (DESIGN.md G2-G4).
 *
 * The screening engine (src/screen) finds contact details and invitations
 * to talk elsewhere; this module applies it where text crosses a boundary:
 *   - an agent's text to a vendor: the customer's details are removed for
 *     the vendor, and the agent is told what (contact_removed_for_vendor);
 *   - a vendor's text: stored as written with its findings, a violation
 *     opened for an agent to confirm or dismiss, and the vendor warned
 *     (contact_vendor_text);
 *   - a reply the customer will read: refused when it carries the vendor's
 *     registered details or any detail found in the enquiry's vendor text
 *     (contact_check_reply), whoever writes it.  Details are compared by
 *     value (screen_value) over every finding on its own and every run of
 *     digits, so a number inside a link or a handle inside an address counts.
 * Confirmed violations are kept with their evidence for the vendor's rating
 * and penalties.
 */
#ifndef KAPSULE_DOMAIN_CONTACT_H
#define KAPSULE_DOMAIN_CONTACT_H

#include "domain/domain.h"
#include "domain/enquiry.h"

/* One finding in a text, for the API. */
struct contact_finding {
	const char *kind;    /* phone, email, url, handle, solicitation */
	int64_t start, end;  /* bytes of the text, end exclusive */
	const char *excerpt; /* the bytes found */
	const char *why;     /* why it may not be sent */
};

struct violation {
	int64_t id, vendor_id, enquiry_id, message_id;
	const char *shop_name;
	const char *kinds;    /* comma-separated kinds found */
	const char *evidence; /* JSON [{"kind","start","end","excerpt"}] into the message */
	const char *state;    /* open, confirmed, dismissed */
	const char *reason;   /* the agent's, once decided */
	int64_t created_at, decided_at, decided_by;
};

extern const char *const violation_states[];

/*
 * What the vendor will not see of an agent's text on the enquiry in row:
 * the findings removed, and the text as the vendor sees it.
 */
enum kerr contact_removed_for_vendor(struct dctx *c, const struct enquiry_row *row,
				     const char *text, struct contact_finding **out, int *n,
				     const char **vendor_sees);

/*
 * Screens the vendor's message just stored (message_id, text): stores its
 * findings with it and, when any is not allowed, opens a violation
 * (*violation_id, else 0).  *out lists what is not allowed, for the vendor.
 */
enum kerr contact_vendor_text(struct dctx *c, const struct enquiry_row *row, int64_t message_id,
			      const char *text, struct contact_finding **out, int *n,
			      int64_t *violation_id);

/*
 * KERR_CONTACT_DETAILS, with the offending spans in c->e, when body (a
 * reply the customer will read) carries the vendor's registered contact
 * details or any contact detail found in the enquiry's vendor text.
 */
enum kerr contact_check_reply(struct dctx *c, const struct enquiry_row *row, const char *body);

/* Violations, newest first, by state ("" for all) and vendor (0 for all); after: an id cursor. */
enum kerr violation_list(struct dctx *c, const char *state, int64_t vendor_id, int64_t after,
			 int limit, struct violation **out, int *n);
enum kerr violation_get(struct dctx *c, int64_t id, struct violation *out);

/* An agent confirms ("confirm") or dismisses ("dismiss") an open violation, with a reason. */
enum kerr violation_decide(struct dctx *c, int64_t id, const char *decision, const char *reason);

#endif
