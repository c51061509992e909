/* fuzz_url.c: common/url.c, URL parsing, the canonical form and redirect
 * resolution. Input: a URL, then after a newline a Location value.
 *
 * Properties: the canonical form is stable (it parses, to the same parts,
 * and formats to itself) and clean (ASCII, no blanks, no fragment);
 * prb_url_canonical() agrees with parse-then-format; a resolved redirect
 * is canonical too and resolves to itself from anywhere; an absolute
 * Location that parses resolves to its own canonical form; an empty one
 * gives the base back. */
#include "fuzz.h"

#include "common/url.h"

static void same_parts(const struct prb_url *a, const struct prb_url *b)
{
  FUZZ_CHECK(!strcmp(a->scheme, b->scheme));
  FUZZ_CHECK(!strcmp(a->host, b->host));
  FUZZ_CHECK(a->port == b->port);
  FUZZ_CHECK(a->host_is_ip == b->host_is_ip);
  FUZZ_CHECK(a->host_is_ipv6 == b->host_is_ipv6);
  FUZZ_CHECK(!strcmp(a->path, b->path));
}

/* u's canonical form, checked to be stable; written to out. */
static void check_canonical(const struct prb_url *u, char out[PRB_URL_MAX])
{
  struct prb_url again;
  char twice[PRB_URL_MAX];
  const char *why = NULL;
  int n = prb_url_format(u, out, PRB_URL_MAX);

  FUZZ_CHECK(n > 0 && (size_t)n == strlen(out));
  for(int i = 0; i < n; i++) {
    unsigned char c = (unsigned char)out[i];
    FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '#' && c != '\\');
  }
  FUZZ_CHECK(!strcmp(u->scheme, "http") || !strcmp(u->scheme, "https"));
  FUZZ_CHECK(u->port >= 1 && u->port <= 65535 && u->path[0] == '/');
  FUZZ_CHECK(prb_url_parse(out, &again, &why) == 0);
  same_parts(u, &again);
  FUZZ_CHECK(prb_url_canonical(out, twice, sizeof(twice), &why) == 0);
  FUZZ_CHECK(!strcmp(twice, out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  const uint8_t *p;
  size_t n = fuzz_take(&in, '\n', &p);
  char *text = fuzz_strndup(p, n);
  n = fuzz_take(&in, '\n', &p);
  char *loc = fuzz_strndup(p, n);
  struct prb_url base, out, again;
  char canon[PRB_URL_MAX], canon2[PRB_URL_MAX], resolved[PRB_URL_MAX];
  const char *why = NULL;

  int rc = prb_url_parse(text, &base, &why);
  FUZZ_CHECK(rc == 0 || (rc == -1 && why));
  int rc2 = prb_url_canonical(text, canon2, sizeof(canon2), &why);
  FUZZ_CHECK(rc2 == rc);
  if(rc == 0) {
    check_canonical(&base, canon);
    FUZZ_CHECK(!strcmp(canon, canon2));
  } else {
    FUZZ_CHECK(prb_url_parse("https://www.example.kz/a/b/c?q=1", &base,
                             &why) == 0);
  }

  if(prb_url_resolve(&base, loc, &out, &why) == 0) {
    check_canonical(&out, resolved);
    /* A canonical absolute URL is its own resolution, from any base. */
    FUZZ_CHECK(prb_url_resolve(&base, resolved, &again, &why) == 0);
    same_parts(&out, &again);
    FUZZ_CHECK(prb_url_resolve(&out, "", &again, &why) == 0);
    same_parts(&out, &again);
  }
  struct prb_url abs;
  if(prb_url_parse(loc, &abs, &why) == 0) {
    FUZZ_CHECK(prb_url_resolve(&base, loc, &out, &why) == 0);
    same_parts(&abs, &out);
  }
  FUZZ_CHECK(prb_url_resolve(&base, "", &out, &why) == 0);
  same_parts(&base, &out);
  free(text);
  free(loc);
  return 0;
}
