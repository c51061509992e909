/* upload_http.c: bounded requests to a collector over libcurl multi, and
 * their answers read (see upload_http.h). */
#include "volunteer/upload_http.h"
#include "common/buf.h"
#include "common/version.h"
#include "engine/tlsctx.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct req {
  struct prb_uhttp *h;
  CURL *easy;
  enum prb_ukind kind;
  char *body;                   /* what is posted */
  struct prb_buf answer;
  bool too_big;
  struct prb_uheaders hdr;
  struct curl_slist *headers;
  prb_uhttp_done done;
  void *arg;
  char err[CURL_ERROR_SIZE];
  struct req *prev, *next;      /* in h->reqs */
};

struct prb_uhttp {
  CURLM *multi;
  X509_STORE *store;            /* NULL: the default file could not load */
  const char *ca_file;
  double timeout;
  int inflight;
  struct req *reqs;             /* in flight */
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
  struct req *r = arg;
  if(prb_buf_add(&r->answer, p, size * n) != PRB_BUF_OK) {
    r->too_big = true;
    return 0;                   /* stops the transfer */
  }
  return size * n;
}

/* Keeps the few headers whose meaning we use. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
  struct req *r = arg;
  prb_uanswer_header(p, size * n, &r->hdr);
  return size * n;
}

static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *arg)
{
  struct prb_uhttp *h = arg;
  if(!h->store)
    return CURLE_SSL_CACERT_BADFILE;
  SSL_CTX_set1_cert_store(ssl_ctx, h->store);
  return CURLE_OK;
}

struct prb_uhttp *prb_uhttp_new(const char *ca_file, double timeout)
{
  struct prb_uhttp *h = calloc(1, sizeof(*h));
  if(!h || !(h->multi = curl_multi_init())) {
    free(h);
    return NULL;
  }
  char why[256];
  size_t n;
  h->ca_file = ca_file ? ca_file : PRB_DEFAULT_CA;
  /* Unloadable anchors fail https requests, with the reason, later. */
  h->store = prb_tls_store_load(h->ca_file, &n, why, sizeof(why));
  h->timeout = timeout;
  return h;
}

static void free_req(struct req *r)
{
  struct prb_uhttp *h = r->h;
  if(r->prev)
    r->prev->next = r->next;
  else if(h->reqs == r)
    h->reqs = r->next;
  if(r->next)
    r->next->prev = r->prev;
  curl_multi_remove_handle(h->multi, r->easy);
  curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->headers);
  prb_buf_free(&r->answer);
  free(r->body);
  free(r);
}

void prb_uhttp_free(struct prb_uhttp *h)
{
  if(!h)
    return;
  while(h->reqs)
    free_req(h->reqs);
  curl_multi_cleanup(h->multi);
  X509_STORE_free(h->store);
  free(h);
}

/* Starts a POST of body (taken over) to base + path. */
static bool post(struct prb_uhttp *h, enum prb_ukind kind, const char *base,
                 const char *path, char *body, prb_uhttp_done done,
                 void *arg)
{
  struct req *r = calloc(1, sizeof(*r));
  char url[4096];
  size_t bl = strlen(base);
  while(bl && base[bl - 1] == '/')
    bl--;
  if(!r || snprintf(url, sizeof(url), "%.*s%s", (int)bl, base, path) >=
     (int)sizeof(url) || !(r->easy = curl_easy_init())) {
    free(r);
    free(body);
    return false;
  }
  r->h = h;
  r->kind = kind;
  r->body = body;
  r->done = done;
  r->arg = arg;
  prb_buf_init(&r->answer, PRB_UHTTP_ANSWER_MAX);
  char ua[64];
  snprintf(ua, sizeof(ua), "User-Agent: %s/%s", prb_software_name(),
           prb_software_version());
  r->headers = curl_slist_append(NULL, "Content-Type: application/json");
  r->headers = curl_slist_append(r->headers, "Expect:");
  r->headers = curl_slist_append(r->headers, ua);
  CURL *e = r->easy;
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->err);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(h->timeout * 1000));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   (long)(h->timeout * 1000 / 2));
  curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
  curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, h);
  if(!r->headers || curl_multi_add_handle(h->multi, e) != CURLM_OK) {
    free_req(r);
    return false;
  }
  r->next = h->reqs;
  if(h->reqs)
    h->reqs->prev = r;
  h->reqs = r;
  h->inflight++;
  return true;
}

bool prb_uhttp_open(struct prb_uhttp *h, const char *base,
                    const struct prb_cp_template *t, prb_uhttp_done done,
                    void *arg)
{
  json_t *o = prb_cp_template_json(t);
  char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return body && post(h, PRB_UK_OPEN, base, "/report", body, done, arg);
}

bool prb_uhttp_submit(struct prb_uhttp *h, const char *base, const char *rid,
                      const char *record, size_t len, prb_uhttp_done done,
                      void *arg)
{
  static const char head[] = "{\"format\":\"json\",\"content\":";
  char path[PRB_CP_RID_MAX + 16];
  char *body = malloc(sizeof(head) + len + 2);
  if(!body)
    return false;
  memcpy(body, head, sizeof(head) - 1);
  memcpy(body + sizeof(head) - 1, record, len);
  memcpy(body + sizeof(head) - 1 + len, "}", 2);
  snprintf(path, sizeof(path), "/report/%s", rid);
  return post(h, PRB_UK_SUBMIT, base, path, body, done, arg);
}

bool prb_uhttp_close(struct prb_uhttp *h, const char *base, const char *rid)
{
  char path[PRB_CP_RID_MAX + 16];
  char *body = strdup("{}");
  snprintf(path, sizeof(path), "/report/%s/close", rid);
  return body && post(h, PRB_UK_CLOSE, base, path, body, NULL, NULL);
}

/* Reads a finished request's answer into *res. */
static void judge(struct req *r, CURLcode code, struct prb_ures *res)
{
  if(code != CURLE_OK && !(code == CURLE_WRITE_ERROR && r->too_big)) {
    memset(res, 0, sizeof(*res));
    res->answer = PRB_UA_RETRY;
    res->retry_after = r->hdr.retry_after;
    res->network = true;
    if(code == CURLE_OPERATION_TIMEDOUT)
      snprintf(res->reason, sizeof(res->reason), "no complete answer within "
               "%.0f s (%s)", r->h->timeout, r->err);
    else
      snprintf(res->reason, sizeof(res->reason), "no answer: %s%s%s",
               curl_easy_strerror(code), r->err[0] ? ": " : "", r->err);
    return;
  }
  long status = 0;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  prb_uanswer_read(r->kind, status, r->answer.p, r->answer.len, r->too_big,
                   &r->hdr, res);
}

int prb_uhttp_run(struct prb_uhttp *h, double max_wait, int wake_fd)
{
  int running, ready;
  struct curl_waitfd wake = {wake_fd, CURL_WAIT_POLLIN, 0};
  curl_multi_perform(h->multi, &running);
  if(running == h->inflight && max_wait > 0)
    curl_multi_poll(h->multi, wake_fd >= 0 ? &wake : NULL,
                    wake_fd >= 0 ? 1 : 0, (int)(max_wait * 1000), &ready);
  curl_multi_perform(h->multi, &running);
  CURLMsg *m;
  int left;
  while((m = curl_multi_info_read(h->multi, &left))) {
    if(m->msg != CURLMSG_DONE)
      continue;
    struct req *r = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    CURLcode code = m->data.result;
    struct prb_ures res;
    judge(r, code, &res);
    h->inflight--;
    prb_uhttp_done done = r->done;
    void *arg = r->arg;
    free_req(r);
    if(done)
      done(arg, &res);
  }
  return h->inflight;
}

int prb_uhttp_inflight(const struct prb_uhttp *h)
{
  return h->inflight;
}
