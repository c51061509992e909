/* measure_int.h: what measure.c (our own steps) and measure_control.c
 * (asking the control) share about one measurement. Private to the two. */
#ifndef PRB_MEASURE_INT_H
#define PRB_MEASURE_INT_H

#include "engine/conn.h"
#include "engine/http1.h"
#include "engine/measure.h"

enum prb_meas_state { ST_DNS, ST_CONNECT, ST_FETCH, ST_HOP_DNS, ST_DONE };

struct prb_meas_ep {
  char ip[PRB_IP_MAX];
  int port;
  bool tls;
  struct prb_conn *conn;
  struct prb_conn *decoy;
  struct prb_stream stream;     /* its usable connection, until the fetch
                                   takes one of them */
  bool tcp_ok;
  bool verified;
  const char *failure;          /* of TCP, or of TLS once TCP worked */
  int transaction_id;
};

struct prb_meas {
  struct prb_engine *e;
  enum prb_meas_mode mode;
  prb_meas_done done;
  void *arg;
  struct prb_obs obs;
  double t_base;
  /* the fetch chain: DNS, then connect, then fetch and its hops */
  enum prb_meas_state state;
  int dns_pending;              /* lookups still to answer */
  int conns_pending;            /* connects and decoys still to end */
  struct prb_url url;           /* the current hop */
  int depth;
  /* ours first (at most PRB_MAX_ENDPOINTS), then the probe's when we are
   * its control */
  struct prb_meas_ep eps[3 * PRB_MAX_ENDPOINTS];
  size_t n_eps, n_own;
  bool reached;
  /* addresses the current hop resolved through the system resolver */
  char hop_addrs[2 * PRB_MAX_ADDRS][PRB_IP_MAX];
  size_t n_hop_addrs;
  const char *hop_failure[2];   /* system A and AAAA failures */
  bool fetch_started;           /* an endpoint was taken, or none can be */
  bool chain_over;              /* ... and the last request is recorded */
  struct prb_h1 *fetch;         /* the GET in flight */
  struct prb_conn *hop_conn;    /* a redirect hop's connection */
  char hop_ip[PRB_IP_MAX];
  double hop_t0;
  int hop_txid;
  int next_txid;
  struct prb_timer kick;
  bool steps_done;              /* our own steps are over */
  /* lookups in flight, cancelled if we are freed first */
  struct {
    struct prb_dns_lookup *lk;
    int transaction_id;
  } lookups[2 * (PRB_MAX_RESOLVERS + 1)];
  size_t n_lookups;
  /* the whole-measurement deadline */
  struct prb_timer deadline;
  bool expired;
  /* the probe's endpoints, measured by the helper beside its own */
  struct prb_addr extra[PRB_CTL_MAX_REQ_ENDPOINTS];
  size_t n_extra;
  /* the helper's side: the asking probe's own address, never contacted */
  struct prb_addr never;
  bool has_never;
  /* the control */
  bool want_control;
  size_t control_idx;           /* which of e->controls is being asked */
  struct prb_fetch *ctl_fetch;
  bool ctl_done;
  bool ctl_unreachable;
  struct prb_control *ctl;      /* parsed answer, or NULL */
  char ctl_failure[PRB_CTL_FAILURE_MAX];
  json_t *ctl_request;
  json_t *ctl_reply;
  char *ctl_body;               /* the request, serialised once */
};

/* measure.c */
double prb_meas_remaining(const struct prb_meas *m);
/* Completes the measurement (from the loop) once our steps and the
 * control are both over. */
void prb_meas_maybe_complete(struct prb_meas *m);
/* The policy: may this measurement contact ip? */
bool prb_meas_allowed(const struct prb_meas *m, const char *ip);

/* measure_control.c */
/* Asks the control about the URL and the endpoints resolved so far. */
void prb_meas_control_start(struct prb_meas *m);
/* The measurement's deadline: a control still asked gets no answer. */
void prb_meas_control_expire(struct prb_meas *m);
void prb_meas_control_free(struct prb_meas *m);

#endif
