/* httpd_conn.c: our own accept for the public servers (httpd.h): the
 * connection caps, clean refusals with a linger, eviction of idle or slow
 * connections, the list of open ones and their request deadlines. */
#include "servers/httpd_priv.h"
#include "servers/httpd_head.h"
#include "common/clock.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINGER_TIME 1.0         /* seconds a refused client has to read */
#define ACCEPT_PAUSE 0.25       /* seconds without accepting when out of fds */

static void linger_close(struct prb_httpd *h, size_t i)
{
  prb_loop_watch(h->loop, h->linger[i].fd, 0, NULL, NULL);
  close(h->linger[i].fd);
  h->linger[i] = h->linger[--h->n_linger];
}

/* A refused client's bytes: read and dropped until it closes. */
static void on_linger(void *arg, int fd, unsigned events)
{
  struct prb_httpd *h = arg;
  char scratch[4096];
  ssize_t n;
  while((n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT)) > 0)
    ;
  if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  for(size_t i = 0; i < h->n_linger; i++)
    if(h->linger[i].fd == fd) {
      linger_close(h, i);
      return;
    }
}

static void refuse_conn(struct prb_httpd *h, int fd, const char *why)
{
  char body[160], msg[512];
  h->st.refused_conns++;
  snprintf(body, sizeof(body), "{\"error\":\"%s\"}", why);
  int n = snprintf(msg, sizeof(msg), "HTTP/1.1 503 Service Unavailable\r\n"
                   "Content-Type: application/json\r\n"
                   "Cache-Control: no-store\r\nRetry-After: %u\r\n"
                   "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
                   h->o.retry_after, strlen(body), body);
  if(send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ||
     h->n_linger == PRB_HTTPD_LINGER_MAX) {
    close(fd);
    return;
  }
  /* Closing now, with the client's request unread, would send a reset
   * that may destroy our answer before it is read: read and drop what
   * comes for a moment first. */
  shutdown(fd, SHUT_WR);
  if(!prb_loop_watch(h->loop, fd, PRB_IO_READ, on_linger, h)) {
    close(fd);
    return;
  }
  h->linger[h->n_linger].fd = fd;
  h->linger[h->n_linger++].until = prb_now() + LINGER_TIME;
  prb_httpd_arm_tick(h);
}

static void drop_conn(struct prb_httpd *h, struct conn *c)
{
  if(c->dying)
    return;
  c->dying = true;
  h->n_live--;
  if(c->counted)                /* its place is free from now on */
    prb_share_conn_close(&h->share, &c->peer);
  c->counted = false;
  shutdown(c->fd, SHUT_RDWR);   /* libmicrohttpd sees it and closes */
  prb_httpd_kick(h);
}

/* At a cap: the connection that has been idle or sending its request the
 * longest, when that is over PRB_HTTPD_EVICT_AFTER, makes room (one of
 * peer's own, when peer is not NULL). */
static bool evict_one(struct prb_httpd *h, const struct prb_addr *peer)
{
  double now = prb_now();
  struct conn *oldest = NULL;
  for(struct conn *c = h->conns; c; c = c->next)
    if(!c->busy && !c->dying && now - c->since > PRB_HTTPD_EVICT_AFTER &&
       (!peer || prb_addr_equal(&c->peer, peer)) &&
       (!oldest || c->since < oldest->since))
      oldest = c;
  if(!oldest)
    return false;
  h->st.evicted++;
  drop_conn(h, oldest);
  return true;
}

static void admit(struct prb_httpd *h, int fd, const struct sockaddr *sa,
                  socklen_t len)
{
  struct prb_addr peer, key;
  if(!prb_addr_from_sockaddr(sa, &peer)) {
    close(fd);
    return;
  }
  prb_client_key(&peer, &key);
  if(!prb_share_conn_open(&h->share, &key) &&
     (!evict_one(h, &key) || !prb_share_conn_open(&h->share, &key))) {
    refuse_conn(h, fd, "too many connections from your address");
    return;
  }
  if(h->n_live >= h->o.max_connections && !evict_one(h, NULL)) {
    prb_share_conn_close(&h->share, &key);
    refuse_conn(h, fd, "too many connections; try again later");
    return;
  }
  h->adding = key;
  h->adding_started = false;
  if(MHD_add_connection(h->d, fd, sa, len) != MHD_YES &&
     !h->adding_started)
    prb_share_conn_close(&h->share, &key); /* the fd is closed */
}

static void on_accept_timer(void *arg);

void prb_httpd_on_listen(void *arg, int fd, unsigned events)
{
  struct prb_httpd *h = arg;
  for(int i = 0; i < PRB_HTTPD_ACCEPT_BATCH; i++) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int c = accept4(fd, (struct sockaddr *)&ss, &len,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
    if(c >= 0) {
      admit(h, c, (struct sockaddr *)&ss, len);
      continue;
    }
    if(errno == EINTR || errno == ECONNABORTED)
      continue;
    if(errno != EAGAIN && errno != EWOULDBLOCK) {
      /* Out of descriptors or memory: the socket stays readable, so stop
       * watching it for a moment rather than spin. */
      prb_loop_watch(h->loop, h->lfd, 0, NULL, NULL);
      prb_timer_start(h->loop, &h->accept_timer, ACCEPT_PAUSE,
                      on_accept_timer, h);
    }
    break;
  }
  prb_httpd_run_mhd(h);
}

static void on_accept_timer(void *arg)
{
  struct prb_httpd *h = arg;
  prb_loop_watch(h->loop, h->lfd, PRB_IO_READ, prb_httpd_on_listen, h);
}

void prb_httpd_on_notify(void *cls, struct MHD_Connection *mc,
                         void **socket_context,
                         enum MHD_ConnectionNotificationCode code)
{
  struct prb_httpd *h = cls;
  struct conn *c = *socket_context;
  if(code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
      mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    h->adding_started = true;
    c = calloc(1, sizeof(*c));
    if(!c) {
      prb_share_conn_close(&h->share, &h->adding);
      if(ci)
        shutdown(ci->connect_fd, SHUT_RDWR);
      return;
    }
    c->mc = mc;
    c->fd = ci ? ci->connect_fd : -1;
    c->peer = h->adding;
    c->counted = true;
    c->since = prb_now();
    c->next = h->conns;
    if(h->conns)
      h->conns->prev = c;
    h->conns = c;
    h->n_live++;
    *socket_context = c;
    prb_httpd_arm_tick(h);
    return;
  }
  if(!c)
    return;
  if(c->prev)
    c->prev->next = c->next;
  else
    h->conns = c->next;
  if(c->next)
    c->next->prev = c->prev;
  if(!c->dying)
    h->n_live--;
  if(c->counted)
    prb_share_conn_close(&h->share, &c->peer);
  free(c);
  *socket_context = NULL;
}

int prb_httpd_listen(const char *text, char *why, size_t whylen)
{
  struct prb_addr a;
  struct sockaddr_storage ss;
  socklen_t len;
  if(prb_addr_parse_endpoint(text, false, &a) < 0 ||
     !(len = prb_addr_to_sockaddr(&a, &ss))) {
    snprintf(why, whylen, "--listen takes IP:PORT or [IPv6]:PORT, not "
             "\"%s\"", text);
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  0);
  int one = 1;
  if(fd >= 0)
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if(fd >= 0 && ss.ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if(fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
     listen(fd, 256) < 0) {
    snprintf(why, whylen, "cannot listen on %s: %s", text, strerror(errno));
    if(fd >= 0)
      close(fd);
    return -1;
  }
  return fd;
}


void prb_httpd_sweep_conns(struct prb_httpd *h, double now)
{
  for(struct conn *c = h->conns; c; c = c->next)
    if(!c->busy && !c->dying && now - c->since > h->o.request_timeout) {
      h->st.timed_out++;
      drop_conn(h, c);
    }
  for(size_t i = 0; i < h->n_linger; )
    if(now >= h->linger[i].until)
      linger_close(h, i);
    else
      i++;
}

void prb_httpd_close_lingering(struct prb_httpd *h)
{
  while(h->n_linger)
    linger_close(h, 0);
}
