/* test_certlist.c: loading interception certificates and matching chains by
 * SHA-256, SHA-1 and name, with certificates made here by OpenSSL. */
#include "check.h"
#include "analysis/certlist.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

static char datadir[1024];

/* A certificate with the given subject, signed by issuer_key under
 * issuer_name (self-signed when they are its own). DER into *der. */
static size_t make_cert(EVP_PKEY *key, const char *c, const char *o,
                        const char *cn, EVP_PKEY *issuer_key,
                        const X509_NAME *issuer_name, unsigned char **der,
                        X509_NAME **subject_out)
{
  X509 *x = X509_new();
  X509_NAME *n = X509_NAME_new();
  int len;
  *der = NULL;
  if(c)
    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8,
                               (const unsigned char *)c, -1, -1, 0);
  if(o)
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                               (const unsigned char *)o, -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                             (const unsigned char *)cn, -1, -1, 0);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_subject_name(x, n);
  X509_set_issuer_name(x, issuer_name ? issuer_name : n);
  X509_set_pubkey(x, key);
  X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256());
  len = i2d_X509(x, der);
  if(subject_out)
    *subject_out = X509_NAME_dup(n);
  X509_NAME_free(n);
  X509_free(x);
  return len > 0 ? (size_t)len : 0;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
  static const char d[] = "0123456789abcdef";
  for(size_t i = 0; i < n; i++) {
    out[2 * i] = d[b[i] >> 4];
    out[2 * i + 1] = d[b[i] & 15];
  }
  out[2 * n] = '\0';
}

static const char header[] =
  "family,role,subject,issuer,sha1,sha256,serial_dec,not_before,not_after,"
  "match_names,seen,source\n";

static void test_match(void)
{
  EVP_PKEY *ca_key = EVP_EC_gen("P-256");
  EVP_PKEY *leaf_key = EVP_EC_gen("P-256");
  unsigned char *ca_der, *leaf_der, *other_der;
  X509_NAME *ca_name = NULL;
  struct prb_cert chain[2], other;
  struct prb_certlist l;
  struct prb_certmatch m;
  size_t bad = 9;
  char path[] = "/tmp/prb-certs-XXXXXX";
  char h256[65], h1[41];
  unsigned char d[32];
  unsigned int dl;
  FILE *fp;
  int fd;

  CHECK(ca_key != NULL && leaf_key != NULL);
  /* A fake ISCA root and a leaf it issued, as the MITM box presents. */
  chain[1].len = make_cert(ca_key, "KZ", "ISCA",
                           "Information Security Certification Authority",
                           NULL, NULL, &ca_der, &ca_name);
  chain[1].der = ca_der;
  chain[0].len = make_cert(leaf_key, NULL, NULL, "www.azattyq.org", ca_key,
                           ca_name, &leaf_der, NULL);
  chain[0].der = leaf_der;
  other.len = make_cert(leaf_key, "US", "Example", "example.org", NULL, NULL,
                        &other_der, NULL);
  other.der = other_der;
  CHECK(chain[0].len > 0 && chain[1].len > 0 && other.len > 0);

  /* List 1: the leaf by SHA-256, the root by SHA-1, nothing by name. */
  EVP_Digest(leaf_der, chain[0].len, d, &dl, EVP_sha256(), NULL);
  hex(d, 32, h256);
  EVP_Digest(ca_der, chain[1].len, d, &dl, EVP_sha1(), NULL);
  hex(d, 20, h1);
  fd = mkstemp(path);
  fp = fdopen(fd, "w");
  fputs(header, fp);
  fprintf(fp, "test,leaf,,,,%s,,,,no,,unit test\n", h256);
  fprintf(fp, "test,root,,,%s,,,,,no,,unit test\n", h1);
  fclose(fp);
  prb_certlist_init(&l);
  CHECK_INT(prb_certlist_load(&l, path, stderr, &bad), PRB_LOAD_OK);
  CHECK_INT(bad, 0);
  CHECK_INT(l.n, 2);
  CHECK_INT(prb_certlist_match(&l, chain, 2, &m), 1);
  CHECK_INT(m.how, PRB_CERT_BY_SHA256);
  CHECK_INT(m.cert_index, 0);
  CHECK(m.row == &l.rows[0]);
  CHECK_STR(prb_certlist_how_name(m.how), "sha256");
  CHECK_INT(prb_certlist_match(&l, chain + 1, 1, &m), 1);
  CHECK_INT(m.how, PRB_CERT_BY_SHA1);
  CHECK_STR(prb_certlist_how_name(m.how), "sha1");
  CHECK_INT(prb_certlist_match(&l, &other, 1, &m), 0);
  CHECK(m.row == NULL);
  CHECK_INT(prb_certlist_match(&l, NULL, 0, &m), 0);
  prb_certlist_free(&l);
  remove(path);

  /* The shipped list: names match the fake ISCA chain (no hash can). */
  char lists[1200];
  snprintf(lists, sizeof lists, "%s/../../lists/interception-certs.csv",
           datadir);
  prb_certlist_init(&l);
  CHECK_INT(prb_certlist_load(&l, lists, stderr, &bad), PRB_LOAD_OK);
  CHECK_INT(bad, 0);
  CHECK(l.n >= 20);
  CHECK_INT(prb_certlist_match(&l, chain, 2, &m), 1);
  /* The leaf comes first and was issued by ISCA. */
  CHECK_INT(m.cert_index, 0);
  CHECK_INT(m.how, PRB_CERT_BY_ISSUER);
  CHECK_STR(prb_certlist_how_name(m.how), "issuer");
  if(m.row)
    CHECK(strstr(m.row->family, "ISCA") != NULL);
  /* The root alone is the listed CA itself. */
  CHECK_INT(prb_certlist_match(&l, chain + 1, 1, &m), 1);
  CHECK_INT(m.how, PRB_CERT_BY_SUBJECT);
  CHECK_INT(prb_certlist_match(&l, &other, 1, &m), 0);
  /* Garbage DER neither crashes nor matches. */
  struct prb_cert junk = { (unsigned char *)(size_t)"\x30\x82\xff\xff", 4 };
  CHECK_INT(prb_certlist_match(&l, &junk, 1, &m), 0);
  prb_certlist_free(&l);

  /* A name that only looks alike (different O) does not match. */
  unsigned char *fake_der;
  struct prb_cert fake;
  fake.len = make_cert(ca_key, "KZ", "ISCA Ltd",
                       "Information Security Certification Authority", NULL,
                       NULL, &fake_der, NULL);
  fake.der = fake_der;
  prb_certlist_init(&l);
  prb_certlist_load(&l, lists, NULL, NULL);
  CHECK_INT(prb_certlist_match(&l, &fake, 1, &m), 0);
  prb_certlist_free(&l);

  OPENSSL_free(fake_der);
  OPENSSL_free(ca_der);
  OPENSSL_free(leaf_der);
  OPENSSL_free(other_der);
  X509_NAME_free(ca_name);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(leaf_key);
}

static void test_bad_rows(void)
{
  struct prb_certlist l;
  size_t bad = 0;
  char *out = NULL, want[4400], p[1200];
  size_t outlen = 0;
  FILE *err = open_memstream(&out, &outlen);
  snprintf(p, sizeof p, "%s/lists/bad-interception-certs.csv", datadir);
  prb_certlist_init(&l);
  CHECK_INT(prb_certlist_load(&l, p, err, &bad), PRB_LOAD_OK);
  fclose(err);
  CHECK_INT(bad, 7);
  CHECK_INT(l.n, 1);
  snprintf(want, sizeof want, "%s:3: sha1 is not 40 hexadecimal digits\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:4: sha256 is not 64 hexadecimal digits\n",
           p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:5: duplicate certificate hash (first on "
           "line 2)\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:6: malformed subject or issuer name", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:7: row can never match", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:8: validity dates", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:9: expected 12 fields, got 3\n", p);
  CHECK(strstr(out, want) != NULL);
  free(out);
  prb_certlist_free(&l);

  prb_certlist_init(&l);
  snprintf(p, sizeof p, "%s/lists/unknown-header.csv", datadir);
  CHECK_INT(prb_certlist_load(&l, p, NULL, NULL), PRB_LOAD_EFORMAT);
  CHECK_INT(prb_certlist_load(&l, "/nonexistent", NULL, NULL),
            PRB_LOAD_EREAD);
  prb_certlist_free(&l);
}

int main(void)
{
  const char *d = getenv("PRB_TEST_DATA");
  snprintf(datadir, sizeof datadir, "%s", d ? d : "tests/data");
  test_match();
  test_bad_rows();
  return test_summary();
}
