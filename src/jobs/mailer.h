/*
 * mailer.h - sending e-mail to the configured relay (smtp_url) over SMTP,
 * with libcurl.  One mailer holds one connection, reused for the messages
 * of one scheduler run.
 */
#ifndef KAPSULE_JOBS_MAILER_H
#define KAPSULE_JOBS_MAILER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "domain/outbox.h"

struct mailer;

/* A mailer for cfg's relay; NULL when none is configured.  A try stops when *stop is set. */
struct mailer *mailer_open(const struct config *cfg, const atomic_int *stop);
void mailer_close(struct mailer *m);

/*
 * Sends one plain-text message (UTF-8; lines end in \n) to one address.
 * id makes its Message-ID (the same on every try).  How it went, with the
 * reason in err unless sent: a 5xx reply is a rejection, a relay not
 * reached at all is unreachable, anything else a refusal.
 */
enum outbox_outcome mailer_send(struct mailer *m, int64_t id, const char *to, const char *subject,
				const char *text, char *err, size_t errlen);

/* The message as sent (headers and body, CRLF line ends), for tests; the caller frees it. */
char *mailer_format(const struct config *cfg, int64_t id, int64_t now_ms, const char *to,
		    const char *subject, const char *text);

#endif
