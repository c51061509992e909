/* fuzz_collector_proto.c: ooni/collector_proto.c and common/jsonspan.c,
 * what `accessprobe collector` makes of an upload from anyone. The input
 * is taken as collector_ingest.c takes a POST /api/v1/submit_measurement
 * body: a record, or an envelope whose "content" is the record (a string
 * or an object); the record's report is its own report_id when that
 * passes, else a new one from the record's template.
 *
 * Properties:
 * - jsonspan against jansson: the compact text is the same JSON and
 *   compacting again changes nothing; each top-level member the iterator
 *   finds is, value for value, what jansson has under that key (the last
 *   of a name); a valid object never walks BAD.
 * - A template the collector accepts survives prb_cp_template_json, and
 *   the report_id it gets parses back to its cc, asn and test.
 * - A record that passes prb_cp_record_check has a stored form jansson
 *   reads back: one line, its measurement_uid and report_id, the record's
 *   other members unchanged, still passing the check; storing the stored
 *   line again gives it back byte for byte; the uid is the same with the
 *   blanks changed and with another report_id set by
 *   prb_cp_with_report_id, whose output is JSON carrying that id.
 * - Every identifier and field stays within its cap. */
#include "fuzz.h"

#include <jansson.h>
#include <time.h>

#include "common/jsonspan.h"
#include "ooni/collector_proto.h"

/* A fixed "now" (2030-01-01), so a run is reproducible. */
#define NOW ((time_t)1893456000)

static json_t *load_object(const char *s, size_t n, size_t flags)
{
  json_t *j = json_loadb(s, n, flags, NULL);
  if(j && !json_is_object(j)) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* jsonspan on any bytes: in bounds; on valid JSON, what jansson reads. */
static void check_jsonspan(const char *s, size_t n)
{
  char *c = malloc(n + 1);
  if(!c)
    abort();
  size_t cn = prb_json_compact(s, n, c);
  FUZZ_CHECK(cn <= n);

  struct prb_json_iter it;
  struct prb_json_member m;
  enum prb_json_member_rc rc;
  size_t last = 0, members = 0;
  prb_json_iter_init(&it, s, n);
  while((rc = prb_json_next(&it, &m)) == PRB_JSON_MEMBER_FOUND) {
    /* any bytes: in bounds and moving on (an empty value only when the
     * text is not JSON) */
    FUZZ_CHECK(m.key <= m.key_end && m.key_end < m.value &&
               m.value <= m.value_end && m.value_end < n && m.key > last);
    last = m.value_end;
    members++;
  }

  json_t *j = json_loadb(s, n, JSON_DECODE_ANY, NULL);
  if(j) {
    json_t *jc = json_loadb(c, cn, JSON_DECODE_ANY, NULL);
    FUZZ_CHECK(jc && json_equal(j, jc));
    json_decref(jc);
    char *cc = malloc(cn + 1);
    if(!cc)
      abort();
    FUZZ_CHECK(prb_json_compact(c, cn, cc) == cn && !memcmp(c, cc, cn));
    free(cc);
  }
  if(json_is_object(j) && rc == PRB_JSON_MEMBER_ESCAPED) {
    size_t vs, ve;                  /* no lookup past an escaped key */
    FUZZ_CHECK(prb_json_member(s, n, "k", &vs, &ve) == rc);
  } else if(json_is_object(j)) {
    FUZZ_CHECK(rc == PRB_JSON_MEMBER_END);
    size_t distinct = 0;
    prb_json_iter_init(&it, s, n);
    while(prb_json_next(&it, &m) == PRB_JSON_MEMBER_FOUND) {
      FUZZ_CHECK(m.value < m.value_end);
      char *key = fuzz_strndup((const uint8_t *)s + m.key,
                               m.key_end - m.key);
      size_t vs = 0, ve = 0;
      FUZZ_CHECK(prb_json_member(s, n, key, &vs, &ve) ==
                 PRB_JSON_MEMBER_FOUND);
      if(vs == m.value) {           /* the last of its name: jansson's */
        FUZZ_CHECK(ve == m.value_end);
        json_t *v = json_loadb(s + vs, ve - vs, JSON_DECODE_ANY, NULL);
        FUZZ_CHECK(v && json_equal(v, json_object_get(j, key)));
        json_decref(v);
        distinct++;
      }
      free(key);
    }
    FUZZ_CHECK(distinct == json_object_size(j));
  }
  json_decref(j);
  free(c);
}

static void strip_underscores(const char *s, char *out)
{
  size_t k = 0;
  for(; *s; s++)
    if(*s != '_')
      out[k++] = *s;
  out[k] = '\0';
}

/* A report_id made for t parses back to what t says. */
static void check_rid_for(const struct prb_cp_template *t, unsigned collector,
                          char rid[PRB_CP_RID_MAX])
{
  struct prb_cp_rid r;
  char why[256], bare[PRB_CP_TEST_MAX];
  prb_cp_report_id(t, collector, rid);
  FUZZ_CHECK(strlen(rid) < PRB_CP_RID_MAX);
  if(!prb_cp_rid_parse(rid, &r, why, sizeof(why))) {
    fprintf(stderr, "report_id %s for test_name %s: %s\n", rid,
            t->test_name, why);
    FUZZ_CHECK(!"a report_id made for an accepted template parses");
  }
  strip_underscores(t->test_name, bare);
  FUZZ_CHECK(!strcmp(r.cc, t->probe_cc) && !strcmp(r.asn, t->probe_asn) &&
             !strcmp(r.test, bare));
}

static void check_template(const json_t *o, bool from_record)
{
  struct prb_cp_template t, back;
  char why[512], rid[PRB_CP_RID_MAX];
  why[0] = '\0';
  if(!prb_cp_template_read(o, from_record, &t, why, sizeof(why))) {
    FUZZ_CHECK(why[0] && memchr(why, '\0', sizeof(why)));
    return;
  }
  FUZZ_CHECK(strlen(t.probe_cc) == 2 && strlen(t.test_name) > 0);
  json_t *j = prb_cp_template_json(&t);
  FUZZ_CHECK(j != NULL);
  FUZZ_CHECK(prb_cp_template_read(j, false, &back, why, sizeof(why)));
  FUZZ_CHECK(prb_cp_template_equal(&t, &back));
  json_decref(j);
  check_rid_for(&t, 1, rid);
}

/* Some blanks, chosen by *seed, at out; returns how many. */
static size_t put_blanks(char *out, unsigned *seed)
{
  static const char *blanks[] = {" ", "\n", "\t", "\r\n", "  \n\t", ""};
  *seed = *seed * 1103515245u + 12345u;
  const char *b = blanks[(*seed >> 16) % 6];
  memcpy(out, b, strlen(b));
  return strlen(b);
}

/* text with blanks put around its punctuation (strings copied whole),
 * chosen by seed; *outlen gets the length. */
static char *respace(const char *s, size_t n, unsigned seed, size_t *outlen)
{
  char *out = malloc(n * 5 + 8);
  if(!out)
    abort();
  size_t k = 0;
  for(size_t i = 0; i < n;) {
    if(s[i] == '"') {
      size_t e = i + 1;
      while(e < n && s[e] != '"')
        e += s[e] == '\\' ? 2 : 1;
      e = e < n ? e + 1 : n;
      memcpy(out + k, s + i, e - i);
      k += e - i;
      i = e;
      continue;
    }
    char c = s[i++];
    if(c == '}' || c == ']')
      k += put_blanks(out + k, &seed);
    out[k++] = c;
    if(c == '{' || c == '[' || c == ',' || c == ':')
      k += put_blanks(out + k, &seed);
  }
  *outlen = k;
  return out;
}

static bool has_escaped_key(const char *s, size_t n)
{
  struct prb_json_iter it;
  struct prb_json_member m;
  enum prb_json_member_rc rc;
  prb_json_iter_init(&it, s, n);
  while((rc = prb_json_next(&it, &m)) == PRB_JSON_MEMBER_FOUND)
    ;
  return rc == PRB_JSON_MEMBER_ESCAPED;
}

/* Stores text (parse m, which passed the check against rid) and returns
 * the stored form; false when store_form refused (only for an escaped
 * key or a NUL byte, which jansson lets pass after a number). */
static bool store(const json_t *m, const char *text, size_t len,
                  const char *rid, struct prb_cp_stored *st)
{
  char why[512];
  if(prb_cp_store_form(m, text, len, rid, st, why, sizeof(why)) < 0) {
    FUZZ_CHECK(has_escaped_key(text, len) || memchr(text, '\0', len));
    return false;
  }
  FUZZ_CHECK(st->line && strlen(st->line) == st->len);
  FUZZ_CHECK(!memchr(st->line, '\n', st->len));
  FUZZ_CHECK(strlen(st->uid) < PRB_CP_UID_MAX && prb_cp_uid_valid(st->uid));
  return true;
}

static void check_stored(json_t *m, const char *text, size_t len,
                         const char *rid, const struct prb_cp_rid *r,
                         unsigned seed)
{
  struct prb_cp_stored st, again;
  char why[512];
  if(!store(m, text, len, rid, &st))
    return;

  /* Read back: the identifiers, and every other member as it was. */
  json_t *back = load_object(st.line, st.len, JSON_REJECT_DUPLICATES);
  FUZZ_CHECK(back != NULL);
  FUZZ_CHECK(!strcmp(json_string_value(json_object_get(back,
                                       "measurement_uid")), st.uid));
  FUZZ_CHECK(!strcmp(json_string_value(json_object_get(back, "report_id")),
                     rid));
  size_t kept = 0;
  const char *key;
  json_t *v;
  json_object_foreach(m, key, v) {
    if(!strcmp(key, "report_id") || !strcmp(key, "measurement_uid"))
      continue;
    FUZZ_CHECK(json_equal(v, json_object_get(back, key)));
    kept++;
  }
  FUZZ_CHECK(json_object_size(back) == kept + 2);
  FUZZ_CHECK(prb_cp_record_check(back, r, NOW, why, sizeof(why)));

  /* The stored line stored again is itself. */
  FUZZ_CHECK(store(back, st.line, st.len, rid, &again));
  FUZZ_CHECK(!strcmp(again.uid, st.uid) && again.len == st.len &&
             !memcmp(again.line, st.line, st.len));
  prb_cp_stored_free(&again);
  json_decref(back);

  /* Other blanks, same record. */
  size_t rn;
  char *re = respace(text, len, seed, &rn);
  json_t *rm = load_object(re, rn, JSON_REJECT_DUPLICATES);
  FUZZ_CHECK(rm && json_equal(rm, m));
  FUZZ_CHECK(store(rm, re, rn, rid, &again));
  FUZZ_CHECK(!strcmp(again.uid, st.uid) && again.len == st.len &&
             !memcmp(again.line, st.line, st.len));
  prb_cp_stored_free(&again);
  json_decref(rm);
  free(re);

  /* Sent into another report: the same uid. */
  const char *other = "20300101T000000Z_webconnectivity_KZ_9198_n7_"
                      "AbCdEfGh12345678";
  size_t wn = 0;
  char *w = prb_cp_with_report_id(text, len, other, &wn);
  FUZZ_CHECK(w && strlen(w) == wn);
  json_t *wm = load_object(w, wn, JSON_REJECT_DUPLICATES);
  FUZZ_CHECK(wm != NULL);
  FUZZ_CHECK(!strcmp(json_string_value(json_object_get(wm, "report_id")),
                     other));
  FUZZ_CHECK(json_object_size(wm) == json_object_size(m) +
             (json_object_get(m, "report_id") ? 0 : 1));
  FUZZ_CHECK(store(wm, w, wn, rid, &again));
  FUZZ_CHECK(!strcmp(again.uid, st.uid) && !strcmp(again.line, st.line));
  prb_cp_stored_free(&again);
  json_decref(wm);
  free(w);

  prb_cp_stored_free(&st);
}

/* The record as the collector's submit_measurement takes it. */
static void check_record(const char *body, size_t n, unsigned seed)
{
  json_t *env = load_object(body, n, JSON_REJECT_DUPLICATES);
  if(!env)
    return;
  check_template(env, false);
  const char *text = body;
  size_t tlen = n, s = 0, e = 0;
  json_t *content = json_object_get(env, "content");
  if(json_is_string(content)) {
    text = json_string_value(content);
    tlen = json_string_length(content);
  } else if(json_is_object(content)) {
    if(prb_json_member(body, n, "content", &s, &e) != PRB_JSON_MEMBER_FOUND)
      goto out;
    text = body + s;
    tlen = e - s;
  }
  json_t *m = text == body ? json_incref(env) :
              load_object(text, tlen, JSON_REJECT_DUPLICATES);
  if(!m)
    goto out;
  check_template(m, true);

  char why[512], rid[PRB_CP_RID_MAX];
  struct prb_cp_rid r;
  struct prb_cp_template t;
  const char *own = json_string_value(json_object_get(m, "report_id"));
  if(own && prb_cp_rid_parse(own, &r, why, sizeof(why)) &&
     prb_cp_record_check(m, &r, NOW, why, sizeof(why))) {
    FUZZ_CHECK(strlen(own) < PRB_CP_RID_MAX);
    check_stored(m, text, tlen, own, &r, seed);
  } else if(prb_cp_template_read(m, true, &t, why, sizeof(why))) {
    check_rid_for(&t, 3, rid);
    FUZZ_CHECK(prb_cp_rid_parse(rid, &r, why, sizeof(why)));
    if(prb_cp_record_check(m, &r, NOW, why, sizeof(why)))
      check_stored(m, text, tlen, rid, &r, seed);
  }
  json_decref(m);
out:
  json_decref(env);
}

/* The input as one string: a report_id, a time, a uid. */
static void check_strings(const uint8_t *data, size_t size)
{
  char *s = fuzz_strndup(data, size);
  char why[256];
  struct prb_cp_rid r;
  if(prb_cp_rid_parse(s, &r, why, sizeof(why))) {
    FUZZ_CHECK(strlen(s) < PRB_CP_RID_MAX);
    FUZZ_CHECK(strlen(r.cc) == 2 && strlen(r.asn) >= 3 &&
               strlen(r.asn) < sizeof(r.asn) && !strncmp(r.asn, "AS", 2) &&
               strlen(r.test) >= 2 && strlen(r.test) < PRB_CP_TEST_MAX);
  } else {
    FUZZ_CHECK(why[0] != '\0');
  }
  time_t t;
  if(prb_cp_parse_time(s, &t)) {
    struct tm tm;
    char back[32];
    FUZZ_CHECK(gmtime_r(&t, &tm) &&
               strftime(back, sizeof(back), "%Y-%m-%d %H:%M:%S", &tm) &&
               !strcmp(back, s));
  }
  if(prb_cp_uid_valid(s))
    FUZZ_CHECK(strlen(s) < PRB_CP_UID_MAX);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned seed = (unsigned)size;
  for(size_t i = 0; i < size && i < 64; i++)
    seed = seed * 31u + data[i];
  check_strings(data, size);
  check_jsonspan((const char *)data, size);
  check_record((const char *)data, size, seed);
  return 0;
}
