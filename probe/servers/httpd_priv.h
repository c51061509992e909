/* httpd_priv.h: what servers/httpd.c (requests, answers, slots, the loop)
 * and servers/httpd_conn.c (accept, caps, refusals, eviction) share.
 * Private to those two files. */
#ifndef PRB_HTTPD_PRIV_H
#define PRB_HTTPD_PRIV_H

#include <microhttpd.h>

#include "servers/httpd.h"
#include "servers/httpd_share.h"
#include "common/addr.h"
#include "common/buf.h"
#include "common/caps.h"

#define PRB_HTTPD_TICK 0.25     /* seconds between deadline sweeps */

/* One TCP connection, from our accept to libmicrohttpd's close. */
struct conn {
  struct MHD_Connection *mc;
  int fd;
  struct prb_addr peer;         /* its client key */
  bool counted;                 /* in its address's share */
  double since;                 /* sending its current request since */
  bool busy;                    /* its request is in: no deadline */
  bool dying;                   /* shut down by us; libmicrohttpd closes it */
  struct prb_hreq *rq;
  struct conn *prev, *next;
};

struct prb_hreq {
  struct prb_httpd *h;
  struct conn *c;               /* NULL when we could not track it */
  struct MHD_Connection *mc;
  const char *method, *path;    /* libmicrohttpd's, valid until the end */
  struct prb_buf body;
  char client[PRB_IP_MAX];      /* "" when unknown */
  struct prb_share_waiter wait; /* key: the client's key */
  double wait_until;
  void (*go)(void *arg, struct prb_hreq *rq);
  bool handed, answered, gone, suspended, has_slot;
  bool in_open;                 /* in h->open */
  unsigned status, retry_after;
  char *answer;
  void *data;
  struct prb_hreq *prev, *next; /* in h->open: handed, not answered */
};

struct lingering {
  int fd;
  double until;
};

struct prb_httpd {
  struct prb_loop *loop;
  struct prb_httpd_opts o;
  struct prb_httpd_calls calls;
  void *arg;
  int lfd;
  struct MHD_Daemon *d;
  int mhd_fd;
  struct prb_timer mhd_timer, tick, slot_timer, accept_timer;
  struct conn *conns;
  unsigned n_live;              /* open and not dying */
  struct prb_share share;
  struct prb_hreq *open;
  struct lingering linger[PRB_HTTPD_LINGER_MAX];
  size_t n_linger;
  struct prb_addr adding;       /* the peer MHD_add_connection is adding */
  bool adding_started;
  struct prb_httpd_stats st;
  bool stopping;                /* no more timers: h is about to go */
  double log_window;
  unsigned log_lines, log_dropped;
};

/* httpd.c */
void prb_httpd_run_mhd(struct prb_httpd *h);   /* MHD_run, then its timer */
void prb_httpd_kick(struct prb_httpd *h);      /* MHD_run from the loop, soon */
void prb_httpd_arm_tick(struct prb_httpd *h);  /* the sweep, while needed */

/* httpd_conn.c */
/* The listening socket for "IP:PORT" / "[v6]:PORT", or -1 with why. */
int prb_httpd_listen(const char *text, char *why, size_t whylen);
/* The listening socket is readable: accept, admit or refuse. */
void prb_httpd_on_listen(void *arg, int fd, unsigned events);
/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION: our connection list. */
void prb_httpd_on_notify(void *cls, struct MHD_Connection *mc,
                         void **socket_context,
                         enum MHD_ConnectionNotificationCode code);
/* Connections past their request deadline are closed, refused ones that
 * lingered long enough too. */
void prb_httpd_sweep_conns(struct prb_httpd *h, double now);
/* Every refused connection still lingering, closed. */
void prb_httpd_close_lingering(struct prb_httpd *h);

#endif
