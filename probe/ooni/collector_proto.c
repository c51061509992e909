/* collector_proto.c: the collector protocol's checks, identifiers and the
 * stored form of a record (see collector_proto.h). */
#include "ooni/collector_proto.h"
#include "ooni/record.h"
#include "common/digest.h"
#include "common/jsonspan.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool no(char *why, size_t whylen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, whylen, fmt, ap);
  va_end(ap);
  return false;
}

static bool digits(const char *s, size_t n)
{
  for(size_t i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return false;
  return n > 0;
}

static bool upper2(const char *s)
{
  return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
         s[1] <= 'Z';
}

/* OONI's rule: "AS" and digits, 3 to 12 bytes, no leading zero. */
static bool asn_valid(const char *s)
{
  size_t n = strlen(s);
  return n >= 3 && n <= 12 && !strncmp(s, "AS", 2) && digits(s + 2, n - 2) &&
         (s[2] != '0' || n == 3);
}

/* OONI's rule: lower-case, at most 30 bytes; ours: letters, digits, '_',
 * and 2 to 29 of them without the '_' (what a report_id can carry, so
 * that the report_id we make for it is one we take back). */
static bool test_valid(const char *s)
{
  size_t n = strlen(s), bare = 0;
  if(!n || n >= PRB_CP_TEST_MAX)
    return false;
  for(size_t i = 0; i < n; i++) {
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
         s[i] == '_'))
      return false;
    bare += s[i] != '_';
  }
  return bare >= 2 && bare < PRB_CP_TEST_MAX - 1;
}

static void strip_underscores(const char *s, char *out, size_t outlen)
{
  size_t k = 0;
  for(; *s && k + 1 < outlen; s++)
    if(*s != '_')
      out[k++] = *s;
  out[k] = '\0';
}

bool prb_cp_parse_time(const char *s, time_t *t)
{
  struct tm tm;
  char back[20];
  memset(&tm, 0, sizeof(tm));
  if(strlen(s) != 19)
    return false;
  const char *end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
  if(!end || *end)
    return false;
  time_t v = timegm(&tm);
  struct tm again;
  /* strptime takes "2024-02-30": only a time that prints back is real. */
  if(!gmtime_r(&v, &again) ||
     strftime(back, sizeof(back), "%Y-%m-%d %H:%M:%S", &again) != 19 ||
     strcmp(back, s))
    return false;
  *t = v;
  return true;
}

/* A string member of o, at most max - 1 bytes, copied into out. */
static bool get_str(const json_t *o, const char *key, char *out, size_t max,
                    char *why, size_t whylen)
{
  const char *s = json_string_value(json_object_get(o, key));
  if(!s || !s[0])
    return no(why, whylen, "%s is missing or not a non-empty string", key);
  if(strlen(s) >= max)
    return no(why, whylen, "%s is longer than %zu bytes", key, max - 1);
  memcpy(out, s, strlen(s) + 1);
  return true;
}

static bool network_known(const char *cc, const char *asn, char *why,
                          size_t whylen)
{
  if(!strcmp(cc, "ZZ"))
    return no(why, whylen, "probe_cc is ZZ (country unknown): such records "
              "are not collected (OONI's collector discards them too); "
              "configure the probe's network");
  if(!strcmp(asn, "AS0"))
    return no(why, whylen, "probe_asn is AS0 (network unknown): such "
              "records are not collected (OONI's collector discards them "
              "too); configure the probe's network");
  return true;
}

bool prb_cp_template_read(const json_t *o, bool from_record,
                          struct prb_cp_template *t, char *why,
                          size_t whylen)
{
  memset(t, 0, sizeof(*t));
  if(!json_is_object(o))
    return no(why, whylen, "not a JSON object");
  if(!from_record) {
    const char *fmt = json_string_value(json_object_get(o, "format"));
    if(!fmt || strcmp(fmt, "json"))
      return no(why, whylen, "format must be \"json\" (YAML reports are "
                "not collected)");
  }
  time_t when;
  if(!get_str(o, "probe_cc", t->probe_cc, sizeof(t->probe_cc), why, whylen))
    return false;
  if(!upper2(t->probe_cc))
    return no(why, whylen, "probe_cc must be two upper-case letters");
  if(!get_str(o, "probe_asn", t->probe_asn, sizeof(t->probe_asn), why,
              whylen))
    return false;
  if(!asn_valid(t->probe_asn))
    return no(why, whylen, "probe_asn must be AS followed by the number "
              "(3 to 12 bytes, no leading zero)");
  if(!network_known(t->probe_cc, t->probe_asn, why, whylen))
    return false;
  if(!get_str(o, "test_name", t->test_name, sizeof(t->test_name), why,
              whylen))
    return false;
  if(!test_valid(t->test_name))
    return no(why, whylen, "test_name must be lower-case letters, digits "
              "and '_', at most 30 bytes, 2 to 29 without the '_'");
  if(!get_str(o, "test_version", t->test_version, sizeof(t->test_version),
              why, whylen) ||
     !get_str(o, "software_name", t->software_name,
              sizeof(t->software_name), why, whylen) ||
     !get_str(o, "software_version", t->software_version,
              sizeof(t->software_version), why, whylen) ||
     !get_str(o, "data_format_version", t->data_format_version,
              sizeof(t->data_format_version), why, whylen) ||
     !get_str(o, "test_start_time", t->test_start_time,
              sizeof(t->test_start_time), why, whylen))
    return false;
  if(!prb_cp_parse_time(t->test_start_time, &when))
    return no(why, whylen, "test_start_time is not a \"YYYY-MM-DD "
              "hh:mm:ss\" time");
  return true;
}

bool prb_cp_template_equal(const struct prb_cp_template *a,
                           const struct prb_cp_template *b)
{
  return !strcmp(a->probe_cc, b->probe_cc) &&
         !strcmp(a->probe_asn, b->probe_asn) &&
         !strcmp(a->test_name, b->test_name) &&
         !strcmp(a->test_version, b->test_version) &&
         !strcmp(a->software_name, b->software_name) &&
         !strcmp(a->software_version, b->software_version) &&
         !strcmp(a->data_format_version, b->data_format_version) &&
         !strcmp(a->test_start_time, b->test_start_time);
}

json_t *prb_cp_template_json(const struct prb_cp_template *t)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                   "data_format_version", t->data_format_version,
                   "format", "json", "probe_asn", t->probe_asn,
                   "probe_cc", t->probe_cc,
                   "software_name", t->software_name,
                   "software_version", t->software_version,
                   "test_name", t->test_name,
                   "test_start_time", t->test_start_time,
                   "test_version", t->test_version);
}

void prb_cp_report_id(const struct prb_cp_template *t, unsigned collector,
                      char out[PRB_CP_RID_MAX])
{
  char test[PRB_CP_TEST_MAX];
  strip_underscores(t->test_name, test, sizeof(test));
  prb_record_report_id_for(out, PRB_CP_RID_MAX, test, t->probe_cc,
                           t->probe_asn, collector);
}

static bool alnum_run(const char *s, size_t n)
{
  for(size_t i = 0; i < n; i++)
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= '0' && s[i] <= '9')))
      return false;
  return true;
}

bool prb_cp_rid_parse(const char *rid, struct prb_cp_rid *out, char *why,
                      size_t whylen)
{
  const char *part[6];
  size_t plen[6], n = 0;
  const char *p = rid;
  memset(out, 0, sizeof(*out));
  if(strlen(rid) >= PRB_CP_RID_MAX)
    return no(why, whylen, "report_id is too long");
  for(;;) {
    const char *u = strchr(p, '_');
    if(n == 6)
      return no(why, whylen, "report_id has more than six '_'-separated "
                "parts");
    part[n] = p;
    plen[n++] = u ? (size_t)(u - p) : strlen(p);
    if(!u)
      break;
    p = u + 1;
  }
  if(n != 6)
    return no(why, whylen, "report_id must have six '_'-separated parts "
              "(YYYYmmddTHHMMSSZ_test_CC_ASN_nN_random)");
  const char *ts = part[0];
  if(plen[0] != 16 || !digits(ts, 8) || ts[8] != 'T' ||
     !digits(ts + 9, 6) || ts[15] != 'Z')
    return no(why, whylen, "report_id does not start with a "
              "YYYYmmddTHHMMSSZ time");
  if(plen[1] < 2 || plen[1] >= PRB_CP_TEST_MAX - 1 ||
     !alnum_run(part[1], plen[1]))
    return no(why, whylen, "report_id's test name must be 2 to 29 letters "
              "and digits");
  if(plen[2] != 2 || part[2][0] < 'A' || part[2][0] > 'Z' ||
     part[2][1] < 'A' || part[2][1] > 'Z')
    return no(why, whylen, "report_id's country must be two upper-case "
              "letters");
  if(!digits(part[3], plen[3]) || plen[3] > 10 ||
     (part[3][0] == '0' && plen[3] > 1))
    return no(why, whylen, "report_id's network must be the AS number");
  if(plen[4] < 2 || part[4][0] != 'n' || !digits(part[4] + 1, plen[4] - 1))
    return no(why, whylen, "report_id's collector part must be n<digits>");
  if(plen[5] < 8 || plen[5] > 32 || !alnum_run(part[5], plen[5]))
    return no(why, whylen, "report_id's random part must be 8 to 32 "
              "letters and digits");
  memcpy(out->test, part[1], plen[1]);
  memcpy(out->cc, part[2], 2);
  snprintf(out->asn, sizeof(out->asn), "AS%.*s", (int)plen[3], part[3]);
  return true;
}

bool prb_cp_record_check(const json_t *rec, const struct prb_cp_rid *rid,
                         time_t now, char *why, size_t whylen)
{
  char cc[3], asn[16], test[PRB_CP_TEST_MAX], bare[PRB_CP_TEST_MAX];
  char start[64];
  time_t t;
  if(!json_is_object(rec))
    return no(why, whylen, "the measurement is not a JSON object");
  if(!get_str(rec, "probe_cc", cc, sizeof(cc), why, whylen))
    return false;
  if(!upper2(cc))
    return no(why, whylen, "probe_cc must be two upper-case letters");
  if(!get_str(rec, "probe_asn", asn, sizeof(asn), why, whylen))
    return false;
  if(!asn_valid(asn))
    return no(why, whylen, "probe_asn must be AS followed by the number");
  if(!get_str(rec, "test_name", test, sizeof(test), why, whylen))
    return false;
  if(!test_valid(test))
    return no(why, whylen, "test_name must be lower-case letters, digits "
              "and '_', at most 30 bytes, 2 to 29 without the '_'");
  strip_underscores(test, bare, sizeof(bare));
  if(strcmp(cc, rid->cc))
    return no(why, whylen, "probe_cc %s differs from the report's %s", cc,
              rid->cc);
  if(strcmp(asn, rid->asn))
    return no(why, whylen, "probe_asn %s differs from the report's %s", asn,
              rid->asn);
  if(strcmp(bare, rid->test))
    return no(why, whylen, "test_name %s differs from the report's %s", test,
              rid->test);
  if(!network_known(cc, asn, why, whylen))
    return false;
  if(!get_str(rec, "measurement_start_time", start, sizeof(start), why,
              whylen))
    return false;
  if(!prb_cp_parse_time(start, &t))
    return no(why, whylen, "measurement_start_time is not a \"YYYY-MM-DD "
              "hh:mm:ss\" UTC time");
  if(t < PRB_CP_EARLIEST || t > now + 86400)
    return no(why, whylen, "measurement_start_time %s is before 2012 or in "
              "the future", start);
  json_t *ip = json_object_get(rec, "probe_ip");
  if(ip && (!json_is_string(ip) ||
            strcmp(json_string_value(ip), "127.0.0.1")))
    return no(why, whylen, "probe_ip must be the placeholder \"127.0.0.1\": "
              "a record must never carry the probe's address");
  json_t *input = json_object_get(rec, "input");
  if(input && !json_is_string(input) && !json_is_null(input))
    return no(why, whylen, "input must be a string or null");
  json_t *r = json_object_get(rec, "report_id");
  if(r && !json_is_string(r))
    return no(why, whylen, "report_id must be a string");
  return true;
}

/* "YYYYmmddHHMMSS" of "YYYY-MM-DD hh:mm:ss". */
static void compact_time(const char *s, char out[15])
{
  size_t k = 0;
  for(; *s && k < 14; s++)
    if(*s >= '0' && *s <= '9')
      out[k++] = *s;
  out[k] = '\0';
}

int prb_cp_store_form(const json_t *parsed, const char *rec, size_t len,
                      const char *rid, struct prb_cp_stored *out, char *why,
                      size_t whylen)
{
  memset(out, 0, sizeof(*out));
  /* Never JSON, but jansson lets a NUL right after a number pass
   * ({"a":8<NUL>,...}); stored, it would cut the line for PostgreSQL and
   * make it unreadable to the report. */
  if(memchr(rec, '\0', len)) {
    no(why, whylen, "the measurement holds a NUL byte: not JSON");
    return -1;
  }
  char *compact = malloc(len + 1);
  /* {"measurement_uid":"...","report_id":"..."} around the members */
  size_t cap = len + PRB_CP_UID_MAX + PRB_CP_RID_MAX + 64;
  char *line = malloc(cap);
  if(!compact || !line) {
    free(compact);
    free(line);
    no(why, whylen, "out of memory");
    return -1;
  }
  size_t clen = prb_json_compact(rec, len, compact);
  /* The members to keep, joined as "{m1,m2,...}" at line + head: the uid
   * is the hash of exactly those bytes. */
  size_t head = PRB_CP_UID_MAX + PRB_CP_RID_MAX + 40, n = head;
  line[n++] = '{';
  struct prb_json_iter it;
  struct prb_json_member m;
  enum prb_json_member_rc rc;
  prb_json_iter_init(&it, compact, clen);
  while((rc = prb_json_next(&it, &m)) == PRB_JSON_MEMBER_FOUND) {
    size_t kl = m.key_end - m.key;
    const char *k = compact + m.key;
    if((kl == 9 && !memcmp(k, "report_id", 9)) ||
       (kl == 15 && !memcmp(k, "measurement_uid", 15)))
      continue;
    if(line[n - 1] != '{')
      line[n++] = ',';
    memcpy(line + n, compact + m.key - 1, m.value_end - m.key + 1);
    n += m.value_end - m.key + 1;
  }
  free(compact);
  if(rc != PRB_JSON_MEMBER_END) {
    free(line);
    no(why, whylen, rc == PRB_JSON_MEMBER_ESCAPED ?
       "a top-level key holds an escape sequence; keys must be plain" :
       "the measurement is not a JSON object");
    return -1;
  }
  line[n++] = '}';
  unsigned char md[64];
  unsigned mdlen = 0;
  if(!EVP_Digest(line + head, n - head, md, &mdlen, EVP_sha512(), NULL)) {
    free(line);
    no(why, whylen, "SHA-512 failed");
    return -1;
  }
  char ts[15], hex[17], bare[PRB_CP_TEST_MAX];
  compact_time(json_string_value(json_object_get(parsed,
                                 "measurement_start_time")), ts);
  strip_underscores(json_string_value(json_object_get(parsed, "test_name")),
                    bare, sizeof(bare));
  prb_hex_encode(md, 8, hex);
  unsigned frac = ((unsigned)md[8] << 24 | (unsigned)md[9] << 16 |
                   (unsigned)md[10] << 8 | md[11]) % 1000000u;
  snprintf(out->uid, sizeof(out->uid), "%s.%06u_%s_%s_%s", ts, frac,
           json_string_value(json_object_get(parsed, "probe_cc")), bare,
           hex);
  /* The identifiers go in front of the members, in the room left there. */
  char front[PRB_CP_UID_MAX + PRB_CP_RID_MAX + 40];
  int fl = snprintf(front, sizeof(front),
                    "{\"measurement_uid\":\"%s\",\"report_id\":\"%s\"%s",
                    out->uid, rid, n - head > 2 ? "," : "");
  if(fl < 0 || (size_t)fl >= sizeof(front) || (size_t)fl > head + 1) {
    free(line);
    no(why, whylen, "report_id is too long");
    return -1;
  }
  size_t start = head + 1 - (size_t)fl;   /* front replaces the '{' */
  memcpy(line + start, front, (size_t)fl);
  memmove(line, line + start, n - start);
  out->len = n - start;
  line[out->len] = '\0';
  out->line = line;
  return 0;
}

void prb_cp_stored_free(struct prb_cp_stored *s)
{
  free(s->line);
  s->line = NULL;
  s->len = 0;
}

char *prb_cp_with_report_id(const char *rec, size_t len, const char *rid,
                            size_t *outlen)
{
  size_t vs = 0, ve = 0;
  enum prb_json_member_rc rc = prb_json_member(rec, len, "report_id", &vs,
                                               &ve);
  if(rc != PRB_JSON_MEMBER_FOUND && rc != PRB_JSON_MEMBER_END)
    return NULL;
  size_t rl = strlen(rid);
  char *out = malloc(len + rl + 32);
  if(!out)
    return NULL;
  size_t n;
  if(rc == PRB_JSON_MEMBER_FOUND) {
    memcpy(out, rec, vs);
    n = vs;
    n += (size_t)sprintf(out + n, "\"%s\"", rid);
    memcpy(out + n, rec + ve, len - ve);
    n += len - ve;
  } else {
    struct prb_json_iter it;
    struct prb_json_member m;
    prb_json_iter_init(&it, rec, len);
    bool empty = prb_json_next(&it, &m) == PRB_JSON_MEMBER_END;
    size_t at = (size_t)((const char *)memchr(rec, '{', len) - rec) + 1;
    memcpy(out, rec, at);
    n = at;
    n += (size_t)sprintf(out + n, "\"report_id\":\"%s\"%s", rid,
                         empty ? "" : ",");
    memcpy(out + n, rec + at, len - at);
    n += len - at;
  }
  out[n] = '\0';
  *outlen = n;
  return out;
}

bool prb_cp_uid_valid(const char *s)
{
  size_t n = strlen(s);
  if(n < 14 + 1 + 6 + 4 + 3 + 16 || n >= PRB_CP_UID_MAX)
    return false;
  if(!digits(s, 14) || s[14] != '.' || !digits(s + 15, 6) || s[21] != '_' ||
     s[22] < 'A' || s[22] > 'Z' || s[23] < 'A' || s[23] > 'Z' ||
     s[24] != '_')
    return false;
  const char *last = strrchr(s, '_');
  if(last <= s + 25 || strlen(last + 1) != 16 ||
     !alnum_run(s + 25, (size_t)(last - s - 25)))
    return false;
  for(const char *p = last + 1; *p; p++)
    if(prb_hex_value(*p) < 0)
      return false;
  return true;
}
