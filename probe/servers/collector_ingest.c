/* collector_ingest.c: the collector's routes and its batches (see
 * collector_ingest.h). */
#include "servers/collector_ingest.h"
#include "servers/httpd.h"
#include "common/addr.h"
#include "common/buf.h"
#include "common/jsonspan.h"
#include "common/textclean.h"
#include "common/url.h"
#include "common/version.h"
#include "ooni/collector_proto.h"
#include "ooni/scrub.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_BYTES_MAX (256u * 1024 * 1024)  /* record text waiting */
#define FULL_RETRY 300                     /* Retry-After: disk full */
#define BUSY_RETRY 5                       /* Retry-After: queue full */
#define SUMMARY_EVERY 60.0
#define LOGGED_MAX 20                      /* refusals logged a minute */

/* One record on its way to storage. */
struct rec {
  struct prb_hreq *rq;          /* NULL once its client has gone */
  struct prb_cp_stored st;
  char *cols;                   /* the texts row.v points into */
  struct prb_cpg_row row;
  bool solo;                    /* store alone: its batch was refused */
};

struct prb_cingest {
  struct prb_loop *loop;
  struct prb_archive *archive;
  struct prb_cpg *pg;
  unsigned collector;
  FILE *log;
  struct rec **queue;           /* waiting, oldest first */
  size_t n_queue, cap_queue, queue_bytes;
  struct rec **batch;           /* in the database */
  size_t n_batch;
  struct prb_cpg_row *rows;
  struct prb_timer summary;
  struct prb_cingest_stats total, last;
  bool disk_full;               /* said once per episode */
  unsigned logged;              /* refusals logged this minute */
};

/* {"error": why} with status, and Retry-After: retry for a 503. */
static void fail(struct prb_hreq *rq, unsigned status, const char *why,
                 unsigned retry)
{
  json_t *o = json_pack("{s:s}", "error", why);
  char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  prb_hreq_answer(rq, status, t ? t : "{}", retry);
  free(t);
}

static void answer_rec(struct prb_cingest *ing, struct rec *r,
                       unsigned status, const char *why, unsigned retry)
{
  if(status == MHD_HTTP_OK) {
    char ok[PRB_CP_UID_MAX + 32];
    snprintf(ok, sizeof(ok), "{\"measurement_uid\":\"%s\"}", r->st.uid);
    if(r->rq)
      prb_hreq_answer(r->rq, status, ok, 0);
  } else {
    if(r->rq)
      fail(r->rq, status, why, retry);
    if(status == MHD_HTTP_SERVICE_UNAVAILABLE)
      ing->total.unavailable++;
    else
      ing->total.refused++;
  }
  prb_cp_stored_free(&r->st);
  free(r->cols);
  free(r);
}

/* ---- columns ----------------------------------------------------------- */

static const char *str_at(const json_t *o, const char *a, const char *b,
                          const char *c)
{
  const json_t *v = json_object_get(o, a);
  if(b)
    v = json_object_get(v, b);
  if(c)
    v = json_object_get(v, c);
  return json_string_value(v);
}

/* The row's texts, copied into one buffer (the parse is freed before the
 * batch runs). */
static bool make_row(struct rec *r, const json_t *m, const char *rid)
{
  char domain[PRB_HOST_MAX] = "";
  const char *input = json_string_value(json_object_get(m, "input"));
  struct prb_url u;
  if(input && prb_url_parse(input, &u, NULL) == 0)
    snprintf(domain, sizeof(domain), "%s", u.host);
  json_t *conf = json_object_get(json_object_get(json_object_get(m,
                                 "test_keys"), "x_analysis"), "confirmed");
  const char *src[PRB_PG_COLUMNS] = {
    r->st.uid, str_at(m, "measurement_start_time", NULL, NULL), rid, input,
    domain[0] ? domain : NULL, str_at(m, "probe_cc", NULL, NULL),
    str_at(m, "probe_asn", NULL, NULL), str_at(m, "test_name", NULL, NULL),
    str_at(m, "test_keys", "x_analysis", "verdict"),
    str_at(m, "test_keys", "x_analysis", "method"),
    str_at(m, "test_keys", "x_analysis", "detail"),
    json_is_boolean(conf) ? (json_is_true(conf) ? "t" : "f") : NULL,
    r->st.line
  };
  size_t need = 0;
  for(int i = 0; i < PRB_PG_COLUMNS - 1; i++)
    need += src[i] ? strlen(src[i]) + 1 : 0;
  r->cols = malloc(need ? need : 1);
  if(!r->cols)
    return false;
  char *p = r->cols;
  for(int i = 0; i < PRB_PG_COLUMNS - 1; i++) {
    if(!src[i]) {
      r->row.v[i] = NULL;
      continue;
    }
    size_t n = strlen(src[i]) + 1;
    memcpy(p, src[i], n);
    r->row.v[i] = p;
    p += n;
  }
  r->row.v[PRB_PG_COLUMNS - 1] = r->st.line;
  prb_cp_parse_time(r->row.v[1], &r->row.start);
  return true;
}

/* ---- one record in --------------------------------------------------- */

/* Why the database or the disk cannot take records now, with the
 * Retry-After to give; NULL when they can. */
static const char *storage_busy(const struct prb_cingest *ing,
                                unsigned *retry)
{
  if(ing->pg && !prb_cpg_up(ing->pg)) {
    *retry = prb_cpg_retry_in(ing->pg) + 1;
    return "the collector's database is unavailable; try again later";
  }
  if(ing->pg && prb_cpg_busy_for(ing->pg) > PRB_CINGEST_SLOW) {
    *retry = 10;
    return "the collector's database is slow; try again later";
  }
  if(ing->n_queue >= PRB_CINGEST_QUEUE_MAX ||
     ing->queue_bytes >= QUEUE_BYTES_MAX) {
    *retry = BUSY_RETRY;
    return "the collector is busy; try again later";
  }
  return NULL;
}

/* The record must not name the address it is uploaded from (the probe's
 * own, in practice): that would publish a volunteer's address. */
static bool names_client(const struct prb_hreq *rq, const char *line,
                         size_t len)
{
  const char *client = prb_hreq_client(rq);
  struct prb_addr a;
  if(!client[0] || !prb_addr_parse(client, &a) ||
     prb_addr_kind(&a) == PRB_ADDR_LOOPBACK)
    return false;
  struct prb_scrub *s = prb_scrub_new();
  size_t outlen = len;
  char *out = s && prb_scrub_add(s, client) ?
              prb_scrub_text(s, line, len, &outlen) : NULL;
  bool named = out && (outlen != len || memcmp(out, line, len));
  free(out);
  prb_scrub_free(s);
  return named;
}

static void refuse(struct prb_cingest *ing, struct prb_hreq *rq,
                   const char *why)
{
  ing->total.refused++;
  /* A flood of bad records must not flood the journal, nor may a quoted
   * byte of theirs reach it unprintable. */
  if(ing->log && ing->logged++ < LOGGED_MAX) {
    char shown[400];
    prb_log_excerpt(shown, sizeof(shown), why, strlen(why));
    fprintf(ing->log, "accessprobe collector: refused a request: %s\n", shown);
  }
  fail(rq, MHD_HTTP_BAD_REQUEST, why, 0);
}

/* Checks and queues one record: text[0..len) is its JSON, rid the report
 * it is submitted to. */
static void take(struct prb_cingest *ing, struct prb_hreq *rq,
                 const json_t *m, const char *text, size_t len,
                 const char *rid)
{
  char why[512];
  struct prb_cp_rid r;
  if(!prb_cp_rid_parse(rid, &r, why, sizeof(why)) ||
     !prb_cp_record_check(m, &r, time(NULL), why, sizeof(why))) {
    refuse(ing, rq, why);
    return;
  }
  struct rec *rec = calloc(1, sizeof(*rec));
  if(!rec || prb_cp_store_form(m, text, len, rid, &rec->st, why,
                               sizeof(why)) < 0) {
    free(rec);
    refuse(ing, rq, why);
    return;
  }
  if(names_client(rq, rec->st.line, rec->st.len)) {
    prb_cp_stored_free(&rec->st);
    free(rec);
    refuse(ing, rq, "the record contains the address it is uploaded "
           "from: a volunteer's address must never be published (scrub it "
           "before uploading)");
    return;
  }
  rec->rq = rq;
  prb_hreq_set_data(rq, rec);
  if(!make_row(rec, m, rid) ||
     !prb_array_reserve(&ing->queue, &ing->cap_queue, ing->n_queue + 1,
                        sizeof(*ing->queue), SIZE_MAX)) {
    prb_cp_stored_free(&rec->st);
    free(rec->cols);
    free(rec);
    prb_hreq_set_data(rq, NULL);
    fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory", 30);
    return;
  }
  ing->queue[ing->n_queue++] = rec;
  ing->queue_bytes += rec->st.len;
}

static json_t *load(const char *body, size_t len, char *why, size_t whylen)
{
  json_error_t je;
  json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
  /* Jansson's words for the two a record must never hold. */
  if(!j && strstr(je.text, "decode byte"))
    snprintf(why, whylen, "a string is not valid UTF-8 (line %d, column %d): "
             "bytes that are not text belong in BinaryData "
             "({\"format\":\"base64\",\"data\":...})", je.line, je.column);
  else if(!j && strstr(je.text, "\\u0000"))
    snprintf(why, whylen, "a string holds NUL (\\u0000, line %d, column %d)",
             je.line, je.column);
  else if(!j)
    snprintf(why, whylen, "not valid JSON (line %d, column %d): %s", je.line,
             je.column, je.text);
  else if(!json_is_object(j)) {
    snprintf(why, whylen, "the body is not a JSON object");
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* POST /report/{id}: {"format":"json","content":{record}}. */
static void submit(struct prb_cingest *ing, struct prb_hreq *rq,
                   const char *rid)
{
  size_t len, s, e;
  const char *body = prb_hreq_body(rq, &len);
  char why[512];
  json_t *j = load(body, len, why, sizeof(why));
  if(!j) {
    refuse(ing, rq, why);
    return;
  }
  const char *fmt = json_string_value(json_object_get(j, "format"));
  json_t *content = json_object_get(j, "content");
  if(!fmt || strcmp(fmt, "json"))
    refuse(ing, rq, "format must be \"json\"");
  else if(!json_is_object(content))
    refuse(ing, rq, "content must be the measurement, a JSON object");
  else if(prb_json_member(body, len, "content", &s, &e) !=
          PRB_JSON_MEMBER_FOUND)
    refuse(ing, rq, "a top-level key holds an escape sequence");
  else
    take(ing, rq, content, body + s, e - s, rid);
  json_decref(j);
}

/* POST /api/v1/submit_measurement: content is the record (a string, or
 * an object); the collector picks the report: the record's own when it is
 * a valid one for it, else a new one. */
static void submit_v1(struct prb_cingest *ing, struct prb_hreq *rq)
{
  size_t len, s = 0, e = 0;
  const char *body = prb_hreq_body(rq, &len);
  char why[512], rid[PRB_CP_RID_MAX];
  json_t *j = load(body, len, why, sizeof(why)), *m = NULL;
  const char *text = NULL;
  size_t tlen = 0;
  if(!j) {
    refuse(ing, rq, why);
    return;
  }
  json_t *content = json_object_get(j, "content");
  if(json_is_string(content)) {
    text = json_string_value(content);
    tlen = json_string_length(content);
    m = load(text, tlen, why, sizeof(why));
  } else if(json_is_object(content) &&
            prb_json_member(body, len, "content", &s, &e) ==
            PRB_JSON_MEMBER_FOUND) {
    m = json_incref(content);
    text = body + s;
    tlen = e - s;
  } else {
    snprintf(why, sizeof(why), "content must be the measurement: a JSON "
             "string or object");
  }
  struct prb_cp_template t;
  struct prb_cp_rid r;
  const char *own = json_string_value(json_object_get(m, "report_id"));
  if(!m) {
    refuse(ing, rq, why);
  } else if(own && prb_cp_rid_parse(own, &r, why, sizeof(why)) &&
            prb_cp_record_check(m, &r, time(NULL), why, sizeof(why))) {
    take(ing, rq, m, text, tlen, own);
  } else if(!prb_cp_template_read(m, true, &t, why, sizeof(why))) {
    refuse(ing, rq, why);
  } else {
    prb_cp_report_id(&t, ing->collector, rid);
    take(ing, rq, m, text, tlen, rid);
  }
  json_decref(m);
  json_decref(j);
}

/* POST /report: a template in, a new report_id out. Reports are not kept:
 * the report_id itself says what its records must agree with. */
static void open_report(struct prb_cingest *ing, struct prb_hreq *rq)
{
  size_t len;
  const char *body = prb_hreq_body(rq, &len);
  char why[512], rid[PRB_CP_RID_MAX];
  struct prb_cp_template t;
  json_t *j = load(body, len, why, sizeof(why));
  if(!j || !prb_cp_template_read(j, false, &t, why, sizeof(why))) {
    json_decref(j);
    refuse(ing, rq, why);
    return;
  }
  json_decref(j);
  prb_cp_report_id(&t, ing->collector, rid);
  json_t *o = json_pack("{s:s, s:s, s:[s]}", "backend_version",
                        "accessprobe " PRB_VERSION, "report_id", rid,
                        "supported_formats", "json");
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if(text) {
    ing->total.reports++;
    prb_hreq_answer(rq, MHD_HTTP_OK, text, 0);
  } else {
    fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory", 30);
  }
  free(text);
}

static void health(struct prb_cingest *ing, struct prb_hreq *rq)
{
  unsigned retry;
  const char *busy = storage_busy(ing, &retry);
  json_t *o = json_pack("{s:s, s:s, s:s}", "status", busy ? "busy" : "ok",
                        "software", "accessprobe " PRB_VERSION, "database",
                        !ing->pg ? "none" :
                        prb_cpg_up(ing->pg) ? "up" : "down");
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  prb_hreq_answer(rq, text ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                  text ? text : "{}", 0);
  free(text);
}

/* ---- routes ---------------------------------------------------------- */

enum route { R_NONE, R_HEALTH, R_OPEN, R_SUBMIT, R_CLOSE, R_SUBMIT_V1 };

/* The route of a path, and the {id} of /report/{id}[/close] into rid. */
static enum route route_of(const char *path, char rid[PRB_CP_RID_MAX])
{
  rid[0] = '\0';
  if(!strcmp(path, "/"))
    return R_HEALTH;
  if(!strcmp(path, "/report"))
    return R_OPEN;
  if(!strcmp(path, "/api/v1/submit_measurement"))
    return R_SUBMIT_V1;
  if(strncmp(path, "/report/", 8))
    return R_NONE;
  const char *id = path + 8;
  size_t n = strcspn(id, "/");
  if(!n || n >= PRB_CP_RID_MAX || (id[n] && strcmp(id + n, "/close")))
    return R_NONE;
  memcpy(rid, id, n);
  rid[n] = '\0';
  return id[n] ? R_CLOSE : R_SUBMIT;
}

unsigned prb_cingest_head(void *arg, struct prb_hreq *rq, size_t *body_max,
                          const char **why)
{
  char rid[PRB_CP_RID_MAX];
  enum route r = route_of(prb_hreq_path(rq), rid);
  bool post = !strcmp(prb_hreq_method(rq), "POST");
  const char *ce = prb_hreq_header(rq, "Content-Encoding");
  if(r == R_NONE) {
    *why = "no such endpoint: the collector takes POST /report, "
           "/report/{report_id}, /report/{report_id}/close and "
           "/api/v1/submit_measurement";
    return MHD_HTTP_NOT_FOUND;
  }
  if(post == (r == R_HEALTH)) {
    *why = r == R_HEALTH ? "GET / is the health check" :
           "use POST with a JSON body";
    return MHD_HTTP_METHOD_NOT_ALLOWED;
  }
  if(ce && strcasecmp(ce, "identity")) {
    *why = "Content-Encoding is not supported: send the JSON as it is";
    return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
  }
  *body_max = r == R_SUBMIT || r == R_SUBMIT_V1 ? PRB_CP_BODY_MAX :
              PRB_CP_TEMPLATE_BODY_MAX;
  return 0;
}

/* A submission holding its slot: checked, and queued for a batch. */
static void go_submit(void *arg, struct prb_hreq *rq)
{
  struct prb_cingest *ing = arg;
  char rid[PRB_CP_RID_MAX];
  if(route_of(prb_hreq_path(rq), rid) == R_SUBMIT)
    submit(ing, rq, rid);
  else
    submit_v1(ing, rq);
}

void prb_cingest_request(void *arg, struct prb_hreq *rq)
{
  struct prb_cingest *ing = arg;
  char why[256], rid[PRB_CP_RID_MAX];
  unsigned retry = 0;
  const char *busy;
  struct prb_cp_rid r;
  switch(route_of(prb_hreq_path(rq), rid)) {
  case R_HEALTH:
    health(ing, rq);
    return;
  case R_OPEN:
    open_report(ing, rq);
    return;
  case R_CLOSE:
    if(prb_cp_rid_parse(rid, &r, why, sizeof(why)))
      prb_hreq_answer(rq, MHD_HTTP_OK, "{}", 0);
    else
      refuse(ing, rq, why);
    return;
  case R_SUBMIT:
  case R_SUBMIT_V1:
    if((busy = storage_busy(ing, &retry))) {
      ing->total.unavailable++;
      fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE, busy, retry);
      return;
    }
    /* A slot is a place in the queue, fairly shared among clients. */
    prb_hreq_wait_slot(rq, go_submit);
    return;
  case R_NONE:
    fail(rq, MHD_HTTP_NOT_FOUND, "no such endpoint", 0);
    return;
  }
}

void prb_cingest_cancel(void *arg, struct prb_hreq *rq)
{
  struct rec *r = prb_hreq_data(rq);
  if(r)
    r->rq = NULL;               /* stored all the same; not answered */
}

/* ---- batches --------------------------------------------------------- */

static void on_stored(void *arg, enum prb_cpg_result res, const char *why)
{
  struct prb_cingest *ing = arg;
  char msg[600];
  size_t n = ing->n_batch;
  ing->n_batch = 0;
  if(res == PRB_CPG_REFUSED && n > 1) {
    /* One bad row spoils a multi-row INSERT: store them one by one, in
     * front of the queue, to find it. */
    if(prb_array_reserve(&ing->queue, &ing->cap_queue, ing->n_queue + n,
                         sizeof(*ing->queue), SIZE_MAX)) {
      memmove(ing->queue + n, ing->queue, ing->n_queue * sizeof(*ing->queue));
      for(size_t i = 0; i < n; i++) {
        ing->batch[i]->solo = true;
        ing->queue[i] = ing->batch[i];
        ing->queue_bytes += ing->batch[i]->st.len;
      }
      ing->n_queue += n;
      return;
    }
    res = PRB_CPG_UNAVAILABLE;
  }
  if(res == PRB_CPG_REFUSED) {
    snprintf(msg, sizeof(msg), "the collector's database refused this "
             "record: %s", why);
    if(ing->log)
      fprintf(ing->log, "accessprobe collector: %s\n", msg);
  }
  for(size_t i = 0; i < n; i++) {
    struct rec *r = ing->batch[i];
    if(res == PRB_CPG_OK)
      answer_rec(ing, r, MHD_HTTP_OK, NULL, 0);
    else if(res == PRB_CPG_REFUSED)
      answer_rec(ing, r, MHD_HTTP_BAD_REQUEST, msg, 0);
    else
      answer_rec(ing, r, MHD_HTTP_SERVICE_UNAVAILABLE, "the collector's "
                 "database failed; try again later",
                 prb_cpg_retry_in(ing->pg) + 1);
  }
}

/* Takes the next batch off the queue: a solo record alone, else up to
 * PRB_CINGEST_BATCH_MAX records that are not solo. */
static size_t next_batch(struct prb_cingest *ing)
{
  size_t n = 0;
  if(ing->n_queue && ing->queue[0]->solo)
    n = 1;
  else
    while(n < ing->n_queue && n < PRB_CINGEST_BATCH_MAX &&
          !ing->queue[n]->solo)
      n++;
  memcpy(ing->batch, ing->queue, n * sizeof(*ing->batch));
  memmove(ing->queue, ing->queue + n,
          (ing->n_queue - n) * sizeof(*ing->queue));
  ing->n_queue -= n;
  for(size_t i = 0; i < n; i++)
    ing->queue_bytes -= ing->batch[i]->st.len;
  return n;
}

void prb_cingest_flush(void *arg)
{
  struct prb_cingest *ing = arg;
  if(!ing->n_queue || ing->n_batch)
    return;
  if(ing->pg && !prb_cpg_up(ing->pg)) {
    unsigned retry = prb_cpg_retry_in(ing->pg) + 1;
    while(ing->n_queue)
      answer_rec(ing, ing->queue[--ing->n_queue], MHD_HTTP_SERVICE_UNAVAILABLE,
                 "the collector's database is unavailable; try again later",
                 retry);
    ing->queue_bytes = 0;
    return;
  }
  if(ing->pg && !prb_cpg_idle(ing->pg))
    return;
  size_t n = next_batch(ing);
  struct prb_archive_item items[PRB_CINGEST_BATCH_MAX];
  for(size_t i = 0; i < n; i++) {
    items[i].uid = ing->batch[i]->st.uid;
    items[i].line = ing->batch[i]->st.line;
    items[i].len = ing->batch[i]->st.len;
  }
  prb_archive_store(ing->archive, items, n, ing->log);
  /* What the archive could not take is not acknowledged. */
  size_t kept = 0;
  bool full = false;
  for(size_t i = 0; i < n; i++) {
    struct rec *r = ing->batch[i];
    if(items[i].result == PRB_ARCHIVE_STORED)
      ing->total.stored++;
    else if(items[i].result == PRB_ARCHIVE_DUPLICATE)
      ing->total.duplicates++;
    if(items[i].result == PRB_ARCHIVE_STORED ||
       items[i].result == PRB_ARCHIVE_DUPLICATE) {
      ing->batch[kept] = r;
      ing->rows[kept++] = r->row;
    } else {
      full |= items[i].result == PRB_ARCHIVE_FULL;
      answer_rec(ing, r, MHD_HTTP_SERVICE_UNAVAILABLE,
                 items[i].result == PRB_ARCHIVE_FULL ?
                 "the collector's disk is full; try again later" :
                 "the collector cannot write its archive; try again later",
                 items[i].result == PRB_ARCHIVE_FULL ? FULL_RETRY : 60);
    }
  }
  if(full != ing->disk_full && ing->log)
    fprintf(ing->log, "accessprobe collector: %s\n", full ?
            "the archive's disk is full: submissions get 503 until there is "
            "room" : "the archive's disk has room again");
  ing->disk_full = full;
  ing->n_batch = kept;
  if(!kept)
    return;
  if(!ing->pg) {
    on_stored(ing, PRB_CPG_OK, NULL);
    return;
  }
  if(!prb_cpg_insert(ing->pg, ing->rows, kept, on_stored, ing))
    on_stored(ing, PRB_CPG_UNAVAILABLE, "the database is not ready");
}

/* ---- life ------------------------------------------------------------ */

static void on_summary(void *arg)
{
  struct prb_cingest *ing = arg;
  struct prb_cingest_stats *t = &ing->total, *l = &ing->last;
  if(ing->log && memcmp(t, l, sizeof(*t)))
    fprintf(ing->log, "accessprobe collector: last minute: %llu reports "
            "opened, %llu records stored, %llu already stored, %llu refused "
            "(400), %llu asked to come back (503)\n",
            t->reports - l->reports, t->stored - l->stored,
            t->duplicates - l->duplicates, t->refused - l->refused,
            t->unavailable - l->unavailable);
  *l = *t;
  ing->logged = 0;
  prb_timer_start(ing->loop, &ing->summary, SUMMARY_EVERY, on_summary, ing);
}

struct prb_cingest *prb_cingest_new(struct prb_loop *loop,
                                    struct prb_archive *archive,
                                    struct prb_cpg *pg, unsigned collector,
                                    FILE *log)
{
  struct prb_cingest *ing = calloc(1, sizeof(*ing));
  if(!ing)
    return NULL;
  ing->batch = calloc(PRB_CINGEST_BATCH_MAX, sizeof(*ing->batch));
  ing->rows = calloc(PRB_CINGEST_BATCH_MAX, sizeof(*ing->rows));
  if(!ing->batch || !ing->rows) {
    free(ing->batch);
    free(ing->rows);
    free(ing);
    return NULL;
  }
  ing->loop = loop;
  ing->archive = archive;
  ing->pg = pg;
  ing->collector = collector;
  ing->log = log;
  prb_timer_init(&ing->summary);
  prb_timer_start(loop, &ing->summary, SUMMARY_EVERY, on_summary, ing);
  return ing;
}

void prb_cingest_free(struct prb_cingest *ing)
{
  if(!ing)
    return;
  while(ing->n_queue)
    answer_rec(ing, ing->queue[--ing->n_queue], MHD_HTTP_SERVICE_UNAVAILABLE,
               "the collector is shutting down", 30);
  for(size_t i = 0; i < ing->n_batch; i++)
    answer_rec(ing, ing->batch[i], MHD_HTTP_SERVICE_UNAVAILABLE,
               "the collector is shutting down", 30);
  prb_timer_stop(ing->loop, &ing->summary);
  free(ing->queue);
  free(ing->batch);
  free(ing->rows);
  free(ing);
}

void prb_cingest_stats(const struct prb_cingest *ing,
                       struct prb_cingest_stats *out)
{
  *out = ing->total;
}
