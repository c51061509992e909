/* httpd_head.h: what our public servers demand of a request's head before
 * they read a byte of its body, and who the client is behind a proxy.
 *
 * Pure functions (no I/O, no allocation), so they are unit-tested and
 * fuzzed on their own; servers/httpd.c feeds them what libmicrohttpd
 * parsed.
 *
 * The rules, each closing a door a hostile client has used on servers
 * like ours:
 * - methods: GET, HEAD and POST only (405 otherwise: the server answers,
 *   it never just drops the connection);
 * - HTTP/1.1 needs exactly one Host header (400, RFC 9112 3.2);
 * - a body needs one Content-Length of digits only: two of them, even
 *   equal, or one beside a Transfer-Encoding is request smuggling (400),
 *   and a Transfer-Encoding alone is refused (411) so the size is always
 *   known before the body is read;
 * - a Content-Length over the cap is refused (413) at once: the body is
 *   never read, and no "100 Continue" invites it.
 */
#ifndef PRB_HTTPD_HEAD_H
#define PRB_HTTPD_HEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/addr.h"

/* What the head said, as libmicrohttpd parsed it. */
struct prb_head_facts {
  const char *method;           /* as sent */
  const char *version;          /* "HTTP/1.0", "HTTP/1.1" */
  unsigned n_host;              /* Host headers */
  unsigned n_length;            /* Content-Length headers */
  const char *length;           /* the first one's value, NULL when none */
  unsigned n_transfer_encoding; /* Transfer-Encoding headers */
};

/* 0 when the head may be served: *body_len is the body's announced length
 * (0 without one). Else the status to answer (400, 405, 411 or 413) and
 * *why, a static sentence for the answer. */
unsigned prb_head_check(const struct prb_head_facts *f, size_t body_max,
                        size_t *body_len, const char **why);

/* The client behind our own proxy: the last entry of an X-Forwarded-For
 * value ("client, proxy1, proxy2"), the one our proxy added (earlier ones
 * come from the client and may be lies). The entry may be an address or
 * "ip:port" / "[v6]:port" (some proxies add the port); blanks around it
 * are skipped. False when the last entry is empty or none of those, so
 * the caller knows the client is unknown (it must not fall back on an
 * earlier entry). *out has port 0. */
bool prb_forwarded_last(const char *value, size_t len, struct prb_addr *out);

/* The key a client is counted under for fairness: an IPv4 address as it
 * is (an IPv4-mapped IPv6 one unmapped), an IPv6 address its /64 (one
 * subscriber's network: rotating addresses inside it gains nothing). */
void prb_client_key(const struct prb_addr *a, struct prb_addr *key);

#endif
