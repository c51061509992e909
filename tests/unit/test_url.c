/* test_url.c: URL parsing, canonical form, IDN and redirect resolution. */
#include "check.h"
#include "common/url.h"

static const char *canon(const char *in)
{
  static char buf[PRB_URL_MAX];
  const char *why = NULL;
  if(prb_url_canonical(in, buf, sizeof buf, &why) < 0)
    return why ? why : "(no reason)";
  return buf;
}

static int rejects(const char *in)
{
  struct prb_url u;
  const char *why = NULL;
  int rc = prb_url_parse(in, &u, &why);
  return rc == -1 && why != NULL && why[0] != '\0';
}

static void test_parse_basic(void)
{
  struct prb_url u;
  const char *why = NULL;
  CHECK_INT(prb_url_parse("HTTPS://WWW.Azattyq.ORG:8443/a/b?x=1#frag", &u,
                          &why), 0);
  CHECK_STR(u.scheme, "https");
  CHECK_STR(u.host, "www.azattyq.org");
  CHECK_INT(u.port, 8443);
  CHECK(u.port_explicit);
  CHECK(!u.host_is_ip);
  CHECK_STR(u.path, "/a/b?x=1");

  CHECK_INT(prb_url_parse("http://vlast.kz", &u, &why), 0);
  CHECK_INT(u.port, 80);
  CHECK(!u.port_explicit);
  CHECK_STR(u.path, "/");

  CHECK_STR(canon("https://24.kz/kz/"), "https://24.kz/kz/");
  CHECK_STR(canon("https://example.org:443/"), "https://example.org/");
  CHECK_STR(canon("http://example.org:443/"), "http://example.org:443/");
  CHECK_STR(canon("http://example.org?q=1"), "http://example.org/?q=1");
  CHECK_STR(canon("http://example.org./x"), "http://example.org/x");
  CHECK_STR(canon("http://example.org:/x"), "http://example.org/x");
  CHECK_STR(canon("http://a.org/./b/../c/./d"), "http://a.org/c/d");
  CHECK_STR(canon("http://a.org/../../x"), "http://a.org/x");
  CHECK_STR(canon("http://a.org/x/.."), "http://a.org/");
  CHECK_STR(canon("http://a.org/q?p=/../x"), "http://a.org/q?p=/../x");
  CHECK_STR(canon("http://a.org/%D0%B0"), "http://a.org/%D0%B0");
  /* Raw UTF-8 in the path is percent-encoded. */
  CHECK_STR(canon("http://a.org/\xd0\xb0?\xd0\xb1"),
            "http://a.org/%D0%B0?%D0%B1");
  CHECK_STR(canon("http://my_host.example/"), "http://my_host.example/");
}

static void test_ip_literals(void)
{
  struct prb_url u;
  CHECK_INT(prb_url_parse("http://192.0.2.1:8080/x", &u, NULL), 0);
  CHECK(u.host_is_ip);
  CHECK(!u.host_is_ipv6);
  CHECK_STR(u.host, "192.0.2.1");
  CHECK_INT(prb_url_parse("https://[2001:DB8:0:0::1]/", &u, NULL), 0);
  CHECK(u.host_is_ip);
  CHECK(u.host_is_ipv6);
  CHECK_STR(u.host, "2001:db8::1");
  CHECK_STR(canon("https://[2001:db8::1]:8443/p"),
            "https://[2001:db8::1]:8443/p");
  CHECK(rejects("http://[2001:db8::1/"));
  CHECK(rejects("http://[zz::1]/"));
  CHECK(rejects("http://[::1]x/"));
  CHECK(rejects("http://1.2.3/"));
  CHECK(rejects("http://256.1.1.1/"));
  CHECK(rejects("http://[]/"));
}

static void test_idn(void)
{
  struct prb_url u;
  /* "президент.рф" written in Unicode becomes punycode. */
  CHECK_INT(prb_url_parse("https://\xd0\xbf\xd1\x80\xd0\xb5\xd0\xb7\xd0\xb8"
                          "\xd0\xb4\xd0\xb5\xd0\xbd\xd1\x82.\xd1\x80\xd1\x84/",
                          &u, NULL), 0);
  CHECK_STR(u.host, "xn--d1abbgf6aiiy.xn--p1ai");
  /* Upper-case Unicode is mapped too ("ҚАЗ.kz" -> "қаз.kz"). */
  CHECK_STR(canon("http://\xd2\x9a\xd0\x90\xd0\x97.kz/"),
            canon("http://\xd2\x9b\xd0\xb0\xd0\xb7.kz/"));
  CHECK(strncmp(canon("http://\xd2\x9b\xd0\xb0\xd0\xb7.kz/"),
                "http://xn--", 11) == 0);
  /* Punycode as given is accepted and only lower-cased. */
  CHECK_STR(canon("https://XN--D1ABBGF6AIIY.XN--P1AI/"),
            "https://xn--d1abbgf6aiiy.xn--p1ai/");
  /* Invalid UTF-8 in the host is refused. */
  CHECK(rejects("http://\xff\xfe.kz/"));
}

static void test_rejects(void)
{
  char longurl[3000];
  CHECK(rejects(""));
  CHECK(rejects("example.org"));
  CHECK(rejects("//example.org/"));
  CHECK(rejects("ftp://example.org/"));
  CHECK(rejects("javascript:alert(1)"));
  CHECK(rejects("http:/example.org/"));
  CHECK(rejects("http://user:pw@example.org/"));
  CHECK(rejects("http://example.org/a b"));
  CHECK(rejects("http://example.org/\x01"));
  CHECK(rejects("http://example.org/\x7f"));
  CHECK(rejects("http://exa\\mple.org/"));
  CHECK(rejects("http:///path"));
  CHECK(rejects("http://"));
  CHECK(rejects("http://:80/"));
  CHECK(rejects("http://example.org:0/"));
  CHECK(rejects("http://example.org:65536/"));
  CHECK(rejects("http://example.org:12a/"));
  CHECK(rejects("http://ex%41mple.org/"));
  CHECK(rejects("http://a..b/"));
  CHECK(rejects("http://exa!mple.org/"));
  memcpy(longurl, "http://a.org/", 13);
  memset(longurl + 13, 'x', 2047 - 13);
  longurl[2047] = '\0';
  CHECK(!rejects(longurl)); /* exactly 2047 bytes */
  longurl[2047] = 'x';
  longurl[2048] = '\0';
  CHECK(rejects(longurl));
  /* Fits before normalisation, not after percent-encoding. */
  memset(longurl + 13, 0, 10);
  for(size_t i = 13; i < 2040; i++)
    longurl[i] = (i % 2) ? '\xd0' : '\xb0';
  longurl[2040] = '\0';
  CHECK(rejects(longurl));
}

static const char *res(const char *base, const char *loc)
{
  static char buf[PRB_URL_MAX];
  struct prb_url b, out;
  const char *why = NULL;
  if(prb_url_parse(base, &b, &why) < 0)
    return "(bad base)";
  if(prb_url_resolve(&b, loc, &out, &why) < 0)
    return why ? why : "(no reason)";
  prb_url_format(&out, buf, sizeof buf);
  return buf;
}

static void test_resolve(void)
{
  /* RFC 3986 5.4.1 normal examples, with an http base. */
  const char *b = "http://a/b/c/d;p?q";
  CHECK_STR(res(b, "g"), "http://a/b/c/g");
  CHECK_STR(res(b, "./g"), "http://a/b/c/g");
  CHECK_STR(res(b, "g/"), "http://a/b/c/g/");
  CHECK_STR(res(b, "/g"), "http://a/g");
  CHECK_STR(res(b, "//g"), "http://g/");
  CHECK_STR(res(b, "?y"), "http://a/b/c/d;p?y");
  CHECK_STR(res(b, "g?y"), "http://a/b/c/g?y");
  CHECK_STR(res(b, "#s"), "http://a/b/c/d;p?q");
  CHECK_STR(res(b, "g#s"), "http://a/b/c/g");
  CHECK_STR(res(b, ";x"), "http://a/b/c/;x");
  CHECK_STR(res(b, ""), "http://a/b/c/d;p?q");
  CHECK_STR(res(b, "."), "http://a/b/c/");
  CHECK_STR(res(b, "./"), "http://a/b/c/");
  CHECK_STR(res(b, ".."), "http://a/b/");
  CHECK_STR(res(b, "../"), "http://a/b/");
  CHECK_STR(res(b, "../g"), "http://a/b/g");
  CHECK_STR(res(b, "../.."), "http://a/");
  CHECK_STR(res(b, "../../g"), "http://a/g");
  /* 5.4.2 abnormal examples. */
  CHECK_STR(res(b, "../../../g"), "http://a/g");
  CHECK_STR(res(b, "/./g"), "http://a/g");
  CHECK_STR(res(b, "/../g"), "http://a/g");
  CHECK_STR(res(b, "g."), "http://a/b/c/g.");
  CHECK_STR(res(b, "..g"), "http://a/b/c/..g");
  CHECK_STR(res(b, "./../g"), "http://a/b/g");
  CHECK_STR(res(b, "g/./h"), "http://a/b/c/g/h");
  CHECK_STR(res(b, "g/../h"), "http://a/b/c/h");
  CHECK_STR(res(b, "g?y/./x"), "http://a/b/c/g?y/./x");

  /* What redirects look like in practice. */
  CHECK_STR(res("http://vlast.kz/", "https://vlast.kz/"), "https://vlast.kz/");
  CHECK_STR(res("https://x.kz:8443/a/b", "/c"), "https://x.kz:8443/c");
  CHECK_STR(res("https://x.kz/a/b", "//cdn.x.kz/y"), "https://cdn.x.kz/y");
  CHECK_STR(res("http://[2001:db8::1]:81/a/b", "c"),
            "http://[2001:db8::1]:81/a/c");
  CHECK_STR(res("http://x.kz/", "  /moved here  "), "http://x.kz/moved%20here");
  CHECK_STR(res("http://x.kz/", "HTTP://Y.KZ"), "http://y.kz/");
  CHECK_STR(res("http://x.kz/", "/\xd0\xb0"), "http://x.kz/%D0%B0");

  /* Refused targets. */
  CHECK_STR(res("http://x.kz/", "ftp://x.kz/"),
            "redirect to a scheme other than http or https");
  CHECK_STR(res("http://x.kz/", "javascript:alert(1)"),
            "redirect to a scheme other than http or https");
  CHECK_STR(res("http://x.kz/", "///nohost"), "empty host");
  CHECK_STR(res("http://x.kz/", "http://"), "empty host");
  CHECK_STR(res("http://x.kz/", "https://u@evil/"),
            "userinfo in URL is not accepted");
  CHECK_STR(res("http://x.kz/", "/a\r\nSet-Cookie: x"),
            "control character in URL");

  /* out may alias base. */
  struct prb_url u;
  CHECK_INT(prb_url_parse("http://a.kz/x/y", &u, NULL), 0);
  CHECK_INT(prb_url_resolve(&u, "../z", &u, NULL), 0);
  CHECK_STR(u.path, "/z");
}

int main(void)
{
  test_parse_basic();
  test_ip_literals();
  test_idn();
  test_rejects();
  test_resolve();
  return test_summary();
}
