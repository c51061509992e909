/* textclean.h: network bytes made safe for JSON and for logs, and the text
 * encoding (base64) that untrusted bytes travel in (hex: digest.h).
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

/* The length of the valid UTF-8 sequence at s (n bytes available), or 0
 * when the bytes there are not one (NUL counts as invalid). */
size_t prb_utf8_seq(const void *s, size_t n);

/* Where to cut the len bytes of valid UTF-8 at s to keep at most max of
 * them without splitting a character: len when it fits. */
size_t prb_utf8_cut(const char *s, size_t len, size_t max);

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

/* A decimal number from the command line (strtol's syntax, nothing after
 * it), from min to max. False for anything else. */
bool prb_parse_long(const char *s, long min, long max, long *out);

/* Copies at most outlen-1 bytes of s into out for a log line: bytes outside
 * printable ASCII become '?', and "..." marks a cut. Always terminates
 * (outlen > 0). */
void prb_log_excerpt(char *out, size_t outlen, const void *s, size_t len);

#endif
