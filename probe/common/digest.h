/* digest.h: hex and SHA-256, the forms hashes take in records, lists and
 * the control's reply. */
#ifndef PRB_DIGEST_H
#define PRB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Lower-case hex of the n bytes at b into out (2 * n + 1 bytes, with the
 * NUL). */
void prb_hex_encode(const void *b, size_t n, char *out);

/* The value of one hex digit (either case), -1 for anything else. */
int prb_hex_value(int c);

/* Decodes exactly 2 * n hex digits (either case) at s, len chars, into the
 * n bytes at out. Returns 0, or -1 when len is not 2 * n or a char is not a
 * hex digit (out may then be partly written). */
int prb_hex_decode(const char *s, size_t len, unsigned char *out, size_t n);

/* SHA-256 of len bytes (data may be NULL when len is 0). False only when
 * OpenSSL fails. */
bool prb_sha256(const void *data, size_t len, unsigned char md[32]);

/* ... as 64 lower-case hex digits and a NUL. */
bool prb_sha256_hex(const void *data, size_t len, char out[65]);

#endif
