/* textclean.h: network bytes made safe for JSON and for logs, and the text
 * encodings (base64, hex) that untrusted bytes travel in.
 *
 * Jansson refuses invalid UTF-8, and everything from the network may be
 * invalid, so no untrusted byte reaches a json_t except through here. */
#ifndef PRB_TEXTCLEAN_H
#define PRB_TEXTCLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* True when the len bytes at s are valid UTF-8 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF) and contain no NUL. s may be NULL
 * when len is 0. */
bool prb_utf8_valid(const void *s, size_t len);

/* A JSON value for untrusted bytes: a string when valid UTF-8, otherwise
 * OONI's BinaryData {"format":"base64","data":"..."}. New reference, or
 * NULL when out of memory. s may be NULL when len is 0. */
json_t *prb_json_untrusted(const void *s, size_t len);

/* A JSON string for untrusted bytes where the format wants a string (URLs,
 * names, titles): valid UTF-8 is kept, every byte that does not start a
 * valid sequence (and NUL) becomes U+FFFD. New reference, or NULL when out
 * of memory. */
json_t *prb_json_text(const void *s, size_t len);

/* The bytes at s as valid UTF-8, invalid bytes and NUL replaced by U+FFFD.
 * Returns a malloc'd NUL-terminated copy (length in *outlen when outlen is
 * not NULL), or NULL when out of memory. */
char *prb_utf8_sanitize(const void *s, size_t len, size_t *outlen);

/* Base64 (RFC 4648 section 4, padded) of len bytes, malloc'd and
 * NUL-terminated; NULL when out of memory. */
char *prb_base64(const void *s, size_t len);

/* Decodes padded standard base64 of len chars. Returns a malloc'd buffer
 * (NUL-terminated for convenience, length in *outlen), or NULL when the
 * input is not canonical base64 or out of memory. */
unsigned char *prb_base64_decode(const char *s, size_t len, size_t *outlen);

/* Decodes exactly 2 * n hex digits (either case) at s, len chars, into the
 * n bytes at out. Returns 0, or -1 when len is not 2 * n or a char is not a
 * hex digit (out may then be partly written). Used for hashes in lists and
 * in the control's reply. */
int prb_hex_decode(const char *s, size_t len, unsigned char *out, size_t n);

/* Copies at most outlen-1 bytes of s into out for a log line: bytes outside
 * printable ASCII become '?', and "..." marks a cut. Always terminates
 * (outlen > 0). */
void prb_log_excerpt(char *out, size_t outlen, const void *s, size_t len);

#endif
