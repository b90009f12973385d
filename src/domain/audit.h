/*
 * audit.h - the append-only audit log.
 *
 * Every change of state appends one event in the same transaction as the
 * change: who (actor and role), what (action), on what (object type and
 * id), when, and a JSON summary of before and after.  Events form a hash
 * chain: each event's hash covers its fields and the previous event's hash,
 * so editing or deleting any event breaks the chain at that point, which
 * audit_verify() reports.
 */
#ifndef KAPSULE_DOMAIN_AUDIT_H
#define KAPSULE_DOMAIN_AUDIT_H

#include <jansson.h>

#include "domain/domain.h"

/*
 * Appends an event for the acting principal.  summary is a JSON object and
 * is consumed (its reference is taken), NULL meaning {}.
 */
enum kerr audit_append(struct dctx *c, const char *action, const char *object_type,
		       int64_t object_id, json_t *summary);

struct audit_event {
	int64_t id, at, actor_id, object_id;
	const char *actor_role, *action, *object_type, *summary, *hash;
};

/*
 * Lists events with id > after (oldest first), at most limit, optionally of
 * one object.  Admins only.  *out and *n are allocated in the arena.
 */
enum kerr audit_list(struct dctx *c, const char *object_type, int64_t object_id, int64_t after,
		     int limit, struct audit_event **out, int *n);

/*
 * Walks the whole chain in a read transaction of its own.  Returns KERR_OK
 * with the number of events in *count when it is intact; KERR_CONFLICT with
 * the first bad event's id in *bad_id when not; another code when the log
 * cannot be read.
 */
enum kerr audit_verify(struct db_pool *pool, int64_t *count, int64_t *bad_id);

#endif
