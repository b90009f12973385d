/*
 * crypto.c - thin wrappers over libsodium.
 */
#include "base/crypto.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

int crypto_setup(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypto_token(char out[TOKEN_TEXT_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void crypto_sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, SHA256_HEX_LEN + 1, h, sizeof(h));
}

int crypto_str_eq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na != nb)
		return 0;
	return sodium_memcmp(a, b, na) == 0;
}

void crypto_set_pw_cost(unsigned long long ops, size_t mem_bytes)
{
	pw_ops = ops;
	pw_mem = mem_bytes;
}

enum kerr crypto_pw_hash(const char *password, size_t n, char out[128])
{
	_Static_assert(crypto_pwhash_STRBYTES <= 128, "hash buffer too small");
	if (crypto_pwhash_str_alg(out, password, n, pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13))
		return KERR_INTERNAL;
	return KERR_OK;
}

int crypto_pw_verify(const char *hash, const char *password, size_t n)
{
	return crypto_pwhash_str_verify(hash, password, n) == 0;
}

static void make_dummy(void)
{
	if (crypto_pwhash_str_alg(dummy_hash, "dummy password", 14, pw_ops, pw_mem,
				  crypto_pwhash_ALG_ARGON2ID13))
		dummy_hash[0] = '\0'; /* verifying against "" fails fast: no worse than before */
}

void crypto_pw_dummy_verify(const char *password, size_t n)
{
	pthread_once(&dummy_once, make_dummy);
	volatile int r = crypto_pwhash_str_verify(dummy_hash, password, n);
	(void)r;
}
