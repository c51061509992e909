/* conn.h: TCP connect and, for https, a TLS handshake to one endpoint.
 *
 * Records what OONI's tcp_connect and tls_handshakes keep: timings, the
 * failure string, TLS version, cipher, ALPN and the peer's chain (DER),
 * kept even when it fails verification: that chain is the evidence of
 * interception. Every phase has its own deadline. No data is sent beyond
 * the handshake.
 */
#ifndef PRB_CONN_H
#define PRB_CONN_H

#include <stdbool.h>
#include <openssl/ssl.h>
#include "engine/loop.h"
#include "ooni/obs.h"

struct prb_conn_result {
  struct prb_tcp_connect tcp;
  bool tls_attempted;
  struct prb_tls_handshake tls; /* certs are the receiver's to keep */
  bool tls_done;                /* the handshake completed */
  bool verified;                /* ... and the chain verified for the name */
  char local_ip[PRB_IP_MAX];    /* our end of the connection, "" if none */
};

/* Called once; res and its certificates are the callee's to take: clear
 * res->tls.n_certs after taking them, or they are freed after the call. */
typedef void (*prb_conn_done)(void *arg, struct prb_conn_result *res);

struct prb_conn_params {
  const char *ip;               /* the address to connect to */
  int port;
  SSL_CTX *tls;                 /* NULL: TCP only */
  const char *sni;              /* server name sent (the decoy for decoys) */
  const char *verify_name;      /* name the chain must match, NULL: none */
  bool decoy;
  double t_base;                /* the measurement's start, prb_now() */
  double tcp_deadline, tls_deadline; /* seconds */
  int transaction_id;
};

struct prb_conn;

/* Starts the connection; done is called later, from the loop, never from
 * here. Returns NULL when out of memory. */
struct prb_conn *prb_conn_start(struct prb_loop *loop,
                                const struct prb_conn_params *p,
                                prb_conn_done done, void *arg);

/* Stops a connection that has not finished; done is never called. */
void prb_conn_cancel(struct prb_conn *c);

#endif
