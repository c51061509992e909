/* conn.c: one endpoint's TCP connect and TLS handshake, non-blocking. */
#include "engine/conn.h"
#include "common/addr.h"
#include "ooni/failure.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

enum phase { PH_TCP, PH_TLS, PH_DONE };

struct prb_conn {
  struct prb_loop *loop;
  struct prb_conn_params p;
  char ip[PRB_IP_MAX];
  char sni[PRB_HOST_MAX];
  char verify_name[PRB_HOST_MAX];
  prb_conn_done done;
  void *arg;
  int fd;
  SSL *ssl;
  enum phase phase;
  struct prb_timer deadline;
  struct prb_timer kick;        /* reports early failures from the loop */
  struct prb_conn_result res;
};

static double rel(const struct prb_conn *c)
{
  return prb_now() - c->p.t_base;
}

static void release(struct prb_conn *c)
{
  prb_timer_stop(c->loop, &c->deadline);
  prb_timer_stop(c->loop, &c->kick);
  if(c->fd >= 0) {
    prb_loop_watch(c->loop, c->fd, 0, NULL, NULL);
    close(c->fd);
  }
  if(c->ssl)
    SSL_free(c->ssl);
  for(size_t i = 0; i < c->res.tls.n_certs; i++)
    free(c->res.tls.certs[i].der);
  free(c);
}

void prb_conn_cancel(struct prb_conn *c)
{
  if(c)
    release(c);
}

void prb_stream_close(struct prb_stream *s, bool clean)
{
  if(s->ssl) {
    if(clean)
      SSL_shutdown(s->ssl);     /* one close_notify, best effort */
    SSL_free(s->ssl);
    s->ssl = NULL;
  }
  if(s->fd >= 0)
    close(s->fd);
  s->fd = -1;
}

/* The connection can carry a request: connected, and with TLS the chain
 * verified for the name (never a decoy's). */
static bool usable(const struct prb_conn *c)
{
  if(c->res.tcp.failure || c->fd < 0)
    return false;
  return !c->p.tls || (c->res.tls_done && c->res.verified);
}

static void finish(struct prb_conn *c)
{
  c->phase = PH_DONE;
  prb_timer_stop(c->loop, &c->deadline);
  bool keep = c->p.keep && usable(c);
  struct prb_stream s = {c->fd, c->ssl};
  if(c->fd >= 0)
    prb_loop_watch(c->loop, c->fd, 0, NULL, NULL);
  c->fd = -1;
  c->ssl = NULL;
  if(keep)
    c->res.stream = s;
  else                          /* a handshake cut short says no goodbye */
    prb_stream_close(&s, !c->p.tls || c->res.tls_done);
  c->done(c->arg, &c->res);
  if(c->res.stream.fd >= 0)     /* not taken */
    prb_stream_close(&c->res.stream, true);
  release(c);
}

static void tcp_failed(struct prb_conn *c, const char *failure)
{
  c->res.tcp.failure = failure;
  c->res.tcp.t = rel(c);
  finish(c);
}

static void tls_failed(struct prb_conn *c, const char *failure)
{
  c->res.tls.failure = failure;
  c->res.tls.t = rel(c);
  finish(c);
}

static void keep_chain(struct prb_conn *c)
{
  STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);
  int n = chain ? sk_X509_num(chain) : 0;
  for(int i = 0; i < n && c->res.tls.n_certs < PRB_MAX_CERTS; i++) {
    unsigned char *der = NULL;
    int len = i2d_X509(sk_X509_value(chain, i), &der);
    if(len <= 0)
      continue;
    struct prb_cert *cert = &c->res.tls.certs[c->res.tls.n_certs++];
    /* Copy into malloc'd memory so receivers free with free(). */
    cert->der = malloc((size_t)len);
    if(cert->der) {
      memcpy(cert->der, der, (size_t)len);
      cert->len = (size_t)len;
    }
    else
      c->res.tls.n_certs--;
    OPENSSL_free(der);
  }
}

static void tls_completed(struct prb_conn *c)
{
  struct prb_tls_handshake *hs = &c->res.tls;
  hs->t = rel(c);
  c->res.tls_done = true;
  snprintf(hs->tls_version, sizeof(hs->tls_version), "%s",
           SSL_get_version(c->ssl));
  const SSL_CIPHER *cipher = SSL_get_current_cipher(c->ssl);
  const char *cname = cipher ? SSL_CIPHER_standard_name(cipher) : NULL;
  snprintf(hs->cipher_suite, sizeof(hs->cipher_suite), "%s",
           cname ? cname : "");
  const unsigned char *alpn = NULL;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(c->ssl, &alpn, &alpn_len);
  if(alpn && alpn_len < sizeof(hs->negotiated_protocol)) {
    memcpy(hs->negotiated_protocol, alpn, alpn_len);
    hs->negotiated_protocol[alpn_len] = 0;
  }
  keep_chain(c);
  long verify = SSL_get_verify_result(c->ssl);
  if(verify != X509_V_OK) {
    snprintf(hs->x_verify_error, sizeof(hs->x_verify_error), "%s",
             X509_verify_cert_error_string(verify));
    /* A decoy name is not expected to verify: only the handshake counts. */
    if(!c->p.decoy)
      hs->failure = prb_failure_x509(verify);
  }
  else
    c->res.verified = !c->p.decoy && c->p.verify_name;
  finish(c);
}

static void on_io(void *arg, int fd, unsigned events);

static void tls_step(struct prb_conn *c)
{
  ERR_clear_error();
  errno = 0;
  int rc = SSL_do_handshake(c->ssl);
  if(rc == 1) {
    tls_completed(c);
    return;
  }
  int saved_errno = errno;
  int err = SSL_get_error(c->ssl, rc);
  if(err == SSL_ERROR_WANT_READ) {
    prb_loop_watch(c->loop, c->fd, PRB_IO_READ, on_io, c);
    return;
  }
  if(err == SSL_ERROR_WANT_WRITE) {
    prb_loop_watch(c->loop, c->fd, PRB_IO_WRITE, on_io, c);
    return;
  }
  tls_failed(c, prb_failure_ssl(err, saved_errno, ERR_peek_error()));
}

static void on_deadline(void *arg)
{
  struct prb_conn *c = arg;
  if(c->phase == PH_TCP)
    tcp_failed(c, PRB_FAIL_TIMEOUT);
  else
    tls_failed(c, PRB_FAIL_TIMEOUT);
}

static void note_local_address(struct prb_conn *c)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if(getsockname(c->fd, (struct sockaddr *)&ss, &len) < 0)
    return;
  struct prb_addr a;
  if(prb_addr_from_sockaddr((struct sockaddr *)&ss, &a))
    prb_addr_format(&a, c->res.local_ip, sizeof(c->res.local_ip));
}

static void start_tls(struct prb_conn *c)
{
  struct prb_tls_handshake *hs = &c->res.tls;
  c->res.tls_attempted = true;
  c->phase = PH_TLS;
  hs->t0 = rel(c);
  c->ssl = SSL_new(c->p.tls);
  if(!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
    tls_failed(c, PRB_FAIL_UNKNOWN);
    return;
  }
  SSL_set_connect_state(c->ssl);
  if(c->sni[0])
    SSL_set_tlsext_host_name(c->ssl, c->sni);
  if(c->verify_name[0]) {
    X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
    struct prb_addr literal;
    if(prb_addr_parse(c->verify_name, &literal))
      X509_VERIFY_PARAM_set1_ip_asc(param, c->verify_name);
    else {
      X509_VERIFY_PARAM_set_hostflags(param,
                                      X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(c->ssl, c->verify_name);
    }
  }
  prb_timer_start(c->loop, &c->deadline, c->p.tls_deadline, on_deadline, c);
  tls_step(c);
}

static void tcp_connected(struct prb_conn *c)
{
  int err = 0;
  socklen_t len = sizeof(err);
  if(getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    err = errno;
  if(err) {
    tcp_failed(c, prb_failure_errno(err));
    return;
  }
  c->res.tcp.t = rel(c);
  note_local_address(c);
  prb_timer_stop(c->loop, &c->deadline);
  if(!c->p.tls) {
    finish(c);
    return;
  }
  start_tls(c);
}

static void on_io(void *arg, int fd, unsigned events)
{
  struct prb_conn *c = arg;
  if(c->phase == PH_TCP)
    tcp_connected(c);
  else if(c->phase == PH_TLS)
    tls_step(c);
}

static void on_kick(void *arg)
{
  struct prb_conn *c = arg;
  finish(c);
}

static bool make_sockaddr(const char *ip, int port,
                          struct sockaddr_storage *ss, socklen_t *len)
{
  struct prb_addr a;
  if(!prb_addr_parse(ip, &a))
    return false;
  a.port = port;
  *len = prb_addr_to_sockaddr(&a, ss);
  return true;
}

struct prb_conn *prb_conn_start(struct prb_loop *loop,
                                const struct prb_conn_params *p,
                                prb_conn_done done, void *arg)
{
  struct prb_conn *c = calloc(1, sizeof(*c));
  if(!c)
    return NULL;
  c->loop = loop;
  c->p = *p;
  snprintf(c->ip, sizeof(c->ip), "%s", p->ip);
  snprintf(c->sni, sizeof(c->sni), "%s", p->sni ? p->sni : "");
  snprintf(c->verify_name, sizeof(c->verify_name), "%s",
           p->verify_name ? p->verify_name : "");
  c->p.ip = c->ip;
  c->p.sni = c->sni;
  c->p.verify_name = c->verify_name[0] ? c->verify_name : NULL;
  c->done = done;
  c->arg = arg;
  c->fd = -1;
  c->res.stream.fd = -1;
  c->phase = PH_TCP;
  prb_timer_init(&c->deadline);
  prb_timer_init(&c->kick);

  struct prb_tcp_connect *tcp = &c->res.tcp;
  snprintf(tcp->ip, sizeof(tcp->ip), "%s", p->ip);
  tcp->port = p->port;
  tcp->transaction_id = p->transaction_id;
  tcp->t0 = rel(c);
  struct prb_tls_handshake *hs = &c->res.tls;
  snprintf(hs->address, sizeof(hs->address),
           strchr(p->ip, ':') ? "[%s]:%d" : "%s:%d", p->ip, p->port);
  snprintf(hs->server_name, sizeof(hs->server_name), "%s", c->sni);
  hs->decoy = p->decoy;
  hs->transaction_id = p->transaction_id;

  struct sockaddr_storage ss;
  socklen_t sslen;
  const char *early = NULL;
  if(!make_sockaddr(p->ip, p->port, &ss, &sslen))
    early = PRB_FAIL_UNKNOWN;
  else {
    c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   0);
    if(c->fd < 0)
      early = prb_failure_errno(errno);
  }
  if(!early) {
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if(connect(c->fd, (struct sockaddr *)&ss, sslen) < 0 &&
       errno != EINPROGRESS)
      early = prb_failure_errno(errno);
  }
  if(early) {
    /* Report from the loop, so callers never see done() re-entrantly. */
    tcp->failure = early;
    tcp->t = rel(c);
    prb_timer_start(loop, &c->kick, 0, on_kick, c);
    return c;
  }
  prb_timer_start(loop, &c->deadline, p->tcp_deadline, on_deadline, c);
  prb_loop_watch(loop, c->fd, PRB_IO_WRITE, on_io, c);
  return c;
}
