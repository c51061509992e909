/* http.c: libcurl multi driven by our loop, one pinned GET per fetch. */
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

#define PRB_USER_AGENT "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
  "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

static const char *const request_headers[][2] = {
  {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,"
             "*/*;q=0.8"},
  {"Accept-Language", "en-US,en;q=0.9"},
  {"User-Agent", PRB_USER_AGENT},
};
#define N_REQUEST_HEADERS (sizeof(request_headers) / sizeof(request_headers[0]))

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
  size_t header_bytes;
  size_t body_cap;
  bool count_body;              /* count past the cap (the helper) */
  bool counting;                /* ... and is doing so now */
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

static char *dup_bytes(const char *s, size_t len)
{
  char *d = malloc(len + 1);
  if(d) {
    memcpy(d, s, len);
    d[len] = 0;
  }
  return d;
}

static bool add_header(struct prb_header *list, size_t *n, size_t max,
                       const char *name, size_t nlen, const char *value,
                       size_t vlen)
{
  if(*n >= max)
    return false;
  struct prb_header *hd = &list[*n];
  hd->name = dup_bytes(name, nlen);
  hd->value = dup_bytes(value, vlen);
  if(!hd->name || !hd->value) {
    free(hd->name);
    free(hd->value);
    memset(hd, 0, sizeof(*hd));
    return false;
  }
  hd->name_len = nlen;
  hd->value_len = vlen;
  (*n)++;
  return true;
}

/* One header line per call, status lines included. Only the last response
 * is kept (1xx interim responses are dropped when the next one starts). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
  struct prb_fetch *f = userp;
  size_t len = size * nmemb;
  struct prb_http_request *req = &f->req;
  if(len >= 5 && !memcmp(data, "HTTP/", 5)) {
    for(size_t i = 0; i < req->n_headers; i++) {
      free(req->headers[i].name);
      free(req->headers[i].value);
    }
    req->n_headers = 0;
    req->headers_truncated = false;
    f->header_bytes = 0;
    return len;
  }
  f->header_bytes += len;
  if(f->header_bytes > PRB_HEADERS_MAX) {
    req->headers_truncated = true;
    return len;                 /* keep reading; libcurl caps the total */
  }
  while(len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  const char *colon = memchr(data, ':', len);
  if(!colon || colon == data)
    return size * nmemb;        /* blank line or folded junk */
  size_t nlen = (size_t)(colon - data);
  const char *v = colon + 1;
  size_t vlen = len - nlen - 1;
  while(vlen && (*v == ' ' || *v == '\t')) {
    v++;
    vlen--;
  }
  if(!add_header(req->headers, &req->n_headers, PRB_MAX_HEADERS, data, nlen,
                 v, vlen))
    req->headers_truncated = true;
  return size * nmemb;
}

/* Keeps at most PRB_BODY_MAX raw bytes; past that the transfer stops, or,
 * when asked to count, goes on counting a page's bytes up to
 * PRB_BODY_COUNT_MAX without keeping them. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
  struct prb_fetch *f = userp;
  struct prb_http_request *req = &f->req;
  size_t len = size * nmemb;
  long code = 0;
  if(f->counting) {
    req->body_counted += len;
    return req->body_counted < PRB_BODY_COUNT_MAX ? len : 0;
  }
  curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &code);
  /* A redirect's body is never the page: keep enough for a blockpage,
   * so eleven hops cannot hold megabytes each. */
  bool redirect = code >= 300 && code < 400;
  size_t limit = redirect ? PRB_REDIRECT_BODY_MAX : PRB_BODY_MAX;
  size_t room = limit > req->body_len ? limit - req->body_len : 0;
  size_t take = len < room ? len : room;
  if(!prb_array_reserve(&req->body, &f->body_cap, req->body_len + take, 1,
                        PRB_BODY_MAX))
    return 0;
  memcpy(req->body + req->body_len, data, take);
  req->body_len += take;
  if(f->count_body && !redirect)
    req->body_counted = req->body_len;
  if(take < len) {
    req->body_is_truncated = true;
    if(f->count_body && !redirect) {
      f->counting = true;       /* the rest is only counted */
      req->body_counted += len - take;
      return req->body_counted < PRB_BODY_COUNT_MAX ? len : 0;
    }
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
  /* Counting a page's tail is no part of fetching it: a tail that runs
   * out of time leaves the page kept, and a length that is a lower bound. */
  if(rc == CURLE_OPERATION_TIMEDOUT && f->counting)
    rc = CURLE_OK;
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

static bool set_request_headers(struct prb_fetch *f, bool control)
{
  const char *const (*hdrs)[2] = control ? control_headers : request_headers;
  size_t n = control ? sizeof(control_headers) / sizeof(control_headers[0])
                     : N_REQUEST_HEADERS;
  for(size_t i = 0; i < n; i++) {
    char line[512];
    snprintf(line, sizeof(line), "%s: %s", hdrs[i][0], hdrs[i][1]);
    struct curl_slist *l = curl_slist_append(f->headers, line);
    if(!l)
      return false;
    f->headers = l;
    if(!add_header(f->req.req_headers, &f->req.n_req_headers, 8,
                   hdrs[i][0], strlen(hdrs[i][0]), hdrs[i][1],
                   strlen(hdrs[i][1])))
      return false;
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
  f->count_body = p->count_body;
  snprintf(f->ip, sizeof(f->ip), "%s", p->ip);
  struct prb_http_request *req = &f->req;
  snprintf(req->url, sizeof(req->url), "%s", p->url);
  bool v6 = strchr(p->ip, ':') != NULL;
  snprintf(req->address, sizeof(req->address), v6 ? "[%s]:%d" : "%s:%d",
           p->ip, p->port);
  req->depth = p->depth;
  req->transaction_id = p->transaction_id;
  req->t0 = prb_now() - p->t_base;

  char pin[PRB_HOST_MAX + PRB_IP_MAX + 16];
  snprintf(pin, sizeof(pin), v6 ? "%s:%d:[%s]" : "%s:%d:%s", p->host,
           p->port, p->ip);
  f->resolve = curl_slist_append(NULL, pin);
  f->easy = curl_easy_init();
  if(!f->resolve || !f->easy || !set_request_headers(f, p->post != NULL))
    goto fail;

  CURL *e = f->easy;
  long ms = (long)(p->deadline * 1000.0);
  CURLcode rc = CURLE_OK;
  rc |= curl_easy_setopt(e, CURLOPT_URL, p->url);
  rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)f);
  rc |= curl_easy_setopt(e, CURLOPT_RESOLVE, f->resolve);
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
  rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, f);
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
