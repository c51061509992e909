/* fuzz_certlist.c: analysis/certlist.c, the interception-certificate list
 * (through common/csvtable.c), read from an in-memory file, and matching
 * a presented chain against it. The chain is a test pair made for these
 * harnesses (tests/fuzz/data: a root "C=KZ, O=ISCA, CN=Qaznet Trust
 * Network" and a leaf it issued), not a real interception certificate.
 *
 * Properties: rows are well formed (bounded names, lines after the
 * header); matching finds what a naive reading of certlist.h's rule
 * finds (hashes first, by certificate then row; then names, comparing
 * every entry of the certificate's name); reloading the file into the
 * same list keeps nothing twice. */
#include "fuzz.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "analysis/certlist.h"

static struct prb_cert chain[2];
static unsigned char h256[2][32], h1[2][20];

static unsigned char *load(const char *name, size_t *len)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/tests/fuzz/data/%s", PRB_SRCDIR, name);
  FILE *f = fopen(path, "rb");
  if(!f) {
    fprintf(stderr, "fuzz_certlist: cannot read %s\n", path);
    abort();
  }
  unsigned char *buf = malloc(8192);
  FUZZ_CHECK(buf);
  *len = fread(buf, 1, 8192, f);
  fclose(f);
  FUZZ_CHECK(*len > 0 && *len < 8192);
  return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  chain[0].der = load("test-leaf.der", &chain[0].len);
  chain[1].der = load("test-root.der", &chain[1].len);
  for(int i = 0; i < 2; i++) {
    unsigned int n;
    FUZZ_CHECK(EVP_Digest(chain[i].der, chain[i].len, h256[i], &n,
                          EVP_sha256(), NULL));
    FUZZ_CHECK(EVP_Digest(chain[i].der, chain[i].len, h1[i], &n, EVP_sha1(),
                          NULL));
  }
  return 0;
}

/* Every attribute has an entry of the name with that NID and value. */
static bool name_has(const X509_NAME *name, const struct prb_dn_attr *a,
                     size_t n)
{
  if(!n)
    return false;
  for(size_t i = 0; i < n; i++) {
    bool found = false;
    for(int e = 0; e < X509_NAME_entry_count(name) && !found; e++) {
      const X509_NAME_ENTRY *ent = X509_NAME_get_entry(name, e);
      unsigned char *s = NULL;
      int len;
      if(OBJ_obj2nid(X509_NAME_ENTRY_get_object(ent)) != a[i].nid)
        continue;
      len = ASN1_STRING_to_UTF8(&s, X509_NAME_ENTRY_get_data(ent));
      found = len >= 0 && (size_t)len == strlen(a[i].value) &&
              !memcmp(s, a[i].value, (size_t)len);
      OPENSSL_free(s);
    }
    if(!found)
      return false;
  }
  return true;
}

/* The naive reading of the rule. */
static int ref_match(const struct prb_certlist *l, struct prb_certmatch *m)
{
  for(size_t c = 0; c < 2; c++)
    for(size_t r = 0; r < l->n; r++) {
      const struct prb_certrow *row = &l->rows[r];
      int how = row->has_sha256 && !memcmp(row->sha256, h256[c], 32) ?
                PRB_CERT_BY_SHA256 :
                row->has_sha1 && !memcmp(row->sha1, h1[c], 20) ?
                PRB_CERT_BY_SHA1 : PRB_CERT_NO_MATCH;
      if(how) {
        *m = (struct prb_certmatch){row, c, how};
        return 1;
      }
    }
  for(size_t c = 0; c < 2; c++) {
    const unsigned char *p = chain[c].der;
    X509 *x = d2i_X509(NULL, &p, (long)chain[c].len);
    FUZZ_CHECK(x);
    for(size_t r = 0; r < l->n; r++) {
      const struct prb_certrow *row = &l->rows[r];
      int how = PRB_CERT_NO_MATCH;
      if(!row->match_names)
        continue;
      if(row->n_subject_attrs)
        how = name_has(X509_get_subject_name(x), row->subject_attrs,
                       row->n_subject_attrs) ? PRB_CERT_BY_SUBJECT :
              name_has(X509_get_issuer_name(x), row->subject_attrs,
                       row->n_subject_attrs) ? PRB_CERT_BY_ISSUER :
              PRB_CERT_NO_MATCH;
      else if(name_has(X509_get_issuer_name(x), row->issuer_attrs,
                       row->n_issuer_attrs))
        how = PRB_CERT_BY_ISSUER;
      if(how) {
        X509_free(x);
        *m = (struct prb_certmatch){row, c, how};
        return 1;
      }
    }
    X509_free(x);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof(path));
  struct prb_certlist l;
  size_t bad;
  prb_certlist_init(&l);
  int rc = prb_certlist_load(&l, path, fuzz_devnull(), &bad);
  FUZZ_CHECK(rc == PRB_LOAD_OK || rc == PRB_LOAD_EFORMAT);
  FUZZ_CHECK(rc == PRB_LOAD_OK || l.n == 0);
  for(size_t i = 0; i < l.n; i++) {
    const struct prb_certrow *row = &l.rows[i];
    FUZZ_CHECK(row->line >= 2 && row->family[0] && row->role[0]);
    FUZZ_CHECK(row->n_subject_attrs <= PRB_DN_MAX_ATTRS &&
               row->n_issuer_attrs <= PRB_DN_MAX_ATTRS);
    for(size_t k = 0; k < row->n_subject_attrs; k++)
      FUZZ_CHECK(row->subject_attrs[k].value[0]);
  }

  struct prb_certmatch m, want;
  int got = prb_certlist_match(&l, chain, 2, &m);
  int ref = ref_match(&l, &want);
  FUZZ_CHECK(got == ref);
  if(got)
    FUZZ_CHECK(m.row == want.row && m.cert_index == want.cert_index &&
               m.how == want.how);
  FUZZ_CHECK(!prb_certlist_match(&l, chain, 0, &m));

  /* The same file again: every hash row is now a duplicate. */
  size_t before = l.n, with_hash = 0;
  for(size_t i = 0; i < l.n; i++)
    with_hash += l.rows[i].has_sha1 || l.rows[i].has_sha256;
  if(rc == PRB_LOAD_OK) {
    FUZZ_CHECK(prb_certlist_load(&l, path, fuzz_devnull(), &bad) ==
               PRB_LOAD_OK);
    FUZZ_CHECK(l.n == 2 * before - with_hash);
  }
  close(fd);
  prb_certlist_free(&l);
  return 0;
}
