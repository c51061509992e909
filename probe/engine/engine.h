/* engine.h: what every measurement of one run shares. */
#ifndef PRB_ENGINE_H
#define PRB_ENGINE_H

#include "common/caps.h"
#include "common/errors.h"

#include <jansson.h>
#include <openssl/ssl.h>
#include "engine/dns.h"
#include "engine/http.h"
#include "engine/loop.h"
#include "common/addr.h"
#include "ooni/scrub.h"
#include "common/url.h"

/* A control vantage point (OONI test-helper protocol), resolved once. */
struct prb_control_ep {
  char url[PRB_URL_MAX];
  struct prb_url u;
  char ip[PRB_IP_MAX];          /* the address its name resolved to */
  /* A control that could not be reached is not asked again for a while:
   * a censor blocking it must not cost every measurement a full wait. */
  double down_until;            /* prb_now() seconds; 0 when up */
  const char *down_failure;     /* static: why it is considered down */
};

#define PRB_CONTROL_RETRY 60.0  /* seconds a control stays "down" */

struct prb_engine {
  struct prb_loop *loop;
  X509_STORE *store;            /* trust anchors, parsed once */
  struct prb_resolver *system;  /* resolv.conf; required */
  struct prb_resolver *extra[PRB_MAX_RESOLVERS]; /* --resolver, measured */
  size_t n_extra;
  SSL_CTX *tls;                 /* handshakes we measure ourselves */
  struct prb_http *http;        /* the control's requests (libcurl) */
  struct prb_scrub *scrub;      /* our own addresses, learnt as we go */
  struct prb_localnets localnets; /* the LANs we sit on: never measured */
  double dns_deadline;          /* seconds, per lookup */
  double step_deadline;         /* seconds, per TCP, TLS and HTTP step */
  const char *decoy_sni;        /* harmless name for the SNI-filter check */
  double meas_deadline;         /* seconds for a whole measurement, 0: none */
  /* controls asked about every measurement, in order of preference */
  struct prb_control_ep controls[PRB_MAX_CONTROLS];
  size_t n_controls;
  double control_deadline;      /* seconds per control request */
  bool allow_bogons;            /* the helper: may it measure private and
                                   reserved addresses? (labs only) */
};

/* What a run or the helper asks of the engine. */
struct prb_engine_cfg {
  const char *ca_file;          /* NULL: PRB_DEFAULT_CA */
  double step_timeout;          /* seconds */
  const char *decoy_sni;        /* NULL or "": no decoy handshakes */
  const char *const *resolvers; /* extra resolvers, n_resolvers of them */
  size_t n_resolvers;
  const char *const *controls;  /* control URLs, n_controls of them */
  size_t n_controls;
};

/* Builds the shared resources: trust anchors, TLS context, resolvers,
 * libcurl, and resolves the controls' names once (a control whose name
 * does not resolve is kept with ip "", and reported as unreachable per
 * measurement: the caller may say so). Prints nothing: on failure the
 * reason is in why (whylen bytes), for the caller's log; what was built
 * is freed by prb_engine_down all the same. */
enum prb_exit prb_engine_up(struct prb_engine *e,
                            const struct prb_engine_cfg *cfg, char *why,
                            size_t whylen);

/* The fetch parameters of a request to control c (its pinned address,
 * from t_base, within deadline seconds); the caller adds a POST body. */
void prb_engine_control_fetch(const struct prb_control_ep *c, double t_base,
                              double deadline, struct prb_fetch_params *p);

/* Greets the controls in order (GET) until one answers; its JSON reply
 * (new reference) tells our address as it saw it (x_probe_address, for
 * scrubbing, never to be written) and maybe our network (x_probe_asn,
 * x_probe_cc, x_probe_network_name). The address is added to e->scrub
 * and removed from the returned object. NULL when none answered. */
json_t *prb_engine_greet(struct prb_engine *e);
void prb_engine_down(struct prb_engine *e);

#endif
