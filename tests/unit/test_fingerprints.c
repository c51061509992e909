/* test_fingerprints.c: loading OONI-format fingerprints, rejecting bad rows,
 * matching bodies (raw bytes), headers and DNS answers. */
#include "check.h"
#include "analysis/fingerprints.h"

#include <stdlib.h>
#include <time.h>

static char datadir[1024];

static const char *path_of(const char *dir, const char *name)
{
  static char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static const char *name_of(const struct prb_fingerprint *f)
{
  return f ? f->name : "(none)";
}

static struct prb_header hdr(const char *name, const char *value)
{
  struct prb_header h;
  h.name = (char *)(size_t)name;
  h.name_len = strlen(name);
  h.value = (char *)(size_t)value;
  h.value_len = strlen(value);
  return h;
}

static void test_matching(void)
{
  struct prb_fpset s;
  size_t bad = 99;
  char dir[1100];
  snprintf(dir, sizeof dir, "%s/lists", datadir);
  prb_fp_init(&s);
  CHECK_INT(prb_fp_load(&s, path_of(dir, "fp-good.csv"), stderr, &bad),
            PRB_LOAD_OK);
  CHECK_INT(bad, 0);
  CHECK_INT(s.n, 8);

  /* Body contains, in the middle of a larger page. */
  static const char page[] =
    "<html><body><h1>\xd0\xa1\xd1\x82\xd1\x80\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x86"
    "\xd0\xb0 \xd0\xb7\xd0\xb0\xd0\xb1\xd0\xbb\xd0\xbe\xd0\xba\xd0\xb8\xd1\x80"
    "\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xb0</h1></body></html>";
  const struct prb_fingerprint *f =
    prb_fp_match_http(&s, (const unsigned char *)page, sizeof page - 1,
                      NULL, 0);
  CHECK_STR(name_of(f), "test.body_contains");
  if(f) {
    CHECK_INT(f->confidence, 5);
    CHECK_STR(f->scope, "isp");
    CHECK_STR(f->expected_countries, "KZ");
  }
  /* The same page cut one byte short does not match. */
  CHECK(prb_fp_match_http(&s, (const unsigned char *)page, 40, NULL, 0) ==
        NULL);

  /* Regexp over a body with NULs and invalid UTF-8 around the match. */
  static const unsigned char bin[] =
    "\xff\xfe\x00junk\xc3\x28 blocked\x00" "by \xff\xff\xff operator \x00\x80";
  f = prb_fp_match_http(&s, bin, sizeof bin - 1, NULL, 0);
  CHECK_STR(name_of(f), "test.regexp_bytes");
  /* The NUL is part of the pattern: without it, no match. */
  static const unsigned char nonul[] = "\xff blocked by \xff operator";
  CHECK(prb_fp_match_http(&s, nonul, sizeof nonul - 1, NULL, 0) == NULL);

  /* Catastrophic backtracking is cut off by the match limit, quickly. */
  size_t n = 100000;
  unsigned char *evil = malloc(n);
  if(evil) {
    memset(evil, 'a', n);
    evil[n - 1] = 'b';
    clock_t t0 = clock();
    CHECK(prb_fp_match_http(&s, evil, n, NULL, 0) == NULL);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    /* A short all-'a' body does match the same expression. */
    CHECK_STR(name_of(prb_fp_match_http(&s, evil, 20, NULL, 0)),
              "test.regexp_evil");
    free(evil);
  }

  /* Headers: case-insensitive names, prefix and full values. */
  struct prb_header h[3];
  h[0] = hdr("Content-Type", "text/html");
  h[1] = hdr("LOCATION", " http://blocked.example.kz/?u=x \r\n");
  h[2] = hdr("Server", "BlockBox");
  f = prb_fp_match_http(&s, NULL, 0, h, 2);
  CHECK_STR(name_of(f), "test.location_prefix");
  f = prb_fp_match_http(&s, NULL, 0, h + 2, 1);
  CHECK_STR(name_of(f), "test.server_full");
  h[2] = hdr("Server", "BlockBox/2");
  CHECK(prb_fp_match_http(&s, NULL, 0, h + 2, 1) == NULL); /* full, not prefix */
  h[1] = hdr("X-Location", "http://blocked.example.kz/");
  CHECK(prb_fp_match_http(&s, NULL, 0, h, 2) == NULL);
  /* A header row never looks at the body. */
  static const char lb[] = "Location: http://blocked.example.kz/";
  CHECK(prb_fp_match_http(&s, (const unsigned char *)lb, sizeof lb - 1,
                          NULL, 0) == NULL);

  /* A known false positive is reported only when nothing else matches. */
  static const char cf[] = "<title>Just a moment...</title>";
  f = prb_fp_match_http(&s, (const unsigned char *)cf, sizeof cf - 1, NULL, 0);
  CHECK_STR(name_of(f), "test.cloudflare");
  h[0] = hdr("Location", "http://blocked.example.kz/x");
  f = prb_fp_match_http(&s, (const unsigned char *)cf, sizeof cf - 1, h, 1);
  CHECK_STR(name_of(f), "test.location_prefix");

  /* DNS: exact, CNAMEs case-insensitive; body rows never match DNS. */
  CHECK_STR(name_of(prb_fp_match_dns(&s, "10.10.34.34")), "test.dns_ip");
  CHECK(prb_fp_match_dns(&s, "10.10.34.3") == NULL);
  CHECK(prb_fp_match_dns(&s, "10.10.34.345") == NULL);
  CHECK_STR(name_of(prb_fp_match_dns(&s, "Blocked.Operator.Example")),
            "test.dns_cname");
  CHECK(prb_fp_match_dns(&s, "blocked") == NULL);
  CHECK(prb_fp_match_dns(&s, NULL) == NULL);
  CHECK(prb_fp_match_http(NULL, NULL, 0, NULL, 0) == NULL);
  prb_fp_free(&s);
  CHECK_INT(s.n, 0);
}

static void test_bad_rows(void)
{
  struct prb_fpset s;
  size_t bad = 0;
  char dir[1100], *out = NULL, want[4400];
  size_t outlen = 0;
  FILE *err = open_memstream(&out, &outlen);
  snprintf(dir, sizeof dir, "%s/lists", datadir);
  const char *p = path_of(dir, "fp-bad.csv");
  prb_fp_init(&s);
  CHECK_INT(prb_fp_load(&s, p, err, &bad), PRB_LOAD_OK);
  fclose(err);
  CHECK_INT(bad, 9);
  CHECK_INT(s.n, 2); /* the good rows are kept */
  snprintf(want, sizeof want, "%s:3: regular expression does not compile:",
           p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:4: unknown scope \"planet\"\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:5: duplicate fingerprint name good.one "
           "(first on line 2)\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:10: expected 11 fields, got 7\n", p);
  CHECK(strstr(out, want) != NULL);
  snprintf(want, sizeof want, "%s:11: empty pattern\n", p);
  CHECK(strstr(out, want) != NULL);
  free(out);
  prb_fp_free(&s);

  /* Not a fingerprint file, and a missing one. */
  prb_fp_init(&s);
  CHECK_INT(prb_fp_load(&s, path_of(dir, "unknown-header.csv"), NULL, NULL),
            PRB_LOAD_EFORMAT);
  CHECK_INT(prb_fp_load(&s, path_of(dir, "no-such-file.csv"), NULL, NULL),
            PRB_LOAD_EREAD);
  CHECK_INT(s.n, 0);
  prb_fp_free(&s);
}

static void test_shipped_files(void)
{
  /* The probe's own files load without a bad row. */
  struct prb_fpset s;
  size_t bad = 1;
  char dir[1100];
  snprintf(dir, sizeof dir, "%s/../../lists", datadir);
  prb_fp_init(&s);
  CHECK_INT(prb_fp_load(&s, path_of(dir, "fingerprints-dns.csv"), stderr,
                        &bad), PRB_LOAD_OK);
  CHECK_INT(bad, 0);
  CHECK_INT(prb_fp_load(&s, path_of(dir, "fingerprints-http.csv"), stderr,
                        &bad), PRB_LOAD_OK);
  CHECK_INT(bad, 0);
  CHECK(s.n > 1900);
  /* Upstream rows work as OONI uses them. */
  CHECK_STR(name_of(prb_fp_match_dns(&s, "134.17.0.7")), "ooni.by_4");
  struct prb_header h = hdr("Location", "https://internet.mts.by/blocked/x");
  CHECK_STR(name_of(prb_fp_match_http(&s, NULL, 0, &h, 1)), "ooni.by_2");
  /* The Kazakhstan section: redirects to the certificate-install hosts. */
  h = hdr("Location", "http://qca.kz/");
  CHECK_STR(name_of(prb_fp_match_http(&s, NULL, 0, &h, 1)),
            "accessprobe.kz_0");
  h = hdr("location", "https://www.isca.gov.kz/cert?x=1");
  CHECK_STR(name_of(prb_fp_match_http(&s, NULL, 0, &h, 1)),
            "accessprobe.kz_1");
  h = hdr("Location", "https://qca.kz.example.com/");
  CHECK(prb_fp_match_http(&s, NULL, 0, &h, 1) == NULL);
  prb_fp_free(&s);
}

int main(void)
{
  const char *d = getenv("PRB_TEST_DATA");
  snprintf(datadir, sizeof datadir, "%s", d ? d : "tests/data");
  test_matching();
  test_bad_rows();
  test_shipped_files();
  return test_summary();
}
