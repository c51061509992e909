/* http1.h: one HTTP/1.1 GET over a connection the measurement already
 * made (conn.c's stream): the request a browser would send, the response
 * read by http1_parse.c into a struct prb_http_request.
 *
 * One deadline covers the whole exchange, so a server dripping a byte a
 * second still ends on time. Every read is bounded (the parser's caps, and
 * a budget per wake-up so one fast server cannot hold the loop). The
 * request also records how the response arrived: first and last byte,
 * bytes over time, and what a deadline cut (request.timeout_progress).
 */
#ifndef PRB_HTTP1_H
#define PRB_HTTP1_H

#include <stdbool.h>

#include "engine/conn.h"
#include "engine/loop.h"
#include "ooni/obs.h"

/* Seconds: a deadline that ends a transfer whose last byte came this
 * recently finds it still flowing, not stalled. */
#define PRB_H1_FLOWING_WINDOW 1.5

struct prb_h1_params {
  const char *url;              /* canonical absolute URL (recorded) */
  const char *host;             /* for Host: a name or an IP literal
                                   (IPv6 without brackets) */
  int port;
  bool https;
  const char *target;           /* "/path?query" */
  const char *ip;               /* the stream's peer, for address */
  double t_base;                /* the measurement's start, prb_now() */
  double t0;                    /* the request's t0 (seconds since t_base) */
  double deadline;              /* seconds, from now, for the exchange */
  int depth;
  int transaction_id;
  bool count_body;              /* see prb_h1p_init */
};

struct prb_h1;

/* Called once, from the loop. The callee owns every pointer in *req
 * (headers, body) from then on. */
typedef void (*prb_h1_done)(void *arg, struct prb_http_request *req);

/* Sends the GET over *s, which it takes (s->fd is -1 afterwards, even on
 * failure). NULL when out of memory; else done comes later, never from
 * here. */
struct prb_h1 *prb_h1_get(struct prb_loop *loop, struct prb_stream *s,
                          const struct prb_h1_params *p, prb_h1_done done,
                          void *arg);

/* Stops an exchange that has not finished; done is never called. */
void prb_h1_cancel(struct prb_h1 *x);

/* The request headers a browser sends with a GET (name, value), also what
 * the record says was sent. */
extern const char *const prb_h1_request_headers[3][2];

#endif
