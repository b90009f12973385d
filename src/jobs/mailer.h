/*
 * mailer.h - sending e-mail to the configured relay (smtp_url) over SMTP,
 * with libcurl.  One mailer holds one connection, reused for the messages
 * of one scheduler run.
 */
#ifndef KAPSULE_JOBS_MAILER_H
#define KAPSULE_JOBS_MAILER_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"

struct mailer;

/* A mailer for cfg's relay; NULL when none is configured. */
struct mailer *mailer_open(const struct config *cfg);
void mailer_close(struct mailer *m);

/*
 * Sends one plain-text message (UTF-8; lines end in \n) to one address.
 * id makes its Message-ID unique.  Returns 0 when the relay took it; else -1
 * with the reason in err, and *connection set when the relay could not be
 * reached at all (the rest of a run had better wait).
 */
int mailer_send(struct mailer *m, int64_t id, const char *to, const char *subject, const char *text,
		char *err, size_t errlen, int *connection);

/* The message as sent (headers and body, CRLF line ends), for tests; the caller frees it. */
char *mailer_format(const struct config *cfg, int64_t id, int64_t now_ms, const char *to,
		    const char *subject, const char *text);

#endif
