/*
 * idem.h - idempotency keys: a client that retries a write with the same
 * Idempotency-Key gets the first answer again instead of a second change.
 *
 * Keys belong to a user.  The stored answer is written in the same
 * transaction as the change it describes, so either both exist or neither.
 * A key reused with a different request (method, path or body) is refused.
 * Keys are kept for IDEM_KEEP_MS, then purged.
 */
#ifndef KAPSULE_DOMAIN_IDEM_H
#define KAPSULE_DOMAIN_IDEM_H

#include "domain/domain.h"

#define IDEM_KEEP_MS (24LL * 3600 * 1000)
#define IDEM_MAX_KEY 200

struct idem_hit {
	int found;	  /* a stored answer exists for this key */
	int status;	  /* its HTTP status */
	const char *body; /* its body, in the arena */
};

/* Looks the key up for the principal; KERR_IDEM_MISMATCH if it was used for another request. */
enum kerr idem_lookup(struct dctx *c, const char *key, const char *request_hash,
		      struct idem_hit *hit);
/* Stores the answer to the request under the key. */
enum kerr idem_store(struct dctx *c, const char *key, const char *request_hash, int status,
		     const char *body);
/* Deletes keys older than IDEM_KEEP_MS (the system); *n gets the count. */
enum kerr idem_purge(struct dctx *c, int64_t *n);

#endif
