/* httpd.h: the one front door of our public servers (`accessprobe helper`,
 * the collector): libmicrohttpd inside our epoll loop, hardened for the
 * open internet, so every server gets the same defences from one place.
 *
 * What a server built on it gets, without a line of its own:
 * - We accept connections ourselves and hand them to libmicrohttpd, so
 *   the listening socket never leaves our loop (libmicrohttpd 0.9.75 takes
 *   its own out of epoll at its connection limit and only puts it back on
 *   a later MHD_run(), which nothing may call: the server went deaf).
 * - At most max_connections open, at most max_per_peer from one address
 *   (an IPv6 /64). One more is answered at once, 503 with Retry-After,
 *   and closed, never left in the kernel's queue. When full, a new
 *   connection first takes the place of the oldest one that has been
 *   idle or sending its request for over PRB_HTTPD_EVICT_AFTER seconds.
 * - A deadline for each request's head and body together
 *   (request_timeout, from the moment the connection could send it): a
 *   client dripping a byte now and then (slowloris) is closed.
 * - The head checks of httpd_head.h before any body is read (405, 400 for
 *   a missing Host or a smuggling attempt, 411, 413 without reading the
 *   body and without "100 Continue"); the body is read into memory, at
 *   most body_max bytes (or what the head callback sets).
 * - Work slots with a fair share per client (httpd_share.h): a request
 *   that must wait for one waits at most slot_wait seconds, then 503.
 * - A client that goes away while its request waits or works (a slow
 *   measurement abandoned) is noticed within a tick: its work is
 *   cancelled and its slot given to the next.
 * - Every answer is JSON with Cache-Control: no-store; every 503 carries
 *   Retry-After; 405 carries Allow.
 * - The client's address (behind our own proxy: the last X-Forwarded-For
 *   entry, with trust_forwarded_for) is used in memory only, to tell
 *   clients apart and for the server's answer; it is never logged nor
 *   kept past its connection. libmicrohttpd's own messages are rate
 *   limited (a hostile client cannot fill the journal).
 *
 * Single-threaded: everything runs from the loop; a callback may answer
 * at once or later (the connection is suspended meanwhile).
 */
#ifndef PRB_HTTPD_H
#define PRB_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/loop.h"

#define PRB_HTTPD_DEFAULT_TIMEOUT 10.0   /* seconds for head and body */
#define PRB_HTTPD_DEFAULT_SLOT_WAIT 5.0  /* seconds waiting for a slot */
#define PRB_HTTPD_DEFAULT_RETRY_AFTER 5  /* seconds, with every 503 */
#define PRB_HTTPD_EVICT_AFTER 2.0        /* seconds idle or sending a
                                            request: may lose its place */

struct prb_httpd;
struct prb_hreq;                /* one request, valid until answered or
                                   cancelled */

struct prb_httpd_opts {
  const char *listen;           /* "IP:PORT" or "[v6]:PORT" */
  unsigned max_connections;     /* open at once (required, > 0) */
  unsigned max_per_peer;        /* connections from one address (an IPv6
                                   /64) at once; 0: half of
                                   max_connections. Behind a proxy (one
                                   peer for all) give max_connections. */
  double request_timeout;       /* seconds; 0: PRB_HTTPD_DEFAULT_TIMEOUT */
  size_t body_max;              /* request body bytes (the head callback
                                   may change it per request) */
  unsigned slots;               /* work slots; 0: none (every wait is 503) */
  unsigned slots_per_client;    /* 0: three quarters of slots */
  double slot_wait;             /* seconds; 0: PRB_HTTPD_DEFAULT_SLOT_WAIT */
  unsigned retry_after;         /* seconds; 0: PRB_HTTPD_DEFAULT_RETRY_AFTER */
  bool trust_forwarded_for;     /* behind our own proxy: the client is the
                                   last X-Forwarded-For entry */
  bool quiet;                   /* no libmicrohttpd messages at all */
};

/* What the server does with requests; arg is prb_httpd_start's. */
struct prb_httpd_calls {
  /* After the head passed the checks, before the body: 0 to go on (maybe
   * changing *body_max), or an HTTP status to refuse with at once (*why:
   * a static sentence). NULL: every head goes on. */
  unsigned (*head)(void *arg, struct prb_hreq *rq, size_t *body_max,
                   const char **why);
  /* The whole request is in: answer it now or later, maybe after
   * prb_hreq_wait_slot(). */
  void (*request)(void *arg, struct prb_hreq *rq);
  /* rq ends unanswered: its client went away, its wait for a slot ran
   * out, or the server stops. Stop its work and free what you keep for
   * it; do not answer. NULL when the server keeps nothing per request. */
  void (*cancel)(void *arg, struct prb_hreq *rq);
};

/* Listens on o->listen and serves from loop. NULL with why when the
 * address does not parse or cannot be bound. */
struct prb_httpd *prb_httpd_start(struct prb_loop *loop,
                                  const struct prb_httpd_opts *o,
                                  const struct prb_httpd_calls *calls,
                                  void *arg, char *why, size_t whylen);

/* Stops: every open request is cancelled and answered 503, then every
 * connection closed. NULL is fine. */
void prb_httpd_stop(struct prb_httpd *h);

/* What happened so far (the server's log line, the tests' figures). */
struct prb_httpd_stats {
  unsigned long requests;       /* handed to calls->request */
  unsigned long busy;           /* 503: no slot (full, or the wait ran out) */
  unsigned long refused_conns;  /* 503 at accept: too many connections */
  unsigned long evicted;        /* closed to make room for a new one */
  unsigned long timed_out;      /* closed: head and body too slow */
  unsigned long gone;           /* clients that left before the answer */
};
void prb_httpd_get_stats(const struct prb_httpd *h,
                         struct prb_httpd_stats *out);

/* ---- one request ------------------------------------------------------ */

const char *prb_hreq_method(const struct prb_hreq *rq);  /* GET HEAD POST */
const char *prb_hreq_path(const struct prb_hreq *rq);
/* The first header of that name (case-insensitive), or NULL. */
const char *prb_hreq_header(const struct prb_hreq *rq, const char *name);
/* The body (NUL-terminated; "" when none). */
const char *prb_hreq_body(const struct prb_hreq *rq, size_t *len);
/* The client's address as text, "" when unknown (behind a proxy that said
 * nothing we can read). For the answer and checks only: never log it. */
const char *prb_hreq_client(const struct prb_hreq *rq);

/* The server's own pointer for rq (NULL until set). */
void prb_hreq_set_data(struct prb_hreq *rq, void *data);
void *prb_hreq_data(const struct prb_hreq *rq);

/* Waits for a work slot, fairly shared among clients: go(arg, rq) runs
 * once rq holds one (at once, or later from the loop). Without one within
 * slot_wait seconds, or with no room to wait, rq is answered 503 with
 * Retry-After (calls->cancel runs if it had waited). The slot is given
 * back when rq is answered or cancelled. */
void prb_hreq_wait_slot(struct prb_hreq *rq,
                        void (*go)(void *arg, struct prb_hreq *rq));

/* Answers with status and the JSON text json (copied). Cache-Control:
 * no-store always; a 503 carries Retry-After: retry_after seconds (0: the
 * server's). Once per request; rq is not to be used afterwards. */
void prb_hreq_answer(struct prb_hreq *rq, unsigned status, const char *json,
                     unsigned retry_after);
/* {"error": why} with status. */
void prb_hreq_error(struct prb_hreq *rq, unsigned status, const char *why);

#endif
