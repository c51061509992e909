/* http.h: one HTTP GET per call, through libcurl's multi interface in our
 * loop, pinned to an address we resolved and chose ourselves.
 *
 * libcurl never resolves, never follows redirects, never decodes bodies and
 * never reuses a connection here: the measurement decides every hop. The
 * body kept is capped at PRB_BODY_MAX raw bytes (body_is_truncated), headers at
 * PRB_HEADERS_MAX bytes, and the whole transfer at its deadline, so a
 * server dripping one byte at a time still ends on time.
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
  int depth;
  int transaction_id;
  /* A POST of post_len bytes of JSON instead of a GET (the control
   * request), sent as accessprobe; NULL for a GET as a browser would. */
  const char *post;
  size_t post_len;
  /* Past the kept cap, keep reading a page (not a redirect) and count its
   * bytes without keeping them (req->body_counted), up to
   * PRB_BODY_COUNT_MAX or the deadline, whichever comes first: what the
   * helper does to report a page's real length. */
  bool count_body;
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

/* Starts a GET. NULL when out of memory or libcurl refused the options. */
struct prb_fetch *prb_http_fetch(struct prb_http *h,
                                 const struct prb_fetch_params *p,
                                 prb_fetch_done done, void *arg);
/* Stops a transfer that has not finished; done is never called. */
void prb_fetch_cancel(struct prb_fetch *f);

#endif
