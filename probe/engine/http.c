/* http.c: libcurl multi driven by our loop, one pinned request to a
 * control per fetch. */
#include "engine/http.h"
#include "common/addr.h"
#include "ooni/failure.h"
#include "common/buf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <openssl/ssl.h>

struct prb_http {
  struct prb_loop *loop;
  CURLM *multi;
  X509_STORE *store;
  struct prb_timer timer;
  struct prb_fetch *fetches;    /* running, for prb_http_free */
};

struct prb_fetch {
  struct prb_http *h;
  struct prb_fetch *prev, *next;
  CURL *easy;
  struct curl_slist *resolve;
  struct curl_slist *headers;
  char ip[PRB_IP_MAX];
  double t_base;
  size_t body_cap;
  prb_fetch_done done;
  void *arg;
  struct prb_http_request req;
};

static void fetch_free(struct prb_fetch *f)
{
  struct prb_http *h = f->h;
  if(f->prev)
    f->prev->next = f->next;
  else
    h->fetches = f->next;
  if(f->next)
    f->next->prev = f->prev;
  if(f->easy) {
    curl_multi_remove_handle(h->multi, f->easy);
    curl_easy_cleanup(f->easy);
  }
  curl_slist_free_all(f->resolve);
  curl_slist_free_all(f->headers);
  prb_obs_request_free(&f->req);
  free(f);
}

void prb_fetch_cancel(struct prb_fetch *f)
{
  if(f)
    fetch_free(f);
}

/* Keeps at most PRB_BODY_MAX bytes of the reply; a longer one is no
 * reply of a control (the caller sees body_is_truncated). */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
  struct prb_fetch *f = userp;
  struct prb_http_request *req = &f->req;
  size_t len = size * nmemb;
  size_t room = PRB_BODY_MAX - req->body_len;
  size_t take = len < room ? len : room;
  if(!prb_array_reserve(&req->body, &f->body_cap, req->body_len + take, 1,
                        PRB_BODY_MAX))
    return 0;
  memcpy(req->body + req->body_len, data, take);
  req->body_len += take;
  if(take < len) {
    req->body_is_truncated = true;
    return 0;                   /* CURLE_WRITE_ERROR: we have enough */
  }
  return len;
}

/* libcurl may only open a socket to the address we pinned, and never to a
 * refused one: a second line of defence behind CURLOPT_RESOLVE. */
static curl_socket_t on_opensocket(void *clientp, curlsocktype purpose,
                                   struct curl_sockaddr *a)
{
  struct prb_fetch *f = clientp;
  char ip[PRB_IP_MAX] = "";
  struct prb_addr to;
  if(prb_addr_from_sockaddr(&a->addr, &to))
    prb_addr_format(&to, ip, sizeof(ip));
  if(purpose != CURLSOCKTYPE_IPCXN || strcmp(ip, f->ip))
    return CURL_SOCKET_BAD;
  return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *userp)
{
  struct prb_http *h = userp;
  SSL_CTX_set1_cert_store((SSL_CTX *)sslctx, h->store);
  return CURLE_OK;
}

static void finish_transfer(struct prb_fetch *f, CURLcode rc)
{
  struct prb_http_request *req = &f->req;
  long os_errno = 0, verify = 0, version = 0;
  char *local = NULL;
  curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &req->code);
  curl_easy_getinfo(f->easy, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo(f->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
  curl_easy_getinfo(f->easy, CURLINFO_HTTP_VERSION, &version);
  curl_easy_getinfo(f->easy, CURLINFO_LOCAL_IP, &local);
  char local_ip[PRB_IP_MAX] = "";
  if(local)
    snprintf(local_ip, sizeof(local_ip), "%s", local);
  req->t = prb_now() - f->t_base;
  if(rc == CURLE_WRITE_ERROR && req->body_is_truncated)
    rc = CURLE_OK;              /* we stopped it at the cap */
  req->failure = prb_failure_curl(rc, os_errno, verify);
  if(req->failure)
    req->code = req->code > 0 ? req->code : 0;
  if(req->code > 0)
    snprintf(req->alpn, sizeof(req->alpn), "%s",
             version == CURL_HTTP_VERSION_2_0 ? "h2" : "http/1.1");
  prb_fetch_done done = f->done;
  void *arg = f->arg;
  struct prb_http_request out = *req;
  memset(req, 0, sizeof(*req)); /* ownership moves to the callee */
  fetch_free(f);
  done(arg, &out, local_ip);
}

static void check_done(struct prb_http *h)
{
  CURLMsg *msg;
  int left;
  while((msg = curl_multi_info_read(h->multi, &left))) {
    if(msg->msg != CURLMSG_DONE)
      continue;
    struct prb_fetch *f = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&f);
    if(f)
      finish_transfer(f, msg->data.result);
  }
}

static void on_io(void *arg, int fd, unsigned events)
{
  struct prb_http *h = arg;
  int mask = ((events & PRB_IO_READ) ? CURL_CSELECT_IN : 0) |
             ((events & PRB_IO_WRITE) ? CURL_CSELECT_OUT : 0) |
             ((events & PRB_IO_ERROR) ? CURL_CSELECT_ERR : 0);
  int running;
  curl_multi_socket_action(h->multi, fd, mask, &running);
  check_done(h);
}

static void on_timer(void *arg)
{
  struct prb_http *h = arg;
  int running;
  curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(h);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp,
                     void *socketp)
{
  struct prb_http *h = userp;
  unsigned ev = 0;
  if(what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    ev |= PRB_IO_READ;
  if(what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    ev |= PRB_IO_WRITE;
  prb_loop_watch(h->loop, s, ev, on_io, h);
  return 0;
}

/* libcurl must not be called from here: only (re)arm our timer. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
  struct prb_http *h = userp;
  if(timeout_ms < 0)
    prb_timer_stop(h->loop, &h->timer);
  else
    prb_timer_start(h->loop, &h->timer, (double)timeout_ms / 1000.0,
                    on_timer, h);
  return 0;
}

struct prb_http *prb_http_new(struct prb_loop *loop, X509_STORE *store,
                              char *why, size_t whylen)
{
  struct prb_http *h = calloc(1, sizeof(*h));
  if(!h || !(h->multi = curl_multi_init())) {
    snprintf(why, whylen, "cannot start libcurl");
    free(h);
    return NULL;
  }
  h->loop = loop;
  h->store = store;
  X509_STORE_up_ref(store);
  prb_timer_init(&h->timer);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 1L);
  return h;
}

void prb_http_free(struct prb_http *h)
{
  if(!h)
    return;
  while(h->fetches)
    fetch_free(h->fetches);
  prb_timer_stop(h->loop, &h->timer);
  curl_multi_cleanup(h->multi);
  X509_STORE_free(h->store);
  free(h);
}

static const char *const control_headers[][2] = {
  {"Accept", "application/json"},
  {"Content-Type", "application/json"},
  {"User-Agent", "accessprobe/" PRB_VERSION},
};

static bool set_request_headers(struct prb_fetch *f)
{
  for(size_t i = 0; i < sizeof(control_headers) / sizeof(control_headers[0]);
      i++) {
    char line[512];
    snprintf(line, sizeof(line), "%s: %s", control_headers[i][0],
             control_headers[i][1]);
    struct curl_slist *l = curl_slist_append(f->headers, line);
    if(!l)
      return false;
    f->headers = l;
  }
  return true;
}

struct prb_fetch *prb_http_fetch(struct prb_http *h,
                                 const struct prb_fetch_params *p,
                                 prb_fetch_done done, void *arg)
{
  struct prb_fetch *f = calloc(1, sizeof(*f));
  if(!f)
    return NULL;
  f->h = h;
  f->next = h->fetches;
  if(h->fetches)
    h->fetches->prev = f;
  h->fetches = f;
  f->done = done;
  f->arg = arg;
  f->t_base = p->t_base;
  snprintf(f->ip, sizeof(f->ip), "%s", p->ip);
  struct prb_http_request *req = &f->req;
  snprintf(req->url, sizeof(req->url), "%s", p->url);
  bool v6 = strchr(p->ip, ':') != NULL;
  snprintf(req->address, sizeof(req->address), v6 ? "[%s]:%d" : "%s:%d",
           p->ip, p->port);
  req->t0 = prb_now() - p->t_base;

  /* Pinned with '+': an entry that times out (CURLOPT_RESOLVE), so that
   * libcurl's DNS cache, which curl 7.88 walks on every lookup, stays
   * small however many requests a run makes. */
  char pin[PRB_HOST_MAX + PRB_IP_MAX + 16];
  snprintf(pin, sizeof(pin), v6 ? "+%s:%d:[%s]" : "+%s:%d:%s", p->host,
           p->port, p->ip);
  f->resolve = curl_slist_append(NULL, pin);
  f->easy = curl_easy_init();
  if(!f->resolve || !f->easy || !set_request_headers(f))
    goto fail;

  CURL *e = f->easy;
  long ms = (long)(p->deadline * 1000.0);
  CURLcode rc = CURLE_OK;
  rc |= curl_easy_setopt(e, CURLOPT_URL, p->url);
  rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)f);
  rc |= curl_easy_setopt(e, CURLOPT_RESOLVE, f->resolve);
  rc |= curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 2L);
  rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->headers);
  rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  rc |= curl_easy_setopt(e, CURLOPT_PROXY, "");  /* ignore *_proxy vars */
  rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
  rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
  rc |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  rc |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  rc |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                         (long)CURL_HTTP_VERSION_1_1);
  rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
  rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
  rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, f);
  /* Our own store, parsed once: no CA file or directory for libcurl to
   * re-read per connection (about 17x the CPU on Debian's defaults), and
   * never the system store. */
  rc |= curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
  rc |= curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
  rc |= curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  rc |= curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, h);
  rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  rc |= curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  if(p->post) {
    rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)p->post_len);
    rc |= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, p->post);
  }
  if(rc != CURLE_OK)
    goto fail;
  if(curl_multi_add_handle(h->multi, e) != CURLM_OK)
    goto fail;
  return f;
fail:
  fetch_free(f);
  return NULL;
}
