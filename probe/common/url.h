/* url.h: the absolute http/https URLs the probe measures, and redirect
 * resolution.
 *
 * Parsing is strict where a wrong guess would measure the wrong thing and
 * normalising where browsers agree: scheme and host are lower-cased, a
 * Unicode host becomes its IDNA (punycode) form, dot segments are removed,
 * non-ASCII bytes in the path are percent-encoded, the fragment is dropped.
 * Rejected: any scheme but http/https, userinfo ("user@host"), control
 * characters, spaces and backslashes, an empty host, a bad port or IP
 * literal, more than PRB_URL_MAX - 1 (2047) bytes before or after
 * normalisation.
 *
 * Functions never allocate memory the caller must free; struct prb_url is
 * plain data. Every reason is a static string, set whenever -1 is returned.
 */
#ifndef PRB_URL_H
#define PRB_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/caps.h"

struct prb_url {
  char scheme[8];          /* "http" or "https" */
  char host[PRB_HOST_MAX]; /* ASCII, lower-case; an IPv6 literal without
                              its brackets */
  int port;                /* explicit, or 80/443 by scheme */
  bool port_explicit;      /* the text named a port (even the default) */
  bool host_is_ip;         /* IPv4 or IPv6 literal */
  bool host_is_ipv6;
  char path[PRB_URL_MAX];  /* starts with '/', includes "?query" */
};

/* Parses an absolute URL. text must not be NULL. Returns 0 and fills *out,
 * or -1 with *reason set (reason may be NULL if the caller does not care);
 * *out is unspecified on failure. */
int prb_url_parse(const char *text, struct prb_url *out, const char **reason);

/* Writes the canonical form "scheme://host[:port]/path?query" into buf
 * (port only when not the scheme's default, IPv6 in brackets). Returns its
 * length, or -1 if it does not fit in size bytes (buf then holds ""). */
int prb_url_format(const struct prb_url *u, char *buf, size_t size);

/* Parses text and writes its canonical form into buf (size bytes,
 * PRB_URL_MAX is always enough). 0 or -1 with *reason set. */
int prb_url_canonical(const char *text, char *buf, size_t size,
                      const char **reason);

/* Resolves a redirect target (an HTTP Location value: absolute,
 * "//host/path", "/path", "?query", or a relative path with "." and ".."
 * segments, RFC 3986 section 5) against base. Surrounding spaces and tabs
 * are ignored and inner spaces percent-encoded, as browsers do. Refuses
 * targets with a scheme other than http/https and targets with an empty
 * host. Returns 0 and fills *out (which may be base itself), or -1 with
 * *reason set. */
int prb_url_resolve(const struct prb_url *base, const char *location,
                    struct prb_url *out, const char **reason);

/* The port a scheme uses by default: 80 for "http", 443 for "https". */
int prb_url_default_port(const char *scheme);

#endif
