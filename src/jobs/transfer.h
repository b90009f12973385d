/*
 * transfer.h - what the outboxes' senders (mailer.c, webhook.c) share about
 * a libcurl transfer: its limits, its stop, and how its failure counts.
 */
#ifndef KAPSULE_JOBS_TRANSFER_H
#define KAPSULE_JOBS_TRANSFER_H

#include <curl/curl.h>
#include <stdatomic.h>

/* A try's limit; a claim is extended by more than this before each try. */
#define TRANSFER_TIMEOUT_MS 30000

/*
 * Sets the options every try has on handle c: the connect and transfer
 * limits, no signals, the try stopped once *stop is set (NULL: never), and
 * errbuf (CURL_ERROR_SIZE bytes) for the reason of a failure.
 */
void transfer_setup(CURL *c, const atomic_int *stop, char *errbuf);
/* Undoes what the try's caller must not keep past it (the error buffer). */
void transfer_done(CURL *c);

/*
 * 1 when result rc on handle c means the other side was not reached at all
 * (no connection made), or the try was stopped: such a try does not count.
 * A timeout once connected is a refusal.
 */
int transfer_unreachable(CURL *c, CURLcode rc);

#endif
