/*
 * webhook.h - announcing events to the marketplace's endpoint
 * (webhook_url): a JSON POST signed with HMAC-SHA256 under webhook_secret.
 *
 * Headers: X-Kapsule-Event (the event's name), X-Kapsule-Delivery (the
 * outbox row's id: the same on a retry, so the receiver can drop
 * repeats), X-Kapsule-Timestamp (Unix seconds) and X-Kapsule-Signature:
 * "sha256=" and the hex HMAC of "<timestamp>.<body>".
 */
#ifndef KAPSULE_JOBS_WEBHOOK_H
#define KAPSULE_JOBS_WEBHOOK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/outbox.h"

struct hooker;

/* A sender for cfg's endpoint; NULL when none is configured.  A try stops when *stop is set. */
struct hooker *webhook_open(const struct config *cfg, const atomic_int *stop);
void webhook_close(struct hooker *h);

/*
 * POSTs body as event, delivery id: sent when the endpoint answered 2xx,
 * unreachable when it was not reached at all, refused otherwise (the
 * reason in err).
 */
enum outbox_outcome webhook_send(struct hooker *h, int64_t id, const char *event, const char *body,
				 char *err, size_t errlen);

/* The signature header's value for body sent at unix time ts, into out (72 bytes). */
void webhook_signature(const char *secret, int64_t ts, const char *body, char out[72]);

#endif
