/* test_collector_proto.c: the collector protocol's pure parts: JSON
 * members as bytes, templates, report_ids, the checks on a record, the
 * stored form and its uid (the same for a record sent again in another
 * report, whatever its layout). */
#include "check.h"
#include "common/jsonspan.h"
#include "ooni/collector_proto.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC "{\"input\":\"https://vlast.kz/\",\"measurement_start_time\":" \
  "\"2024-02-01 10:14:45\",\"probe_asn\":\"AS9198\",\"probe_cc\":\"KZ\"," \
  "\"probe_ip\":\"127.0.0.1\",\"report_id\":\"20240201T101445Z_" \
  "webconnectivity_KZ_9198_n0_abcdefghijklmnop\",\"software_name\":" \
  "\"accessprobe\",\"software_version\":\"0.1.0\",\"test_name\":" \
  "\"web_connectivity\",\"test_start_time\":\"2024-02-01 10:14:40\"," \
  "\"test_version\":\"0.4.3\",\"data_format_version\":\"0.2.0\"," \
  "\"test_keys\":{\"t\":0.000597902,\"s\":\"a \\\" b\"}}"

static const time_t NOW = 1767225600; /* 2026-01-01 */

static void test_jsonspan(void)
{
  const char *t = " { \"a\" : [1, {\"b\": \"}\"}], \"c\":\"x\\\"y\" ,\"a\":2 } ";
  size_t s, e;
  CHECK_INT(prb_json_member(t, strlen(t), "c", &s, &e), PRB_JSON_MEMBER_FOUND);
  CHECK(e - s == 6 && !memcmp(t + s, "\"x\\\"y\"", 6));
  /* the last of two members, as jansson reads it */
  CHECK_INT(prb_json_member(t, strlen(t), "a", &s, &e), PRB_JSON_MEMBER_FOUND);
  CHECK(e - s == 1 && t[s] == '2');
  CHECK_INT(prb_json_member(t, strlen(t), "b", &s, &e), PRB_JSON_MEMBER_END);
  CHECK_INT(prb_json_member("[1]", 3, "a", &s, &e), PRB_JSON_MEMBER_BAD);
  CHECK_INT(prb_json_member("{\"a\":1", 6, "a", &s, &e), PRB_JSON_MEMBER_BAD);
  CHECK_INT(prb_json_member("{\"a\\u0062\":1}", 13, "ab", &s, &e),
            PRB_JSON_MEMBER_ESCAPED);
  CHECK_INT(prb_json_member("{}", 2, "a", &s, &e), PRB_JSON_MEMBER_END);
  char out[128];
  size_t n = prb_json_compact(t, strlen(t), out);
  out[n] = '\0';
  CHECK_STR(out, "{\"a\":[1,{\"b\":\"}\"}],\"c\":\"x\\\"y\",\"a\":2}");
  const char *pretty = "{\n  \"k\": \"a b\\n\",\n  \"n\": [ 1 ]\n}\n";
  n = prb_json_compact(pretty, strlen(pretty), out);
  out[n] = '\0';
  CHECK_STR(out, "{\"k\":\"a b\\n\",\"n\":[1]}");
}

static void test_template(void)
{
  json_t *rec = json_loads(REC, 0, NULL);
  struct prb_cp_template t, u;
  char why[256];
  CHECK(prb_cp_template_read(rec, true, &t, why, sizeof(why)));
  CHECK_STR(t.probe_asn, "AS9198");
  CHECK_STR(t.test_start_time, "2024-02-01 10:14:40");
  json_t *body = prb_cp_template_json(&t);
  CHECK(prb_cp_template_read(body, false, &u, why, sizeof(why)));
  CHECK(prb_cp_template_equal(&t, &u));
  json_object_set_new(body, "format", json_string("yaml"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  CHECK(strstr(why, "json") != NULL);
  json_object_set_new(body, "format", json_string("json"));
  json_object_set_new(body, "probe_asn", json_string("AS0"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  CHECK(strstr(why, "AS0") != NULL);
  json_object_set_new(body, "probe_asn", json_string("AS09198"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  json_object_set_new(body, "probe_asn", json_string("AS9198"));
  json_object_set_new(body, "probe_cc", json_string("kz"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  json_object_set_new(body, "probe_cc", json_string("KZ"));
  json_object_set_new(body, "test_name", json_string("Web-Connectivity"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  /* Only names a report_id can carry (fuzz.collector_proto): the report
   * opened for them must take their records. */
  static const char *uncarried[] = {"a", "_", "a__", "abcdefghijabcdefghij"
                                    "abcdefghij"};
  for(size_t i = 0; i < sizeof(uncarried) / sizeof(uncarried[0]); i++) {
    json_object_set_new(body, "test_name", json_string(uncarried[i]));
    CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
    CHECK(strstr(why, "2 to 29") != NULL);
  }
  json_object_set_new(body, "test_name", json_string("abcdefghijabcdefghij"
                                                     "abcdefghi_"));
  CHECK(prb_cp_template_read(body, false, &u, why, sizeof(why)));
  char rid[PRB_CP_RID_MAX];
  struct prb_cp_rid r;
  prb_cp_report_id(&u, 0, rid);
  CHECK(prb_cp_rid_parse(rid, &r, why, sizeof(why)));
  CHECK_STR(r.test, "abcdefghijabcdefghijabcdefghi");
  json_object_set_new(body, "test_name", json_string("ab"));
  CHECK(prb_cp_template_read(body, false, &u, why, sizeof(why)));
  prb_cp_report_id(&u, 0, rid);
  CHECK(prb_cp_rid_parse(rid, &r, why, sizeof(why)));
  json_object_set_new(body, "test_name", json_string("web_connectivity"));
  json_object_set_new(body, "test_start_time", json_string("2024-02-30 "
                                                           "00:00:00"));
  CHECK(!prb_cp_template_read(body, false, &u, why, sizeof(why)));
  json_decref(body);
  json_decref(rec);
}

static void test_report_id(void)
{
  json_t *rec = json_loads(REC, 0, NULL);
  struct prb_cp_template t;
  struct prb_cp_rid r;
  char why[256], rid[PRB_CP_RID_MAX];
  CHECK(prb_cp_template_read(rec, true, &t, why, sizeof(why)));
  prb_cp_report_id(&t, 3, rid);
  CHECK(strstr(rid, "_webconnectivity_KZ_9198_n3_") != NULL);
  CHECK(prb_cp_rid_parse(rid, &r, why, sizeof(why)));
  CHECK_STR(r.cc, "KZ");
  CHECK_STR(r.asn, "AS9198");
  CHECK_STR(r.test, "webconnectivity");
  /* OONI's own */
  CHECK(prb_cp_rid_parse("20240214T090617Z_webconnectivity_IT_30722_n1_"
                         "1IvUiXNWHooB5rmD", &r, why, sizeof(why)));
  static const char *const bad[] = {
    "", "x", "20240214T090617Z_webconnectivity_IT_30722_n1",
    "20240214T090617Z_webconnectivity_IT_30722_n1_1IvUiXNW_x",
    "2024021T090617Z_webconnectivity_IT_30722_n1_1IvUiXNWHooB5rmD",
    "20240214T090617Z_web-conn_IT_30722_n1_1IvUiXNWHooB5rmD",
    "20240214T090617Z_webconnectivity_it_30722_n1_1IvUiXNWHooB5rmD",
    "20240214T090617Z_webconnectivity_IT_AS30722_n1_1IvUiXNWHooB5rmD",
    "20240214T090617Z_webconnectivity_IT_30722_x1_1IvUiXNWHooB5rmD",
    "20240214T090617Z_webconnectivity_IT_30722_n1_1IvU/iXNWHooB5rmD",
    "../../../../etc/passwd_a_KZ_1_n1_aaaaaaaa",
  };
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    bool ok = prb_cp_rid_parse(bad[i], &r, why, sizeof(why));
    CHECK(!ok);
    if(ok)
      fprintf(stderr, "  accepted: %s\n", bad[i]);
  }
  json_decref(rec);
}

static bool rec_ok(const char *text, const char *rid_text, char *why,
                   size_t whylen)
{
  struct prb_cp_rid r;
  json_t *rec = json_loads(text, 0, NULL);
  bool ok = rec && prb_cp_rid_parse(rid_text, &r, why, whylen) &&
            prb_cp_record_check(rec, &r, NOW, why, whylen);
  json_decref(rec);
  return ok;
}

static char *with(const char *from, const char *to)
{
  const char *at = strstr(REC, from);
  size_t n = strlen(REC) - strlen(from) + strlen(to);
  char *out = malloc(n + 1);
  size_t pre = (size_t)(at - REC);
  memcpy(out, REC, pre);
  memcpy(out + pre, to, strlen(to));
  strcpy(out + pre + strlen(to), at + strlen(from));
  return out;
}

static void test_record_check(void)
{
  const char *rid = "20240201T101500Z_webconnectivity_KZ_9198_n1_"
                    "AAAAbbbbCCCCdddd";
  char why[256];
  CHECK(rec_ok(REC, rid, why, sizeof(why)));
  CHECK(!rec_ok(REC, "20240201T101500Z_webconnectivity_KZ_21299_n1_"
                "AAAAbbbbCCCCdddd", why, sizeof(why)));
  CHECK(strstr(why, "AS21299") != NULL);
  CHECK(!rec_ok(REC, "20240201T101500Z_webconnectivity_RU_9198_n1_"
                "AAAAbbbbCCCCdddd", why, sizeof(why)));
  CHECK(strstr(why, "probe_cc") != NULL);
  CHECK(!rec_ok(REC, "20240201T101500Z_telegram_KZ_9198_n1_AAAAbbbbCCCCdddd",
                why, sizeof(why)));
  static const char *const swaps[][2] = {
    {"\"probe_ip\":\"127.0.0.1\"", "\"probe_ip\":\"95.56.1.2\""},
    {"\"2024-02-01 10:14:45\"", "\"2024-02-01T10:14:45Z\""},
    {"\"2024-02-01 10:14:45\"", "\"2099-02-01 10:14:45\""},
    {"\"2024-02-01 10:14:45\"", "\"2009-02-01 10:14:45\""},
    {"\"input\":\"https://vlast.kz/\"", "\"input\":5"},
    {"\"probe_asn\":\"AS9198\"", "\"probe_asn\":9198"},
  };
  for(size_t i = 0; i < sizeof(swaps) / sizeof(swaps[0]); i++) {
    char *t = with(swaps[i][0], swaps[i][1]);
    bool ok = rec_ok(t, rid, why, sizeof(why));
    CHECK(!ok);
    if(ok)
      fprintf(stderr, "  accepted: %s\n", swaps[i][1]);
    free(t);
  }
  char *t = with("\"probe_ip\":\"127.0.0.1\",", "");
  CHECK(rec_ok(t, rid, why, sizeof(why)));    /* absent is fine */
  free(t);
}

static void stored(const char *text, const char *rid, struct prb_cp_stored *s)
{
  json_t *rec = json_loads(text, 0, NULL);
  char why[256];
  CHECK(rec != NULL);
  CHECK_INT(prb_cp_store_form(rec, text, strlen(text), rid, s, why,
                              sizeof(why)), 0);
  json_decref(rec);
}

static void test_store_form(void)
{
  const char *rid1 = "20240201T101500Z_webconnectivity_KZ_9198_n1_"
                     "AAAAbbbbCCCCdddd";
  const char *rid2 = "20240302T000000Z_webconnectivity_KZ_9198_n1_"
                     "zzzzyyyyxxxxwwww";
  struct prb_cp_stored a, b, c, d;
  stored(REC, rid1, &a);
  CHECK(prb_cp_uid_valid(a.uid));
  CHECK(!strncmp(a.uid, "20240201101445.", 15));
  CHECK(strstr(a.uid, "_KZ_webconnectivity_") != NULL);
  CHECK(!strncmp(a.line, "{\"measurement_uid\":\"", 20));
  CHECK(strstr(a.line, rid1) != NULL);
  CHECK(strstr(a.line, "n0_abcdefghijklmnop") == NULL);
  CHECK(strstr(a.line, "0.000597902") != NULL);   /* numbers kept as sent */
  CHECK(!strchr(a.line, '\n'));
  json_error_t je;
  json_t *back = json_loadb(a.line, a.len, JSON_REJECT_DUPLICATES, &je);
  CHECK(back != NULL);
  CHECK_STR(json_string_value(json_object_get(back, "measurement_uid")),
            a.uid);
  CHECK_STR(json_string_value(json_object_get(back, "report_id")), rid1);
  json_decref(back);
  /* Sent again into another report: the same uid. */
  stored(REC, rid2, &b);
  CHECK_STR(b.uid, a.uid);
  /* Laid out otherwise, a uid already inside: the same uid. */
  json_t *j = json_loads(REC, 0, NULL);
  json_object_set_new(j, "measurement_uid", json_string("x"));
  char *pretty = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                            JSON_REAL_PRECISION(10));
  stored(pretty, rid1, &c);
  CHECK_STR(c.uid, a.uid);
  free(pretty);
  /* Another measurement: another uid. */
  json_object_set_new(j, "input", json_string("https://other.kz/"));
  char *other = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
                           JSON_REAL_PRECISION(10));
  stored(other, rid1, &d);
  CHECK(strcmp(d.uid, a.uid) != 0);
  free(other);
  json_decref(j);
  /* An escaped top-level key cannot be compared: refused. */
  struct prb_cp_stored e;
  char why[256];
  const char *sly = "{\"report\\u005fid\":\"x\",\"measurement_start_time\":"
                    "\"2024-02-01 10:14:45\",\"probe_cc\":\"KZ\","
                    "\"test_name\":\"web_connectivity\"}";
  json_t *sj = json_loads(sly, 0, NULL);
  CHECK_INT(prb_cp_store_form(sj, sly, strlen(sly), rid1, &e, why,
                              sizeof(why)), -1);
  CHECK(strstr(why, "escape") != NULL);
  json_decref(sj);
  /* jansson takes a NUL right after a number (fuzz.collector_proto): a
   * stored line must never hold one. */
  static const char nul[] = "{\"measurement_start_time\":\"2024-02-01 "
    "10:14:45\",\"probe_cc\":\"KZ\",\"test_name\":\"web_connectivity\","
    "\"x\":8\0,\"y\":1}";
  json_t *nj = json_loadb(nul, sizeof(nul) - 1, 0, NULL);
  CHECK(nj != NULL && json_object_get(nj, "y") != NULL);
  CHECK_INT(prb_cp_store_form(nj, nul, sizeof(nul) - 1, rid1, &e, why,
                              sizeof(why)), -1);
  CHECK(strstr(why, "NUL") != NULL);
  json_decref(nj);
  prb_cp_stored_free(&a);
  prb_cp_stored_free(&b);
  prb_cp_stored_free(&c);
  prb_cp_stored_free(&d);
}

static void test_with_report_id(void)
{
  size_t n;
  char *s = prb_cp_with_report_id(REC, strlen(REC), "NEW", &n);
  CHECK(s && strstr(s, "\"report_id\":\"NEW\"") && !strstr(s, "n0_abcd"));
  CHECK_INT(n, strlen(REC) - strlen("20240201T101445Z_webconnectivity_KZ_"
                                    "9198_n0_abcdefghijklmnop") + 3);
  free(s);
  s = prb_cp_with_report_id("{\"a\":1}", 7, "R", &n);
  CHECK_STR(s, "{\"report_id\":\"R\",\"a\":1}");
  free(s);
  s = prb_cp_with_report_id(" { } ", 5, "R", &n);
  CHECK_STR(s, " {\"report_id\":\"R\" } ");
  free(s);
  CHECK(prb_cp_with_report_id("[1]", 3, "R", &n) == NULL);
  CHECK(prb_cp_uid_valid("20210208220710.181572_MA_ndt_7888edc7748936bf"));
  CHECK(!prb_cp_uid_valid("20210208220710.181572_MA_ndt_7888edc7748936b"));
  CHECK(!prb_cp_uid_valid("20210208220710.181572_MA_n/t_7888edc7748936bf"));
  CHECK(!prb_cp_uid_valid("<html>"));
}

int main(void)
{
  test_jsonspan();
  test_template();
  test_report_id();
  test_record_check();
  test_store_form();
  test_with_report_id();
  return test_summary();
}
