/* conn.h: TCP connect and, for https, a TLS handshake to one endpoint.
 *
 * Records what OONI's tcp_connect and tls_handshakes keep: timings, the
 * failure string, TLS version, cipher, ALPN and the peer's chain (DER),
 * kept even when it fails verification: that chain is the evidence of
 * interception. Every phase has its own deadline. No data is sent beyond
 * the handshake; a connection the caller wants to use (keep) is handed
 * over as a struct prb_stream once it is usable, so that the GET goes
 * over the very connection whose handshakes were measured.
 */
#ifndef PRB_CONN_H
#define PRB_CONN_H

#include <stdbool.h>
#include <openssl/ssl.h>
#include "engine/loop.h"
#include "ooni/obs.h"

/* A connected socket and, for https, its TLS session: verified for the
 * name asked, ALPN http/1.1. fd -1 when there is none. */
struct prb_stream {
  int fd;                       /* non-blocking, watched by nobody */
  SSL *ssl;                     /* NULL for plain TCP */
};

/* Closes s (a TLS close_notify first when clean: never after a fatal TLS
 * error) and sets s->fd to -1. The caller has stopped watching s->fd. */
void prb_stream_close(struct prb_stream *s, bool clean);

struct prb_conn_result {
  struct prb_tcp_connect tcp;
  bool tls_attempted;
  struct prb_tls_handshake tls; /* certs are the receiver's to keep */
  bool tls_done;                /* the handshake completed */
  bool verified;                /* ... and the chain verified for the name */
  char local_ip[PRB_IP_MAX];    /* our end of the connection, "" if none */
  /* With keep, the usable connection (TCP connected and, with TLS, the
   * chain verified); fd -1 otherwise. */
  struct prb_stream stream;
};

/* Called once; res, its certificates and its stream are the callee's to
 * take: clear res->tls.n_certs after taking the certificates and set
 * res->stream.fd to -1 after taking the stream, or they are freed and
 * closed after the call. */
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
  bool keep;                    /* hand a usable connection over (stream) */
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
