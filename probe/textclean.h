/* textclean.h: network bytes made safe for JSON and for logs. */
#ifndef PRB_TEXTCLEAN_H
#define PRB_TEXTCLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* True when the len bytes at s are valid UTF-8 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF) and contain no NUL. */
bool prb_utf8_valid(const void *s, size_t len);

/* A JSON value for untrusted bytes: a string when valid UTF-8, otherwise
 * OONI's BinaryData {"format":"base64","data":"..."}. New reference. */
json_t *prb_json_untrusted(const void *s, size_t len);

/* Base64 of len bytes, malloc'd and NUL-terminated; NULL when out of
 * memory. */
char *prb_base64(const void *s, size_t len);

/* Copies at most outlen-1 bytes of s into out for a log line: bytes outside
 * printable ASCII become '?', and "..." marks a cut. Always terminates. */
void prb_log_excerpt(char *out, size_t outlen, const void *s, size_t len);

#endif
