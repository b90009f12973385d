/*
 * webhook.c - signed webhooks with libcurl.  See webhook.h.
 */
#include "jobs/webhook.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "jobs/transfer.h"

struct hooker {
	const struct config *cfg;
	const atomic_int *stop;
	CURL *curl;
};

struct hooker *webhook_open(const struct config *cfg, const atomic_int *stop)
{
	if (!cfg->webhook_url[0])
		return NULL;
	CURL *curl = curl_easy_init();
	if (!curl)
		return NULL;
	struct hooker *h = xcalloc(1, sizeof(*h));
	h->cfg = cfg;
	h->stop = stop;
	h->curl = curl;
	return h;
}

void webhook_close(struct hooker *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void webhook_signature(const char *secret, int64_t ts, const char *body, char out[72])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char prefix[32];
	int n = snprintf(prefix, sizeof(prefix), "%lld.", (long long)ts);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (size_t)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, 72, "sha256=%s", hex);
}

/* Drops the endpoint's answer: only its status matters. */
static size_t discard(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

enum outbox_outcome webhook_send(struct hooker *h, int64_t id, const char *event, const char *body,
				 char *err, size_t errlen)
{
	int64_t ts = clock_now_ms() / 1000;
	char sig[72], line[4][160], errbuf[CURL_ERROR_SIZE] = "";
	webhook_signature(h->cfg->webhook_secret, ts, body, sig);
	snprintf(line[0], sizeof(line[0]), "X-Kapsule-Event: %s", event);
	snprintf(line[1], sizeof(line[1]), "X-Kapsule-Delivery: %lld", (long long)id);
	snprintf(line[2], sizeof(line[2]), "X-Kapsule-Timestamp: %lld", (long long)ts);
	snprintf(line[3], sizeof(line[3]), "X-Kapsule-Signature: %s", sig);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	for (int i = 0; i < 4; i++)
		hdr = curl_slist_append(hdr, line[i]);
	CURL *c = h->curl;
	curl_easy_setopt(c, CURLOPT_URL, h->cfg->webhook_url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);

	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	transfer_setup(c, h->stop, errbuf);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	transfer_done(c);
	curl_slist_free_all(hdr);
	if (rc == CURLE_OK && status >= 200 && status < 300)
		return OUTBOX_SENT;
	if (rc == CURLE_OK)
		snprintf(err, errlen, "the endpoint answered %ld", status);
	else
		snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return rc != CURLE_OK && transfer_unreachable(c, rc) ? OUTBOX_UNREACHABLE : OUTBOX_REFUSED;
}
