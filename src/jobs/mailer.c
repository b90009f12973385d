/*
 * mailer.c - e-mail over SMTP with libcurl.  See mailer.h.
 */
#include "jobs/mailer.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "jobs/transfer.h"

struct mailer {
	const struct config *cfg;
	const atomic_int *stop;
	CURL *curl;
	char from[256]; /* the bare sender address */
};

/* The sender as configured: mail_from, or support_email. */
static const char *sender(const struct config *cfg)
{
	return cfg->mail_from[0] ? cfg->mail_from : cfg->support_email;
}

/* The display name of "Name <addr>" (quotes dropped), or operator_name. */
static void display_name(const struct config *cfg, char *out, size_t n)
{
	const char *s = sender(cfg), *lt = strrchr(s, '<');
	size_t len = lt ? (size_t)(lt - s) : 0;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '"'))
		len--;
	size_t start = 0;
	while (start < len && (s[start] == ' ' || s[start] == '"'))
		start++;
	if (len > start)
		snprintf(out, n, "%.*s", (int)(len - start), s + start);
	else
		snprintf(out, n, "%s", cfg->operator_name);
}

/* The bare address inside "Name <addr>", or the whole text. */
static void bare_address(const char *s, char *out, size_t n)
{
	const char *lt = strrchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(out, n, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, n, "%s", s);
}

struct mailer *mailer_open(const struct config *cfg, const atomic_int *stop)
{
	if (!cfg->smtp_url[0])
		return NULL;
	CURL *curl = curl_easy_init();
	if (!curl)
		return NULL;
	struct mailer *m = xcalloc(1, sizeof(*m));
	m->cfg = cfg;
	m->stop = stop;
	m->curl = curl;
	bare_address(sender(cfg), m->from, sizeof(m->from));
	return m;
}

void mailer_close(struct mailer *m)
{
	if (!m)
		return;
	curl_easy_cleanup(m->curl);
	free(m);
}

/* 1 when every byte is printable ASCII. */
static int plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * Appends a header's text: as it is when plain ASCII (in quotes, with
 * quoted set: a display name), else as RFC 2047 base64 words.
 */
static void header_text(struct buf *b, const char *s, int quoted)
{
	if (plain_ascii(s) && !quoted) {
		buf_append_str(b, s);
		return;
	}
	if (plain_ascii(s)) {
		buf_append_char(b, '"');
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_append_char(b, '\\');
			buf_append_char(b, *s);
		}
		buf_append_char(b, '"');
		return;
	}
	/* Encoded words of at most 39 bytes each (52 base64 characters: 64 with their
	 * markers, within the 76 of RFC 2047), split between UTF-8 characters, joined by
	 * folding white space. */
	size_t n = strlen(s), at = 0;
	while (at < n) {
		size_t len = n - at > 39 ? 39 : n - at;
		while (at + len < n && ((unsigned char)s[at + len] & 0xc0) == 0x80)
			len--;
		char enc[64];
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)s + at, len,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", enc);
		at += len;
	}
}

char *mailer_format(const struct config *cfg, int64_t id, int64_t now_ms, const char *to,
		    const char *subject, const char *text)
{
	struct buf b;
	buf_init(&b, 0);
	char date[64], from[256], name[128];
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	bare_address(sender(cfg), from, sizeof(from));
	display_name(cfg, name, sizeof(name));
	buf_printf(&b, "Date: %s\r\nFrom: ", date);
	header_text(&b, name, 1);
	buf_printf(&b, " <%s>\r\nTo: <%s>\r\nSubject: ", from, to);
	header_text(&b, subject, 0);
	buf_printf(&b,
		   "\r\nMessage-ID: <mail-%lld@%s>\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: text/plain; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n",
		   (long long)id, cfg->operator_domain);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			buf_append_char(&b, '\r');
		if (*p != '\r')
			buf_append_char(&b, *p);
	}
	return buf_steal(&b);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* 1 when addr is one plain address: no spaces, controls or angle brackets, one @. */
static int plain_address(const char *addr)
{
	const char *at = strchr(addr, '@');
	if (!at || at == addr || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const char *p = addr; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == '<' || *p == '>' || *p == 0x7f)
			return 0;
	return 1;
}

enum outbox_outcome mailer_send(struct mailer *m, int64_t id, const char *to, const char *subject,
				const char *text, char *err, size_t errlen)
{
	if (!plain_address(to)) {
		snprintf(err, errlen, "not a usable address");
		return OUTBOX_REJECTED;
	}
	char *msg = mailer_format(m->cfg, id, clock_now_ms(), to, subject, text);
	struct upload u = {msg, strlen(msg)};
	char rcpt_addr[300], from[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	snprintf(from, sizeof(from), "<%s>", m->from);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
	CURL *c = m->curl;
	/* Credentials never go in clear: with a user in the URL, TLS is required. */
	const char *url = m->cfg->smtp_url;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.left);
	curl_easy_setopt(c, CURLOPT_USE_SSL,
			 (long)(strchr(url, '@') ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	transfer_setup(c, m->stop, errbuf);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	transfer_done(c);
	curl_slist_free_all(rcpt);
	free(msg);
	if (rc == CURLE_OK)
		return OUTBOX_SENT;
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	if (code)
		snprintf(err, errlen, "the relay answered %ld (%s)", code, why);
	else
		snprintf(err, errlen, "%s", why);
	return code >= 500 && code < 600     ? OUTBOX_REJECTED
	       : transfer_unreachable(c, rc) ? OUTBOX_UNREACHABLE
					     : OUTBOX_REFUSED;
}
