/* engine.h: what every measurement of one run shares. */
#ifndef PRB_ENGINE_H
#define PRB_ENGINE_H

#include <openssl/ssl.h>
#include "dns.h"
#include "http.h"
#include "loop.h"
#include "scrub.h"
#include "url.h"

#define PRB_MAX_RESOLVERS 8
#define PRB_MAX_CONTROL_EPS 4

/* A control vantage point (OONI test-helper protocol), resolved once. */
struct prb_control_ep {
  char url[PRB_URL_MAX];
  struct prb_url u;
  char ip[PRB_IP_MAX];          /* the address its name resolved to */
};

struct prb_engine {
  struct prb_loop *loop;
  struct prb_resolver *system;  /* resolv.conf; required */
  struct prb_resolver *extra[PRB_MAX_RESOLVERS]; /* --resolver, measured */
  size_t n_extra;
  SSL_CTX *tls;                 /* handshakes we measure ourselves */
  struct prb_http *http;        /* the GETs */
  struct prb_scrub *scrub;      /* our own addresses, learnt as we go */
  double dns_deadline;          /* seconds, per lookup */
  double step_deadline;         /* seconds, per TCP, TLS and HTTP step */
  const char *decoy_sni;        /* harmless name for the SNI-filter check */
  double meas_deadline;         /* seconds for a whole measurement, 0: none */
  /* controls asked about every measurement, in order of preference */
  struct prb_control_ep controls[PRB_MAX_CONTROL_EPS];
  size_t n_controls;
  double control_deadline;      /* seconds per control request */
  bool allow_bogons;            /* the helper: may it measure private and
                                   reserved addresses? (labs only) */
};

#endif
