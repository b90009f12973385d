/*
 * crypto.c - thin wrappers over libsodium.
 */
#include "base/crypto.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

/*
 * Password hashing takes password_mem_kib of memory at a time: at most
 * PW_AT_ONCE run together, so a burst of sign-ins cannot take the
 * machine's memory (the others wait their turn).
 */
#define PW_AT_ONCE 2
static pthread_mutex_t pw_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cv = PTHREAD_COND_INITIALIZER;
static int pw_running;

static void pw_enter(void)
{
	pthread_mutex_lock(&pw_mu);
	while (pw_running >= PW_AT_ONCE)
		pthread_cond_wait(&pw_cv, &pw_mu);
	pw_running++;
	pthread_mutex_unlock(&pw_mu);
}

static void pw_leave(void)
{
	pthread_mutex_lock(&pw_mu);
	pw_running--;
	pthread_cond_signal(&pw_cv);
	pthread_mutex_unlock(&pw_mu);
}

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
	pw_enter();
	int rc =
	    crypto_pwhash_str_alg(out, password, n, pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13);
	pw_leave();
	return rc ? KERR_INTERNAL : KERR_OK;
}

int crypto_pw_verify(const char *hash, const char *password, size_t n)
{
	pw_enter();
	int ok = crypto_pwhash_str_verify(hash, password, n) == 0;
	pw_leave();
	return ok;
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
	pw_enter();
	volatile int r = crypto_pwhash_str_verify(dummy_hash, password, n);
	(void)r;
	pw_leave();
}
