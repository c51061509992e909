/* collector_http.h: the collector's HTTP side: libmicrohttpd inside our
 * epoll loop, the way the helper runs it, kept to this one file so that it
 * moves onto the servers' shared hardened layer in one place.
 *
 * It reads each request's body (capped by route: a template is small, a
 * measurement at most PRB_CP_BODY_MAX; a Content-Length over the cap is
 * refused with 413 before the body is read), refuses what no route takes
 * (404, 405, a repeated Content-Length, a Content-Encoding), caps the
 * requests one client may have in progress, and hands complete requests
 * to the handler, which answers at once or later (the connection waits,
 * suspended). Every answer is JSON with Cache-Control: no-store, and 503s
 * carry Retry-After. The client's address is looked at (its last
 * X-Forwarded-For entry behind our own proxy) only to tell clients apart
 * and to check records for it; it is never logged nor kept past the
 * request.
 */
#ifndef PRB_COLLECTOR_HTTP_H
#define PRB_COLLECTOR_HTTP_H

#include "common/caps.h"
#include "engine/loop.h"

#include <stdbool.h>
#include <stddef.h>

enum prb_croute {
  PRB_CROUTE_OPEN,          /* POST /report */
  PRB_CROUTE_SUBMIT,        /* POST /report/{id} */
  PRB_CROUTE_CLOSE,         /* POST /report/{id}/close */
  PRB_CROUTE_SUBMIT_V1,     /* POST /api/v1/submit_measurement */
  PRB_CROUTE_HEALTH         /* GET / */
};

struct prb_creq;
struct prb_chttp;

/* A complete request. The handler calls prb_creq_answer now or later
 * (until then rq stays valid). */
typedef void (*prb_chttp_handler)(void *arg, struct prb_creq *rq);

struct prb_chttp_opts {
  const char *listen;            /* "IP:PORT" */
  unsigned max_connections;
  unsigned per_client;           /* requests in progress per client */
  bool trust_forwarded;          /* the last X-Forwarded-For entry */
  double request_deadline;       /* seconds from the first byte */
};

/* Listens and serves inside loop. NULL with why. */
struct prb_chttp *prb_chttp_start(struct prb_loop *loop,
                                  const struct prb_chttp_opts *o,
                                  prb_chttp_handler handler, void *arg,
                                  char *why, size_t whylen);

/* Stops listening; requests still waiting are answered 503 first. */
void prb_chttp_stop(struct prb_chttp *h);

/* Requests refused for the client's share, and for size. */
unsigned long prb_chttp_refused(const struct prb_chttp *h);

enum prb_croute prb_creq_route(const struct prb_creq *rq);
/* The {id} of /report/{id} (NUL-terminated, at most PRB_CP_RID_MAX - 1
 * bytes of the path), "" otherwise. */
const char *prb_creq_report_id(const struct prb_creq *rq);
const char *prb_creq_body(const struct prb_creq *rq, size_t *len);
/* The client's address as text, "" when unknown: for checks only. */
const char *prb_creq_client(const struct prb_creq *rq);

/* Answers with status and a JSON body (copied); retry_after > 0 adds
 * Retry-After: seconds. Once per request. */
void prb_creq_answer(struct prb_creq *rq, unsigned status, const char *json,
                     unsigned retry_after);

/* {"error": why} answered with status. */
void prb_creq_error(struct prb_creq *rq, unsigned status, const char *why,
                    unsigned retry_after);

#endif
