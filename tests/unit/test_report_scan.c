/* test_report_scan.c: the report's record scanner, site rule, dates,
 * plural rules and the day rule of the counts. */
#include "check.h"
#include "report/report_count.h"
#include "report/report_i18n.h"
#include "report/report_scan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static enum prb_scan_result scan(const char *s, struct prb_scan_rec *r,
                                 const char **why)
{
  return prb_scan_record(s, strlen(s), r, why);
}

#define REC(tk) "{\"input\":\"https://WWW.Vlast.KZ:443/a\",\"test_name\":" \
  "\"web_connectivity\",\"measurement_start_time\":\"2024-02-29 23:59:59\"," \
  "\"probe_asn\":\"AS9198\",\"probe_cc\":\"KZ\",\"test_keys\":" tk "}"

static void test_records(void)
{
  struct prb_scan_rec r;
  const char *why;
  CHECK_INT(scan(REC("{\"x_analysis\":{\"verdict\":\"blocked\",\"method\":"
                     "\"tls\",\"confirmed\":true,\"evidence\":[\"a\\u00e9\"]},"
                     "\"x_category_code\":\"NEWS\"}"), &r, &why), PRB_SCAN_OK);
  CHECK_STR(r.site, "vlast.kz");
  CHECK_INT(r.verdict, PRB_VERDICT_BLOCKED);
  CHECK_INT(r.method, PRB_METHOD_TLS);
  CHECK(r.confirmed);
  CHECK(!r.derived);
  CHECK_STR(r.category, "NEWS");
  CHECK_INT(r.day, prb_scan_days_from_civil(2024, 2, 29));
  /* OONI Probe's keys */
  CHECK_INT(scan(REC("{\"blocking\":\"http-failure\",\"accessible\":false,"
                     "\"http_experiment_failure\":\"ssl_unknown_authority\"}"),
                 &r, &why), PRB_SCAN_OK);
  CHECK(r.derived);
  CHECK_INT(r.method, PRB_METHOD_TLS);
  CHECK_INT(scan(REC("{\"blocking\":\"http-failure\",\"accessible\":false,"
                     "\"http_experiment_failure\":\"connection_reset\"}"),
                 &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.method, PRB_METHOD_HTTP);
  CHECK_INT(scan(REC("{\"blocking\":\"tcp_ip\"}"), &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.method, PRB_METHOD_TCP);
  CHECK_INT(scan(REC("{\"blocking\":false,\"accessible\":false}"), &r, &why),
            PRB_SCAN_OK);
  CHECK_INT(r.verdict, PRB_VERDICT_DOWN);
  CHECK_INT(scan(REC("{\"blocking\":false,\"accessible\":true}"), &r, &why),
            PRB_SCAN_OK);
  CHECK_INT(r.verdict, PRB_VERDICT_OK);
  CHECK_INT(scan(REC("null"), &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.verdict, PRB_VERDICT_INCONCLUSIVE);
  /* malformed */
  CHECK_INT(scan(REC("{\"x_analysis\":{\"verdict\":\"maybe\"}}"), &r, &why),
            PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{}") "x", &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":[1,2,]}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":01}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":\"\\ud800\"}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":\"\x01\"}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":{},}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan("{\"input\":\"https://\xff.kz/\",\"test_name\":"
                 "\"web_connectivity\"}", &r, &why), PRB_SCAN_BAD);
  CHECK_STR(why, "a string is not valid UTF-8");
  /* Keys longer than their buffer are cut, maybe mid-character: the whole
   * key is checked, not the cut (a Cyrillic header name once rejected the
   * record). ЖЖ is 4 bytes, the nested key buffer holds 3. */
  CHECK_INT(scan(REC("{\"requests\":[{\"response\":{\"headers\":{"
                     "\"ЖЖ\":\"1\",\"Жжжжжжжжжжжжжжжжжжжжжжжж\":\"2\"}}}],"
                     "\"ЖжжжжжжжжжжжжжжжжЖ\":1,\"x_analysis\":{"
                     "\"Жжжжжжжжж\":null,\"verdict\":\"ok\"}}"), &r, &why),
            PRB_SCAN_OK);
  CHECK_INT(r.verdict, PRB_VERDICT_OK);
  CHECK_INT(scan("{\"Жжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжж\":1,\"test_name\":"
                 "\"telegram\"}", &r, &why), PRB_SCAN_OTHER_TEST);
  /* ... and a cut key is still checked whole */
  CHECK_INT(scan(REC("{\"h\":{\"abcdef\xff\":1}}"), &r, &why),
            PRB_SCAN_BAD);
  CHECK_STR(why, "a string is not valid UTF-8");
  CHECK_INT(scan(REC("{\"h\":{\"\xd0\":1}}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan("{\"test_name\":\"telegram\"}", &r, &why),
            PRB_SCAN_OTHER_TEST);
  char deep[400];
  memset(deep, '[', 200);
  memset(deep + 200, ']', 199);
  deep[399] = '\0';
  CHECK_INT(scan(deep, &r, &why), PRB_SCAN_BAD);
}

/* A record (2 levels) whose test_keys.junk is an object of arrays nested
 * levels deep in all, an unknown key's value: {"k":[[...[1]...]]}. With
 * bad_close the innermost array is closed by '}'. Malloc'd. */
static char *deep_record(size_t levels, bool bad_close)
{
  static const char head[] = "{\"input\":\"https://a.kz/\",\"test_name\":"
    "\"web_connectivity\",\"measurement_start_time\":\"2025-02-01 "
    "02:00:00\",\"probe_asn\":\"AS9198\",\"probe_cc\":\"KZ\","
    "\"test_keys\":{\"junk\":{\"k\":";
  static const char tail[] = "},\"x_analysis\":{\"verdict\":\"ok\"}}}";
  char *s = malloc(sizeof(head) + 2 * levels + sizeof(tail) + 1);
  size_t n = sizeof(head) - 1;
  memcpy(s, head, n);
  for(size_t i = 1; i < levels; i++)
    s[n++] = '[';
  s[n++] = '1';
  for(size_t i = 1; i < levels; i++)
    s[n++] = bad_close && i == 1 ? '}' : ']';
  memcpy(s + n, tail, sizeof(tail));
  return s;
}

/* A deep value under a key the report does not read is skipped, not a
 * reason to drop the record: a control reply embedded in test_keys once
 * made records unreadable at 65 levels. The bound is jansson's, so the
 * report reads what the probe's own tools read. */
static void test_deep(void)
{
  struct prb_scan_rec r;
  const char *why;
  char *s = deep_record(63, false);        /* 65 levels in all */
  CHECK_INT(scan(s, &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.verdict, PRB_VERDICT_OK);
  free(s);
  /* jansson's bound: 2048 values deep, the innermost (here "1") counted */
  s = deep_record(2045, false);            /* 2047 levels, "1" the 2048th */
  CHECK_INT(scan(s, &r, &why), PRB_SCAN_OK);
  CHECK_STR(r.site, "a.kz");
  free(s);
  s = deep_record(2046, false);
  CHECK_INT(scan(s, &r, &why), PRB_SCAN_BAD);
  CHECK_STR(why, "JSON nested too deeply");
  free(s);
  s = deep_record(100, true);              /* still validated: [} */
  CHECK_INT(scan(s, &r, &why), PRB_SCAN_BAD);
  CHECK_STR(why, "invalid JSON: expected ',' or ']'");
  free(s);
  CHECK_INT(scan(REC("{\"a\":[[{\"b\":[]},{}],[1,[2]]]}"), &r, &why),
            PRB_SCAN_OK);
  CHECK_INT(scan(REC("{\"a\":[[{\"b\":[]},{}],[1,[2]]}"), &r, &why),
            PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":[{\"b\" 1}]}"), &r, &why), PRB_SCAN_BAD);
  CHECK_STR(why, "invalid JSON: expected ':'");
  CHECK_INT(scan(REC("{\"a\":[{1:2}]}"), &r, &why), PRB_SCAN_BAD);
  CHECK_STR(why, "invalid JSON: expected a key");
  CHECK_INT(scan(REC("{\"a\":[{\"b\":1,}]}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":[{\"b\":1} {}]}"), &r, &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"a\":[{\"b\":"), &r, &why), PRB_SCAN_BAD);
}

/* The names the control's MaxMind database gives networks: its word on
 * the probe's own, and the networks of answers and of ip_info; malformed
 * JSON inside them is still malformed. */
static void test_network_names(void)
{
  struct prb_scan_rec r;
  const char *why;
  CHECK_INT(scan(REC("{\"control\":{\"x_probe_asn\":\"AS9198\","
                     "\"x_probe_network_name\":\"JSC Kazakhtelecom\","
                     "\"ip_info\":{\"203.0.113.7\":{\"asn\":21299,"
                     "\"flags\":9,\"x_as_org_name\":\"Kar-Tel LLP\"},"
                     "\"2001:db8::1\":{\"asn\":0}}},"
                     "\"queries\":[{\"answers\":[{\"asn\":13335,"
                     "\"as_org_name\":\"Cloudflare\"},{\"asn\":21299,"
                     "\"as_org_name\":\"dup\"},{\"asn\":1.5,"
                     "\"as_org_name\":\"not a number\"},{\"asn\":7}]},"
                     "{\"answers\":null},\"x\"]}"), &r, &why), PRB_SCAN_OK);
  CHECK_STR(r.control_asn, "AS9198");
  CHECK_STR(r.control_network_name, "JSC Kazakhtelecom");
  CHECK_INT(r.n_orgs, 2);
  CHECK_INT(r.orgs[0].asn, 21299);          /* the control came first */
  CHECK_STR(r.orgs[0].name, "Kar-Tel LLP");
  CHECK_INT(r.orgs[1].asn, 13335);
  CHECK_STR(r.orgs[1].name, "Cloudflare");
  /* at most PRB_SCAN_ORGS_MAX, the first ones */
  CHECK_INT(scan(REC("{\"queries\":[{\"answers\":[{\"asn\":1,"
                     "\"as_org_name\":\"a\"},{\"asn\":2,\"as_org_name\":"
                     "\"b\"},{\"asn\":3,\"as_org_name\":\"c\"},{\"asn\":4,"
                     "\"as_org_name\":\"d\"},{\"asn\":5,\"as_org_name\":"
                     "\"e\"}]}]}"), &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.n_orgs, PRB_SCAN_ORGS_MAX);
  CHECK_INT(r.orgs[PRB_SCAN_ORGS_MAX - 1].asn, PRB_SCAN_ORGS_MAX);
  CHECK_INT(scan(REC("{\"queries\":[{\"answers\":[{\"asn\":1,}]}]}"), &r,
                 &why), PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"queries\":[{\"answers\":[1 2]}]}"), &r, &why),
            PRB_SCAN_BAD);
  CHECK_INT(scan(REC("{\"control\":{\"ip_info\":{\"a\":{\"asn\":\"x\"}"
                     "}}}"), &r, &why), PRB_SCAN_OK);
  CHECK_INT(r.n_orgs, 0);
  CHECK_INT(scan(REC("{\"control\":{\"ip_info\":{\"a\":}}}"), &r, &why),
            PRB_SCAN_BAD);
}

static void test_sites_days(void)
{
  char s[64], d[16];
  int32_t day;
  CHECK(prb_scan_site("http://user@www.Example.KZ.:8080/x?y", s, sizeof(s)));
  CHECK_STR(s, "example.kz");
  CHECK(prb_scan_site("https://[2001:db8::1]:443/", s, sizeof(s)));
  CHECK_STR(s, "[2001:db8::1]");
  CHECK(prb_scan_site("https://www./", s, sizeof(s)));
  CHECK_STR(s, "www");          /* trailing dot first: nothing to cut */
  CHECK(!prb_scan_site("vlast.kz", s, sizeof(s)));
  /* one site whatever the case or encoding of an internationalised name */
  CHECK(prb_scan_site("http://Яндекс.рф/", s, sizeof(s)));
  CHECK_STR(s, "яндекс.рф");
  CHECK(prb_scan_site("http://яндекс.рф/", s, sizeof(s)));
  CHECK_STR(s, "яндекс.рф");
  CHECK(prb_scan_site("https://www.XN--D1ACPJX3F.xn--p1ai/", s, sizeof(s)));
  CHECK_STR(s, "яндекс.рф");
  CHECK(prb_scan_site("https://xn--zz.kz/", s, sizeof(s)));
  CHECK_STR(s, "xn--zz.kz");    /* not a valid A-label: kept as written */
  CHECK(!prb_scan_site("https:///x", s, sizeof(s)));
  CHECK(prb_scan_day("2024-02-29 00:00:00", &day));
  prb_scan_day_str(day, d, sizeof(d));
  CHECK_STR(d, "2024-02-29");
  CHECK(!prb_scan_day("2023-02-29 00:00:00", &day));
  CHECK(!prb_scan_day("2024-02-30 00:00:00", &day));
  CHECK(prb_scan_day("1970-01-01T00:00:00Z", &day));
  CHECK_INT(day, 0);
  CHECK(prb_scan_day("1970-01-01T00:00:00", &day));
  CHECK(prb_scan_day("1970-01-01 00:00:00Z", &day));
  /* An offset or anything else after the seconds would move the day: the
   * record is malformed, not counted on the wrong date. */
  CHECK(!prb_scan_day("2025-02-01T02:00:00+05", &day));
  CHECK(!prb_scan_day("2025-02-01 02:00:00+05:00", &day));
  CHECK(!prb_scan_day("2025-02-01 02:00:00-0300", &day));
  CHECK(!prb_scan_day("2025-02-01 02:00:00 ", &day));
  CHECK(!prb_scan_day("2025-02-01 02:00:00ZZ", &day));
  CHECK(!prb_scan_day("2025-02-01 02:00:00.5", &day));
  CHECK(!prb_scan_day("2025-02-01X02:00:00", &day));
  struct prb_scan_rec r;
  const char *why;
  CHECK_INT(scan("{\"input\":\"https://a.kz/\",\"test_name\":"
                 "\"web_connectivity\",\"measurement_start_time\":"
                 "\"2025-02-01T02:00:00+05\",\"probe_asn\":\"AS9198\","
                 "\"probe_cc\":\"KZ\",\"test_keys\":null}", &r, &why),
            PRB_SCAN_BAD);
  CHECK_STR(why, "measurement_start_time is not \"YYYY-MM-DD hh:mm:ss\"");
}

static void test_plurals(void)
{
  static const struct { uint64_t n; const char *ru; } ru[] = {
    {0, "сайтов"}, {1, "сайт"}, {2, "сайта"}, {4, "сайта"}, {5, "сайтов"},
    {11, "сайтов"}, {12, "сайтов"}, {14, "сайтов"}, {21, "сайт"},
    {22, "сайта"}, {111, "сайтов"}, {101, "сайт"}, {1000004, "сайта"}
  };
  for(size_t i = 0; i < sizeof(ru) / sizeof(ru[0]); i++)
    CHECK_STR(prb_i18n_noun(PRB_LANG_RU, PRB_N_SITE, ru[i].n), ru[i].ru);
  CHECK_STR(prb_i18n_noun(PRB_LANG_EN, PRB_N_MEASUREMENT, 1), "measurement");
  CHECK_STR(prb_i18n_noun(PRB_LANG_EN, PRB_N_MEASUREMENT, 0), "measurements");
  CHECK_INT(prb_i18n_plural(PRB_LANG_KK, 1), PRB_PLURAL_ONE);
  CHECK_INT(prb_i18n_plural(PRB_LANG_KK, 21), PRB_PLURAL_OTHER);
  CHECK_STR(prb_i18n_noun(PRB_LANG_KK, PRB_N_MEASUREMENT, 5), "өлшеу");
  CHECK_STR(prb_i18n_noun(PRB_LANG_RU, PRB_N_NETWORK_LOC, 1), "сети");
  CHECK_STR(prb_i18n_noun(PRB_LANG_RU, PRB_N_NETWORK_LOC, 3), "сетях");
}

/* The day rule: counts of one cell in, its status out. */
static int day_status(int ok, int blocked, int confirmed, int down,
                      int incon)
{
  struct prb_rep_opts o;
  memset(&o, 0, sizeof(o));
  o.from = INT32_MIN;
  o.to = INT32_MAX;
  struct prb_rep *r = prb_rep_new(&o);
  struct prb_scan_rec rec;
  memset(&rec, 0, sizeof(rec));
  snprintf(rec.site, sizeof(rec.site), "a.kz");
  snprintf(rec.input, sizeof(rec.input), "https://a.kz/");
  snprintf(rec.asn, sizeof(rec.asn), "AS1");
  snprintf(rec.cc, sizeof(rec.cc), "KZ");
  rec.day = 100;
  uint32_t file = prb_rep_file(r, "f");
  uint64_t line = 0;
  struct { int n; enum prb_verdict v; bool conf; } k[] = {
    {ok, PRB_VERDICT_OK, false}, {blocked, PRB_VERDICT_BLOCKED, false},
    {confirmed, PRB_VERDICT_BLOCKED, true}, {down, PRB_VERDICT_DOWN, false},
    {incon, PRB_VERDICT_INCONCLUSIVE, false}
  };
  for(size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
    for(int j = 0; j < k[i].n; j++) {
      rec.verdict = k[i].v;
      rec.method = PRB_METHOD_DNS;
      rec.confirmed = k[i].conf;
      rec.key = line + 1;       /* distinct measurements */
      prb_rep_add(r, &rec, file, ++line);
    }
  prb_rep_finish(r);
  size_t n;
  const struct prb_rep_cell *c = prb_rep_cells(r, &n);
  int st = n == 1 ? c[0].status : -1;
  prb_rep_free(r);
  return st;
}

/* The same measurement twice (same identity) counts once. */
static void test_duplicates(void)
{
  struct prb_rep_opts o;
  memset(&o, 0, sizeof(o));
  o.from = INT32_MIN;
  o.to = INT32_MAX;
  struct prb_rep *r = prb_rep_new(&o);
  struct prb_scan_rec a, b;
  const char *why;
  const char *line = "{\"input\":\"https://a.kz/\",\"report_id\":\"R1\","
    "\"measurement_start_time\":\"2024-02-01 10:00:00\",\"probe_asn\":"
    "\"AS1\",\"probe_cc\":\"KZ\",\"software_name\":\"ooniprobe-cli\","
    "\"test_name\":\"web_connectivity\",\"test_keys\":{\"blocking\":false,"
    "\"accessible\":true,\"control_failure\":null}}";
  CHECK_INT(scan(line, &a, &why), PRB_SCAN_OK);
  CHECK_INT(scan(line, &b, &why), PRB_SCAN_OK);
  CHECK(a.key == b.key);
  CHECK_STR(a.software, "ooniprobe-cli");
  CHECK(!a.failure_facts);
  uint32_t file = prb_rep_file(r, "f");
  CHECK_INT(prb_rep_add(r, &a, file, 1), 0);
  CHECK_INT(prb_rep_add(r, &b, file, 2), 0);
  b.key ^= 1;                   /* another measurement */
  CHECK_INT(prb_rep_add(r, &b, file, 3), 0);
  CHECK_INT(prb_rep_finish(r), 0);
  const struct prb_rep_totals *t = prb_rep_totals(r);
  CHECK_INT((int)t->records, 2);
  CHECK_INT((int)t->duplicates, 1);
  CHECK_INT((int)t->n_software, 1);
  CHECK_STR(t->software[0], "ooniprobe-cli");
  prb_rep_free(r);
  /* a failed control, test_keys null: OONI's failed measurements */
  CHECK_INT(scan("{\"input\":\"https://a.kz/\",\"measurement_start_time\":"
                 "\"2024-02-01 10:00:00\",\"probe_asn\":\"AS1\",\"probe_cc\":"
                 "\"KZ\",\"test_name\":\"web_connectivity\",\"test_keys\":"
                 "null}", &a, &why), PRB_SCAN_OK);
  CHECK(a.failure_facts);
  CHECK_INT(scan("{\"input\":\"https://a.kz/\",\"measurement_start_time\":"
                 "\"2024-02-01 10:00:00\",\"probe_asn\":\"AS1\",\"probe_cc\":"
                 "\"KZ\",\"test_name\":\"web_connectivity\",\"test_keys\":"
                 "{\"control_failure\":\"connection_reset\"}}", &a, &why),
            PRB_SCAN_OK);
  CHECK(a.failure_facts);
}

static void test_day_rule(void)
{
  CHECK_INT(day_status(0, 2, 0, 0, 0), PRB_REP_S_BLOCKED);
  CHECK_INT(day_status(0, 1, 0, 0, 0), PRB_REP_S_ANOMALY);   /* lone */
  CHECK_INT(day_status(0, 0, 1, 0, 0), PRB_REP_S_BLOCKED);   /* confirmed */
  CHECK_INT(day_status(2, 1, 0, 0, 0), PRB_REP_S_OK);
  CHECK_INT(day_status(1, 1, 0, 0, 0), PRB_REP_S_ANOMALY);   /* no majority */
  CHECK_INT(day_status(1, 2, 0, 0, 5), PRB_REP_S_BLOCKED);   /* incon. no say */
  CHECK_INT(day_status(0, 0, 0, 0, 3), PRB_REP_S_NOVERDICT);
  CHECK_INT(day_status(1, 0, 0, 2, 0), PRB_REP_S_DOWN);
  CHECK_INT(day_status(2, 2, 0, 0, 0), PRB_REP_S_ANOMALY);
}

int main(void)
{
  test_records();
  test_deep();
  test_network_names();
  test_sites_days();
  test_plurals();
  test_day_rule();
  test_duplicates();
  return test_summary();
}
