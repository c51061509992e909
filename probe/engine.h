/* engine.h: what every measurement of one run shares. */
#ifndef PRB_ENGINE_H
#define PRB_ENGINE_H

#include <openssl/ssl.h>
#include "dns.h"
#include "http.h"
#include "loop.h"
#include "scrub.h"

#define PRB_MAX_RESOLVERS 8

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
};

#endif
