/* http.h: the requests to a control vantage point (the test-helper POST,
 * and the greeting GET before a run), through libcurl's multi interface
 * in our loop, pinned to the address we resolved for it.
 *
 * The measured GETs are not made here: they go over the connection the
 * measurement made (http1.h). libcurl never resolves, never follows
 * redirects, never decodes bodies and never reuses a connection here. The
 * reply kept is capped at PRB_BODY_MAX bytes (body_is_truncated), and the
 * whole transfer at its deadline.
 */
#ifndef PRB_HTTP_H
#define PRB_HTTP_H

#include <openssl/x509.h>
#include "engine/loop.h"
#include "ooni/obs.h"

struct prb_http;
struct prb_fetch;

struct prb_fetch_params {
  const char *url;              /* canonical absolute URL */
  const char *host;             /* its host (ASCII; IPv6 without brackets) */
  int port;
  const char *ip;               /* the only address libcurl may connect to */
  double t_base;                /* the measurement's start, prb_now() */
  double deadline;              /* seconds for the whole transfer */
  /* A POST of post_len bytes of JSON (the control request) instead of a
   * GET; both sent as accessprobe. */
  const char *post;
  size_t post_len;
};

/* Called once, from the loop. The callee owns every pointer in *req
 * (headers, body) from then on; local_ip is our end ("" if unknown). */
typedef void (*prb_fetch_done)(void *arg, struct prb_http_request *req,
                               const char *local_ip);

/* store: trust anchors for https (a reference is taken). NULL on failure
 * with a reason in why. */
struct prb_http *prb_http_new(struct prb_loop *loop, X509_STORE *store,
                              char *why, size_t whylen);
/* Ends every transfer still running (their callbacks are not called). */
void prb_http_free(struct prb_http *h);

/* Starts the request. NULL when out of memory or libcurl refused the
 * options. */
struct prb_fetch *prb_http_fetch(struct prb_http *h,
                                 const struct prb_fetch_params *p,
                                 prb_fetch_done done, void *arg);
/* Stops a transfer that has not finished; done is never called. */
void prb_fetch_cancel(struct prb_fetch *f);

#endif
