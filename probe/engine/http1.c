/* http1.c: a GET over a measured connection, driven by the loop. */
#include "engine/http1.h"
#include "engine/http1_parse.h"
#include "common/addr.h"
#include "ooni/failure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/err.h>

#define PRB_USER_AGENT "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
  "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

const char *const prb_h1_request_headers[3][2] = {
  {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,"
             "*/*;q=0.8"},
  {"Accept-Language", "en-US,en;q=0.9"},
  {"User-Agent", PRB_USER_AGENT},
};
#define N_HEADERS (sizeof(prb_h1_request_headers) / \
                   sizeof(prb_h1_request_headers[0]))

#define READ_CHUNK 16384
#define READ_BUDGET (256 * 1024) /* bytes read per wake-up: others' turn */
#define PROGRESS_STEP 0.05      /* seconds between the first samples */

enum phase { PH_WRITE, PH_READ, PH_DONE };

struct prb_h1 {
  struct prb_loop *loop;
  struct prb_stream s;
  bool fatal;                   /* a fatal TLS error: no close_notify */
  enum phase phase;
  prb_h1_done done;
  void *arg;
  double t_base;
  struct prb_timer deadline;
  struct prb_timer kick;        /* starts, and resumes after a budget */
  char out[PRB_URL_MAX + PRB_HOST_MAX + 512]; /* the request */
  size_t out_len, out_off;
  double progress_step;         /* doubles as the samples thin out */
  struct prb_h1p parser;
  struct prb_http_request req;
};

static double rel(const struct prb_h1 *x)
{
  return prb_now() - x->t_base;
}

static void release(struct prb_h1 *x)
{
  prb_timer_stop(x->loop, &x->deadline);
  prb_timer_stop(x->loop, &x->kick);
  if(x->s.fd >= 0)
    prb_loop_watch(x->loop, x->s.fd, 0, NULL, NULL);
  prb_stream_close(&x->s, !x->fatal);
  prb_h1p_free(&x->parser);
}

void prb_h1_cancel(struct prb_h1 *x)
{
  if(!x)
    return;
  release(x);
  prb_obs_request_free(&x->req);
  free(x);
}

/* ---- how the response arrived --------------------------------------- */

/* One (time, bytes) sample; at most PRB_PROGRESS_MAX, evenly spread: when
 * full, every other one goes and the spacing doubles. The last one is
 * always kept (final). */
static void sample(struct prb_h1 *x, double t, bool final)
{
  struct prb_http_request *req = &x->req;
  size_t n = req->n_progress;
  if(n && (final ? req->progress[n - 1].bytes == req->bytes_received :
           t - req->progress[n - 1].t < x->progress_step))
    return;
  if(n == PRB_PROGRESS_MAX) {
    for(size_t i = 0; i < n / 2; i++)
      req->progress[i] = req->progress[2 * i];
    n /= 2;
    x->progress_step *= 2;
  }
  req->progress[n].t = t;
  req->progress[n].bytes = req->bytes_received;
  req->n_progress = n + 1;
}

static void note_bytes(struct prb_h1 *x, size_t n)
{
  double t = rel(x);
  if(!x->req.bytes_received)
    x->req.t_first_byte = t;
  x->req.t_last_byte = t;
  x->req.bytes_received += n;
  sample(x, t, false);
}

/* ---- the end -------------------------------------------------------- */

static void finish(struct prb_h1 *x, const char *failure)
{
  x->phase = PH_DONE;
  release(x);
  struct prb_http_request *req = &x->req;
  req->t = rel(x);
  if(failure)
    req->failure = failure;
  if(req->code > 0)
    snprintf(req->alpn, sizeof(req->alpn), "http/1.1");
  if(req->bytes_received)
    sample(x, req->t, true);    /* nothing came: no samples at all */
  prb_h1_done done = x->done;
  void *arg = x->arg;
  struct prb_http_request out = *req;
  free(x);                      /* ownership of req's memory moves on */
  done(arg, &out);
}

static void on_deadline(void *arg)
{
  struct prb_h1 *x = arg;
  struct prb_http_request *req = &x->req;
  /* Counting a page's tail is no part of fetching it: the page is kept,
   * its length is a lower bound. */
  if(prb_h1p_counting(&x->parser)) {
    finish(x, NULL);
    return;
  }
  if(!req->bytes_received)
    req->timeout_progress = "no_bytes";
  else if(rel(x) - req->t_last_byte <= PRB_H1_FLOWING_WINDOW)
    req->timeout_progress = "flowing";
  else
    req->timeout_progress = "stalled";
  finish(x, PRB_FAIL_TIMEOUT);
}

/* ---- I/O ------------------------------------------------------------ */

static void on_io(void *arg, int fd, unsigned events);

static void wait_for(struct prb_h1 *x, unsigned events)
{
  if(!prb_loop_watch(x->loop, x->s.fd, events, on_io, x))
    finish(x, PRB_FAIL_UNKNOWN);
}

/* A TLS read or write that did not go through: wait, or why it failed.
 * Failures word as libcurl's did for the same errors (a TLS error after
 * the handshake reads as the end of the stream). */
static const char *tls_trouble(struct prb_h1 *x, int rc, int saved_errno,
                               bool *eof)
{
  int err = SSL_get_error(x->s.ssl, rc);
  unsigned long lib = ERR_peek_error();
  *eof = false;
  switch(err) {
  case SSL_ERROR_WANT_READ:
    wait_for(x, PRB_IO_READ);
    return NULL;
  case SSL_ERROR_WANT_WRITE:
    wait_for(x, PRB_IO_WRITE);
    return NULL;
  case SSL_ERROR_ZERO_RETURN:
    *eof = true;                /* close_notify */
    return NULL;
  default:
    break;
  }
  x->fatal = true;
  if(err == SSL_ERROR_SYSCALL && !saved_errno &&
     !(lib && ERR_GET_LIB(lib) == ERR_LIB_SYS)) {
    *eof = true;                /* closed without close_notify */
    return NULL;
  }
  if(err == SSL_ERROR_SSL &&
     ERR_GET_REASON(lib) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    *eof = true;
    return NULL;
  }
  if(err == SSL_ERROR_SSL && ERR_GET_LIB(lib) != ERR_LIB_SYS)
    return PRB_FAIL_EOF;
  const char *f = prb_failure_ssl(err, saved_errno, lib);
  return f ? f : PRB_FAIL_UNKNOWN;
}

static void got_eof(struct prb_h1 *x)
{
  if(prb_h1p_eof(&x->parser) == PRB_H1P_DONE)
    finish(x, NULL);
  else
    finish(x, x->req.failure);
}

static void on_more(void *arg);

static void read_some(struct prb_h1 *x)
{
  unsigned char buf[READ_CHUNK];
  for(size_t budget = READ_BUDGET; budget;) {
    ssize_t n;
    if(x->s.ssl) {
      ERR_clear_error();
      errno = 0;
      int rc = SSL_read(x->s.ssl, buf, sizeof(buf));
      if(rc <= 0) {
        bool eof;
        const char *failure = tls_trouble(x, rc, errno, &eof);
        if(eof)
          got_eof(x);
        else if(failure)
          finish(x, failure);
        return;
      }
      n = rc;
    }
    else {
      n = recv(x->s.fd, buf, sizeof(buf), 0);
      if(n == 0) {
        got_eof(x);
        return;
      }
      if(n < 0) {
        if(errno == EINTR)
          continue;
        if(errno == EAGAIN || errno == EWOULDBLOCK)
          wait_for(x, PRB_IO_READ);
        else
          finish(x, prb_failure_errno(errno));
        return;
      }
    }
    note_bytes(x, (size_t)n);
    enum prb_h1p_status st = prb_h1p_feed(&x->parser, buf, (size_t)n);
    if(st != PRB_H1P_MORE) {
      finish(x, st == PRB_H1P_DONE ? NULL : x->req.failure);
      return;
    }
    budget -= (size_t)n < budget ? (size_t)n : budget;
  }
  /* Enough for one turn: the rest (perhaps already decrypted, where the
   * socket alone would not wake us) after the others'. */
  prb_timer_start(x->loop, &x->kick, 0, on_more, x);
}

static void write_some(struct prb_h1 *x)
{
  if(x->s.ssl) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write(x->s.ssl, x->out, (int)x->out_len);
    if(rc <= 0) {
      bool eof;
      const char *failure = tls_trouble(x, rc, errno, &eof);
      if(eof)
        got_eof(x);             /* closed before it heard us */
      else if(failure)
        finish(x, failure);
      return;
    }
    x->out_off = x->out_len;    /* all or nothing without partial writes */
  }
  while(x->out_off < x->out_len) {
    ssize_t w = send(x->s.fd, x->out + x->out_off, x->out_len - x->out_off,
                     MSG_NOSIGNAL);
    if(w < 0 && errno == EINTR)
      continue;
    if(w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_for(x, PRB_IO_WRITE);
      return;
    }
    if(w < 0) {
      finish(x, prb_failure_errno(errno));
      return;
    }
    x->out_off += (size_t)w;
  }
  x->phase = PH_READ;
  read_some(x);
}

static void on_io(void *arg, int fd, unsigned events)
{
  struct prb_h1 *x = arg;
  if(x->phase == PH_WRITE)
    write_some(x);
  else if(x->phase == PH_READ)
    read_some(x);
}

static void on_more(void *arg)
{
  read_some(arg);
}

static void on_start(void *arg)
{
  write_some(arg);
}

/* ---- the request ---------------------------------------------------- */

/* The request line, Host (with the port when not the scheme's), and the
 * browser's headers, which the record lists as sent. */
static bool build_request(struct prb_h1 *x, const struct prb_h1_params *p)
{
  bool v6 = strchr(p->host, ':') != NULL;
  bool default_port = p->port == (p->https ? 443 : 80);
  char port[16] = "";
  if(!default_port)
    snprintf(port, sizeof(port), ":%d", p->port);
  int len = snprintf(x->out, sizeof(x->out),
                     "GET %s HTTP/1.1\r\nHost: %s%s%s%s\r\n", p->target,
                     v6 ? "[" : "", p->host, v6 ? "]" : "", port);
  if(len < 0 || (size_t)len >= sizeof(x->out))
    return false;
  x->out_len = (size_t)len;
  for(size_t i = 0; i < N_HEADERS; i++) {
    const char *name = prb_h1_request_headers[i][0];
    const char *value = prb_h1_request_headers[i][1];
    len = snprintf(x->out + x->out_len, sizeof(x->out) - x->out_len,
                   "%s: %s\r\n", name, value);
    if(len < 0 || (size_t)len >= sizeof(x->out) - x->out_len ||
       !prb_obs_add_header(x->req.req_headers, &x->req.n_req_headers,
                           sizeof(x->req.req_headers) /
                           sizeof(x->req.req_headers[0]), name, strlen(name),
                           value, strlen(value)))
      return false;
    x->out_len += (size_t)len;
  }
  if(x->out_len + 2 >= sizeof(x->out))
    return false;
  memcpy(x->out + x->out_len, "\r\n", 2);
  x->out_len += 2;
  return true;
}

struct prb_h1 *prb_h1_get(struct prb_loop *loop, struct prb_stream *s,
                          const struct prb_h1_params *p, prb_h1_done done,
                          void *arg)
{
  struct prb_h1 *x = calloc(1, sizeof(*x));
  if(!x) {
    prb_stream_close(s, true);
    return NULL;
  }
  x->loop = loop;
  x->s = *s;
  s->fd = -1;
  s->ssl = NULL;
  x->done = done;
  x->arg = arg;
  x->t_base = p->t_base;
  x->progress_step = PROGRESS_STEP;
  prb_timer_init(&x->deadline);
  prb_timer_init(&x->kick);
  struct prb_http_request *req = &x->req;
  prb_h1p_init(&x->parser, req, p->count_body);
  snprintf(req->url, sizeof(req->url), "%s", p->url);
  prb_addr_endpoint_text(p->ip, p->port, req->address, sizeof(req->address));
  req->depth = p->depth;
  req->transaction_id = p->transaction_id;
  req->t0 = p->t0;
  if(!build_request(x, p)) {
    prb_h1_cancel(x);
    return NULL;
  }
  x->phase = PH_WRITE;
  prb_timer_start(loop, &x->deadline, p->deadline, on_deadline, x);
  prb_timer_start(loop, &x->kick, 0, on_start, x);
  return x;
}
