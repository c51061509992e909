/* helper_request.h: the request a probe POSTs to `accessprobe helper`,
 * checked before anything is measured.
 *
 * The body comes from anyone on the internet: a JSON object with
 * "http_request" (an http/https URL, url.h's rules) and optionally
 * "tcp_connect" (at most PRB_CTL_MAX_REQ_ENDPOINTS "ip:port" strings, or
 * null); duplicate keys and other types are refused. Other keys (OONI's
 * http_request_headers, x_quic_enabled) are ignored. Pure: no allocation
 * the caller must free.
 */
#ifndef PRB_HELPER_REQUEST_H
#define PRB_HELPER_REQUEST_H

#include <stddef.h>

#include "common/url.h"
#include "common/addr.h"
#include "common/caps.h"

struct prb_helper_req {
  struct prb_url url;
  size_t n_eps;
  char eps[PRB_CTL_MAX_REQ_ENDPOINTS][PRB_ENDPOINT_MAX]; /* as sent */
  struct prb_addr addrs[PRB_CTL_MAX_REQ_ENDPOINTS];  /* the same */
};

/* Checks the len bytes of body into *out. Returns 0, or -1 with *why set
 * to a static reason fit for the 400 answer. */
int prb_helper_request_parse(const char *body, size_t len,
                             struct prb_helper_req *out, const char **why);

#endif
