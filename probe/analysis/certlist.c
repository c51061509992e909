/* certlist.c: loading known interception certificates and matching chains
 * by hash (OpenSSL digests of the DER) or by distinguished name. */
#include "analysis/certlist.h"
#include "common/digest.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/csvtable.h"
#include "common/textclean.h"

enum col { C_FAMILY, C_ROLE, C_SUBJECT, C_ISSUER, C_SHA1, C_SHA256,
           C_SERIAL, C_NOT_BEFORE, C_NOT_AFTER, C_MATCH, C_SEEN, C_SOURCE,
           N_COLS };

static const char *const columns[N_COLS] = {
  "family", "role", "subject", "issuer", "sha1", "sha256", "serial_dec",
  "not_before", "not_after", "match_names", "seen", "source"
};

static const struct { const char *key; int nid; } dn_keys[] = {
  { "C", NID_countryName }, { "ST", NID_stateOrProvinceName },
  { "L", NID_localityName }, { "O", NID_organizationName },
  { "OU", NID_organizationalUnitName }, { "CN", NID_commonName }
};

void prb_certlist_init(struct prb_certlist *l)
{
  memset(l, 0, sizeof *l);
}

static void free_row(void *row)
{
  struct prb_certrow *r = row;
  free(r->family);
  free(r->role);
  free(r->subject);
  free(r->issuer);
  free(r->source);
  for(size_t i = 0; i < r->n_subject_attrs; i++)
    free(r->subject_attrs[i].value);
  for(size_t i = 0; i < r->n_issuer_attrs; i++)
    free(r->issuer_attrs[i].value);
}

void prb_certlist_free(struct prb_certlist *l)
{
  if(!l)
    return;
  for(size_t i = 0; i < l->n; i++)
    free_row(&l->rows[i]);
  free(l->rows);
  memset(l, 0, sizeof *l);
}

static char *dup_mem(const char *s, size_t n)
{
  char *d = malloc(n + 1);
  if(d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static int is_digit(int c)
{
  return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD hh:mm:ss" (UTC), or empty. */
static int date_ok(const char *s)
{
  static const char shape[] = "dddd-dd-dd dd:dd:dd";
  if(*s == '\0')
    return 1;
  if(strlen(s) != sizeof shape - 1)
    return 0;
  for(size_t i = 0; shape[i]; i++) {
    if(shape[i] == 'd' ? !is_digit((unsigned char)s[i]) : s[i] != shape[i])
      return 0;
  }
  return 1;
}

/* Parses "K=V, K=V" into attrs; -1 on a syntax error, -2 out of memory. */
static int parse_dn(const char *s, struct prb_dn_attr *attrs, size_t *n)
{
  *n = 0;
  while(*s) {
    const char *eq, *end, *v;
    size_t kn, vn;
    int nid = 0;
    while(*s == ' ')
      s++;
    eq = strchr(s, '=');
    if(!eq)
      return -1;
    kn = (size_t)(eq - s);
    for(size_t i = 0; i < sizeof dn_keys / sizeof dn_keys[0]; i++)
      if(strlen(dn_keys[i].key) == kn && memcmp(s, dn_keys[i].key, kn) == 0)
        nid = dn_keys[i].nid;
    if(!nid)
      return -1;
    v = eq + 1;
    end = strchr(v, ',');
    vn = end ? (size_t)(end - v) : strlen(v);
    while(vn > 0 && v[vn - 1] == ' ')
      vn--;
    if(vn == 0 || *n == PRB_DN_MAX_ATTRS)
      return -1;
    attrs[*n].nid = nid;
    attrs[*n].value = dup_mem(v, vn);
    if(!attrs[*n].value)
      return -2;
    (*n)++;
    s = end ? end + 1 : v + vn;
    if(!end && *s)
      return -1;
  }
  return 0;
}

/* The kept row with a hash of r, or NULL. */
static const struct prb_certrow *hash_seen(
  const struct prb_csvtable_rows *kept, const struct prb_certrow *r)
{
  const struct prb_certrow *rows = kept->items;
  for(size_t i = 0; i < kept->n; i++) {
    const struct prb_certrow *o = &rows[i];
    if((r->has_sha1 && o->has_sha1 && !memcmp(r->sha1, o->sha1, 20)) ||
       (r->has_sha256 && o->has_sha256 && !memcmp(r->sha256, o->sha256, 32)))
      return o;
  }
  return NULL;
}

/* Validates one record into out (a struct prb_certrow). 0 good, 1 bad
 * (reported), -1 no memory. */
static int parse_row(const struct prb_csvtable_rows *kept,
                     const struct prb_csv *c, const char *path, long line,
                     FILE *err, void *out)
{
  struct prb_certrow *row = out;
  const char *match = prb_csv_field(c, C_MATCH);
  const struct prb_certrow *dup;
  int rc;

  memset(row, 0, sizeof *row);
  row->line = line;
  if(prb_csv_nfields(c) != N_COLS) {
    prb_csvtable_say(err, path, line, "expected %d fields, got %zu", N_COLS,
                     prb_csv_nfields(c));
    return 1;
  }
  if(!*prb_csv_field(c, C_FAMILY) || !*prb_csv_field(c, C_ROLE)) {
    prb_csvtable_say(err, path, line,
                     "family and role must not be empty");
    return 1;
  }
  if(!*prb_csv_field(c, C_SOURCE)) {
    prb_csvtable_say(err, path, line, "no source");
    return 1;
  }
  if(*prb_csv_field(c, C_SHA1)) {
    if(prb_hex_decode(prb_csv_field(c, C_SHA1), prb_csv_field_len(c, C_SHA1),
                      row->sha1, 20) < 0) {
      prb_csvtable_say(err, path, line,
                       "sha1 is not 40 hexadecimal digits");
      return 1;
    }
    row->has_sha1 = true;
  }
  if(*prb_csv_field(c, C_SHA256)) {
    if(prb_hex_decode(prb_csv_field(c, C_SHA256),
                      prb_csv_field_len(c, C_SHA256), row->sha256, 32) < 0) {
      prb_csvtable_say(err, path, line,
                       "sha256 is not 64 hexadecimal digits");
      return 1;
    }
    row->has_sha256 = true;
  }
  for(const char *p = prb_csv_field(c, C_SERIAL); *p; p++) {
    if(!is_digit((unsigned char)*p)) {
      prb_csvtable_say(err, path, line,
                       "serial_dec is not a decimal number");
      return 1;
    }
  }
  if(!date_ok(prb_csv_field(c, C_NOT_BEFORE)) ||
     !date_ok(prb_csv_field(c, C_NOT_AFTER))) {
    prb_csvtable_say(err, path, line,
                     "validity dates must be \"YYYY-MM-DD hh:mm:ss\"");
    return 1;
  }
  if(strcmp(match, "yes") == 0) {
    row->match_names = true;
  } else if(strcmp(match, "no") != 0) {
    prb_csvtable_say(err, path, line, "match_names must be yes or no");
    return 1;
  }
  rc = parse_dn(prb_csv_field(c, C_SUBJECT), row->subject_attrs,
                &row->n_subject_attrs);
  if(rc == 0)
    rc = parse_dn(prb_csv_field(c, C_ISSUER), row->issuer_attrs,
                  &row->n_issuer_attrs);
  if(rc == -2) {
    free_row(row);
    return -1;
  }
  if(rc == -1) {
    prb_csvtable_say(err, path, line, "malformed subject or issuer name "
                     "(want \"C=KZ, O=..., CN=...\" with C, ST, L, O, OU, "
                     "CN)");
    free_row(row);
    return 1;
  }
  if(row->match_names && !row->n_subject_attrs && !row->n_issuer_attrs) {
    prb_csvtable_say(err, path, line,
                     "match_names=yes needs a subject or an issuer");
    free_row(row);
    return 1;
  }
  if(!row->has_sha1 && !row->has_sha256 && !row->match_names) {
    prb_csvtable_say(err, path, line,
                     "row can never match: no hash and match_names=no");
    free_row(row);
    return 1;
  }
  dup = hash_seen(kept, row);
  if(dup) {
    prb_csvtable_say(err, path, line,
                     "duplicate certificate hash (first on line %ld)",
                     dup->line);
    free_row(row);
    return 1;
  }
  row->family = dup_mem(prb_csv_field(c, C_FAMILY),
                        prb_csv_field_len(c, C_FAMILY));
  row->role = dup_mem(prb_csv_field(c, C_ROLE), prb_csv_field_len(c, C_ROLE));
  row->subject = dup_mem(prb_csv_field(c, C_SUBJECT),
                         prb_csv_field_len(c, C_SUBJECT));
  row->issuer = dup_mem(prb_csv_field(c, C_ISSUER),
                        prb_csv_field_len(c, C_ISSUER));
  row->source = dup_mem(prb_csv_field(c, C_SOURCE),
                        prb_csv_field_len(c, C_SOURCE));
  if(!row->family || !row->role || !row->subject || !row->issuer ||
     !row->source) {
    free_row(row);
    return -1;
  }
  return 0;
}

static const struct prb_csvtable table = {
  .columns = columns,
  .n_columns = N_COLS,
  .kind = "an interception-certificates file",
  .row_size = sizeof(struct prb_certrow),
  .parse = parse_row,
  .free_row = free_row,
};

enum prb_load prb_certlist_load(struct prb_certlist *l, const char *path,
                                FILE *err, size_t *n_bad)
{
  struct prb_csvtable_rows rows = { l->rows, l->n, l->cap };
  int rc = prb_csvtable_load(&table, &rows, path, err, n_bad);

  l->rows = rows.items;
  l->n = rows.n;
  l->cap = rows.cap;
  return rc;
}

/* Whether name has, for every attribute, an entry with that exact value. */
static int name_has(const X509_NAME *name, const struct prb_dn_attr *attrs,
                    size_t n)
{
  if(!name || n == 0)
    return 0;
  for(size_t i = 0; i < n; i++) {
    int found = 0, pos = -1;
    size_t want = strlen(attrs[i].value);
    while(!found &&
          (pos = X509_NAME_get_index_by_NID(name, attrs[i].nid, pos)) >= 0) {
      X509_NAME_ENTRY *e = X509_NAME_get_entry(name, pos);
      unsigned char *utf8 = NULL;
      int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
      if(len >= 0 && (size_t)len == want &&
         memcmp(utf8, attrs[i].value, want) == 0)
        found = 1;
      OPENSSL_free(utf8);
    }
    if(!found)
      return 0;
  }
  return 1;
}

int prb_certlist_match(const struct prb_certlist *l,
                       const struct prb_cert *certs, size_t n,
                       struct prb_certmatch *m)
{
  memset(m, 0, sizeof *m);
  if(!l || !certs)
    return 0;

  for(size_t i = 0; i < n; i++) {
    unsigned char h256[32], h1[20];
    unsigned int len;
    if(!certs[i].der || certs[i].len == 0)
      continue;
    if(!EVP_Digest(certs[i].der, certs[i].len, h256, &len, EVP_sha256(),
                   NULL) ||
       !EVP_Digest(certs[i].der, certs[i].len, h1, &len, EVP_sha1(), NULL))
      continue;
    for(size_t r = 0; r < l->n; r++) {
      const struct prb_certrow *row = &l->rows[r];
      int how = PRB_CERT_NO_MATCH;
      if(row->has_sha256 && memcmp(row->sha256, h256, 32) == 0)
        how = PRB_CERT_BY_SHA256;
      else if(row->has_sha1 && memcmp(row->sha1, h1, 20) == 0)
        how = PRB_CERT_BY_SHA1;
      if(how) {
        m->row = row;
        m->cert_index = i;
        m->how = how;
        return 1;
      }
    }
  }

  for(size_t i = 0; i < n; i++) {
    const unsigned char *p = certs[i].der;
    X509 *x;
    if(!p || certs[i].len == 0 || certs[i].len > 0x7fffffff)
      continue;
    x = d2i_X509(NULL, &p, (long)certs[i].len);
    if(!x)
      continue;
    for(size_t r = 0; r < l->n; r++) {
      const struct prb_certrow *row = &l->rows[r];
      int how = PRB_CERT_NO_MATCH;
      if(!row->match_names)
        continue;
      if(row->n_subject_attrs) {
        if(name_has(X509_get_subject_name(x), row->subject_attrs,
                    row->n_subject_attrs))
          how = PRB_CERT_BY_SUBJECT;
        else if(name_has(X509_get_issuer_name(x), row->subject_attrs,
                         row->n_subject_attrs))
          how = PRB_CERT_BY_ISSUER;
      } else if(name_has(X509_get_issuer_name(x), row->issuer_attrs,
                         row->n_issuer_attrs)) {
        how = PRB_CERT_BY_ISSUER;
      }
      if(how) {
        m->row = row;
        m->cert_index = i;
        m->how = how;
        X509_free(x);
        return 1;
      }
    }
    X509_free(x);
  }
  return 0;
}

const char *prb_certlist_how_name(int how)
{
  switch(how) {
  case PRB_CERT_BY_SHA256: return "sha256";
  case PRB_CERT_BY_SHA1: return "sha1";
  case PRB_CERT_BY_SUBJECT: return "subject";
  case PRB_CERT_BY_ISSUER: return "issuer";
  default: return "none";
  }
}
