/*
 * transfer.c - a libcurl transfer's shared settings.  See transfer.h.
 */
#include "jobs/transfer.h"

/* Aborts the transfer once the server stops. */
static int stop_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		   curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return arg && atomic_load((const atomic_int *)arg);
}

void transfer_setup(CURL *c, const atomic_int *stop, char *errbuf)
{
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(TRANSFER_TIMEOUT_MS / 1000));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, stop_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)stop);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
}

void transfer_done(CURL *c)
{
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
}

int transfer_unreachable(CURL *c, CURLcode rc)
{
	curl_off_t connected = 0;
	if (rc == CURLE_OPERATION_TIMEDOUT &&
	    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected) == CURLE_OK)
		return connected == 0;
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	       rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_ABORTED_BY_CALLBACK;
}
