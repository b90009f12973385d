/*
 * crypto.h - the few cryptographic operations the program needs, all from
 * libsodium: random tokens, SHA-256, argon2id password hashes and a
 * constant-time comparison.
 */
#ifndef KAPSULE_BASE_CRYPTO_H
#define KAPSULE_BASE_CRYPTO_H

#include <stddef.h>

#include "base/err.h"

#define SHA256_HEX_LEN 64
#define TOKEN_BYTES    32
#define TOKEN_TEXT_LEN 43 /* base64url of 32 bytes, no padding */

/* Initialises libsodium. Returns 0, or -1 when it cannot start. */
int crypto_setup(void);

/* Writes a fresh random token of TOKEN_BYTES as base64url text into out. */
void crypto_token(char out[TOKEN_TEXT_LEN + 1]);

/* Lower-case hex SHA-256 of p[0..n) into out (NUL-terminated). */
void crypto_sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1]);

/* 1 if the two NUL-terminated strings are equal, in time independent of content. */
int crypto_str_eq(const char *a, const char *b);

/*
 * Password hashing cost. Defaults are libsodium's "interactive" limits.
 * Hashing and verifying run at most two at a time (each holds the memory
 * cost); further callers wait.
 */
void crypto_set_pw_cost(unsigned long long ops, size_t mem_bytes);

/*
 * Hashes password with argon2id into out (libsodium's encoded form, which
 * holds salt and parameters). Returns KERR_OK or KERR_INTERNAL when memory
 * for the hash cannot be had.
 */
enum kerr crypto_pw_hash(const char *password, size_t n, char out[128]);

/* 1 if password matches the encoded hash, else 0. */
int crypto_pw_verify(const char *hash, const char *password, size_t n);

/*
 * Spends the time of one verification without a hash to compare with, so
 * that a login for an unknown account takes as long as a wrong password.
 */
void crypto_pw_dummy_verify(const char *password, size_t n);

#endif
