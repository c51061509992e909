/* fuzz_report_scan.c: report/report_scan.c, the report's one-pass record
 * scanner, against jansson as the slow reference.
 *
 * Properties: a line jansson reads as an object is never refused for its
 * JSON (syntax, depth, UTF-8 or NUL); a line the scanner reads is one
 * jansson reads too, unless it holds what only jansson refuses (bytes
 * above 0x7f inside strings the scanner skips, numbers too big for a C
 * integer or double); and where both read it, the fields the report
 * counts are the ones jansson sees. The site and day helpers are also run
 * on what was copied out. */
#include "fuzz.h"

#include <jansson.h>

#include "analysis/verdict.h"
#include "report/report_scan.h"

static bool syntax_reason(const char *why)
{
  return !strncmp(why, "invalid JSON", 12) ||
         !strcmp(why, "JSON nested too deeply") ||
         !strcmp(why, "a string is not valid UTF-8") ||
         !strcmp(why, "NUL byte in the line") ||
         !strcmp(why, "not a JSON object");
}

/* Only what jansson may refuse where the scanner need not: non-ASCII bytes
 * (checked by the scanner only where it copies) and numbers jansson
 * cannot hold (a long digit run, an exponent). */
static bool plain(const uint8_t *d, size_t n)
{
  size_t run = 0;
  for(size_t i = 0; i < n; i++) {
    if(d[i] >= 0x80)
      return false;
    run = d[i] >= '0' && d[i] <= '9' ? run + 1 : 0;
    if(run >= 15)
      return false;
    if((d[i] == 'e' || d[i] == 'E') && i && d[i - 1] >= '0' &&
       d[i - 1] <= '9')
      return false;
  }
  return true;
}

static const char *str_at(json_t *o, const char *k)
{
  return json_string_value(json_object_get(o, k));
}

/* Both read the line with no duplicate key: the fields agree. */
static void compare(json_t *j, const struct prb_scan_rec *r,
                    enum prb_scan_result res)
{
  const char *test = str_at(j, "test_name");
  FUZZ_CHECK(test);
  FUZZ_CHECK((res == PRB_SCAN_OTHER_TEST) == (strcmp(test, "web_connectivity") != 0));
  if(res != PRB_SCAN_OK)
    return;
  FUZZ_CHECK(!strcmp(str_at(j, "input"), r->input));
  FUZZ_CHECK(!strcmp(str_at(j, "probe_cc"), r->cc));
  FUZZ_CHECK(!strcmp(str_at(j, "probe_asn"), r->asn));
  const char *rid = str_at(j, "report_id");
  FUZZ_CHECK(!strcmp(rid ? rid : "", r->report_id));
  json_t *tk = json_object_get(j, "test_keys");
  const char *verdict = str_at(json_object_get(tk, "x_analysis"), "verdict");
  if(verdict) {
    FUZZ_CHECK(!r->derived);
    FUZZ_CHECK(!strcmp(prb_verdict_name(r->verdict), verdict));
  } else {
    FUZZ_CHECK(r->derived);
  }
  const char *cat = str_at(tk, "x_category_code");
  FUZZ_CHECK(!strcmp(cat ? cat : "", r->category));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct prb_scan_rec r;
  const char *why = NULL;
  enum prb_scan_result res = prb_scan_record((const char *)data, size, &r,
                                             &why);
  FUZZ_CHECK((res == PRB_SCAN_BAD) == (why != NULL));
  if(res == PRB_SCAN_OK) {
    char day[16];
    FUZZ_CHECK(r.site[0] && strlen(r.site) < sizeof(r.site));
    prb_scan_day_str(r.day, day, sizeof(day));
    FUZZ_CHECK(strlen(day) == 10);
  }

  json_error_t err;
  json_t *j = json_loadb((const char *)data, size, 0, &err);
  bool jansson_reads = json_is_object(j);
  /* jansson skips a NUL byte between tokens ({"a":1\0}); the scanner
   * refuses any NUL, as the probe's resume does before calling jansson. */
  if(jansson_reads && !memchr(data, '\0', size))
    FUZZ_CHECK(res != PRB_SCAN_BAD || !syntax_reason(why));
  if(res != PRB_SCAN_BAD && plain(data, size))
    FUZZ_CHECK(jansson_reads);
  json_decref(j);

  j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
  if(json_is_object(j) && res != PRB_SCAN_BAD)
    compare(j, &r, res);
  json_decref(j);

  /* The helpers on copied text, and on the input itself. */
  char site[PRB_SCAN_SITE_MAX];
  int32_t dayno;
  char *s = fuzz_strndup(data, size < 4096 ? size : 4096);
  if(prb_scan_site(s, site, sizeof(site)))
    FUZZ_CHECK(site[0] && strlen(site) < sizeof(site));
  if(prb_scan_day(s, &dayno)) {
    char back[16];
    prb_scan_day_str(dayno, back, sizeof(back));
    FUZZ_CHECK(!strncmp(back, s, 10));
  }
  free(s);
  return 0;
}
