/* test_httpd_head.c: the head checks of our public servers, the client
 * behind a proxy (X-Forwarded-For) and the key clients are counted by. */
#include "check.h"
#include "servers/httpd_head.h"

#include <stdint.h>

static unsigned check(const char *method, const char *version, unsigned host,
                      unsigned n_length, const char *length, unsigned te,
                      size_t max, size_t *len, const char **why)
{
  struct prb_head_facts f = {
    .method = method, .version = version, .n_host = host,
    .n_length = n_length, .length = length, .n_transfer_encoding = te
  };
  return prb_head_check(&f, max, len, why);
}

static void test_head(void)
{
  size_t len;
  const char *why;
  CHECK_INT(check("GET", "HTTP/1.1", 1, 0, NULL, 0, 100, &len, &why), 0);
  CHECK_INT(len, 0);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "100", 0, 100, &len, &why), 0);
  CHECK_INT(len, 100);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "0007", 0, 100, &len, &why), 0);
  CHECK_INT(len, 7);
  CHECK_INT(check("HEAD", "HTTP/1.0", 0, 0, NULL, 0, 100, &len, &why), 0);
  /* a GET with a body is read (and answered), not dropped */
  CHECK_INT(check("GET", "HTTP/1.1", 1, 1, "5", 0, 100, &len, &why), 0);
  CHECK_INT(len, 5);

  /* methods: answered 405 */
  CHECK_INT(check("PUT", "HTTP/1.1", 1, 1, "1", 0, 100, &len, &why), 405);
  CHECK(why && why[0]);
  CHECK_INT(check("DELETE", "HTTP/1.1", 1, 0, NULL, 0, 100, &len, &why), 405);
  CHECK_INT(check("get", "HTTP/1.1", 1, 0, NULL, 0, 100, &len, &why), 405);
  CHECK_INT(check(NULL, "HTTP/1.1", 1, 0, NULL, 0, 100, &len, &why), 405);

  /* Host: required by HTTP/1.1, exactly one */
  CHECK_INT(check("GET", "HTTP/1.1", 0, 0, NULL, 0, 100, &len, &why), 400);
  CHECK_STR(why, "an HTTP/1.1 request needs a Host header");
  CHECK_INT(check("GET", "HTTP/1.1", 2, 0, NULL, 0, 100, &len, &why), 400);
  CHECK_INT(check("GET", NULL, 0, 0, NULL, 0, 100, &len, &why), 400);
  CHECK_INT(check("GET", "HTTP/1.0", 2, 0, NULL, 0, 100, &len, &why), 0);

  /* smuggling: two lengths (even equal), a length and an encoding */
  CHECK_INT(check("POST", "HTTP/1.1", 1, 2, "5", 0, 100, &len, &why), 400);
  CHECK_STR(why, "more than one Content-Length");
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "5", 1, 100, &len, &why), 400);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 0, NULL, 1, 100, &len, &why), 411);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "5 ", 0, 100, &len, &why), 400);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "+5", 0, 100, &len, &why), 400);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "", 0, 100, &len, &why), 400);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "5,5", 0, 100, &len, &why), 400);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, NULL, 0, 100, &len, &why), 400);

  /* too large: 413 without overflow, whatever the digits */
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "101", 0, 100, &len, &why), 413);
  CHECK_INT(len, 0);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "100000000", 0, 100, &len, &why),
            413);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1,
                  "99999999999999999999999999999999", 0, 100, &len, &why),
            413);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "18446744073709551615", 0,
                  SIZE_MAX, &len, &why), 0);
  CHECK(len == SIZE_MAX);
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "18446744073709551616", 0,
                  SIZE_MAX, &len, &why), 413);
  /* digits first, then junk: still malformed, not "too large" */
  CHECK_INT(check("POST", "HTTP/1.1", 1, 1, "9999999999x", 0, 100, &len,
                  &why), 400);
}

static const char *last(const char *xff)
{
  static char out[PRB_IP_MAX];
  struct prb_addr a;
  if(!prb_forwarded_last(xff, strlen(xff), &a))
    return "-";
  CHECK_INT(a.port, 0);
  prb_addr_format(&a, out, sizeof(out));
  return out;
}

static void test_forwarded(void)
{
  /* the last entry is the one our proxy added; the rest may be lies */
  CHECK_STR(last("203.0.113.9"), "203.0.113.9");
  CHECK_STR(last("127.0.0.1, 203.0.113.9"), "203.0.113.9");
  CHECK_STR(last("1.1.1.1,203.0.113.9"), "203.0.113.9");
  CHECK_STR(last("1.1.1.1 ,\t 203.0.113.9 \t"), "203.0.113.9");
  /* some proxies add the port: the probe behind NAT still gets its
   * address */
  CHECK_STR(last("203.0.113.9:51234"), "203.0.113.9");
  CHECK_STR(last("1.1.1.1, 203.0.113.9:443"), "203.0.113.9");
  CHECK_STR(last("[2001:db8::1]:443"), "2001:db8::1");
  CHECK_STR(last("[2001:db8::1]"), "2001:db8::1");
  CHECK_STR(last("2001:db8::1"), "2001:db8::1");
  CHECK_STR(last("::ffff:203.0.113.9"), "::ffff:203.0.113.9");
  /* an unreadable last entry: unknown, never an earlier one */
  CHECK_STR(last("203.0.113.9, unknown"), "-");
  CHECK_STR(last("203.0.113.9, "), "-");
  CHECK_STR(last("203.0.113.9,"), "-");
  CHECK_STR(last(""), "-");
  CHECK_STR(last("203.0.113.9:0"), "-");
  CHECK_STR(last("203.0.113.9:70000"), "-");
  CHECK_STR(last("[203.0.113.9]:80"), "-");
  CHECK_STR(last("[2001:db8::1]x"), "-");
  CHECK_STR(last("2001:db8::1:443:1:2:3:4:5"), "-");
  CHECK_STR(last("_hidden"), "-");
  CHECK_STR(last("\"[2001:db8::1]:443\""), "-");
  struct prb_addr a;
  CHECK(!prb_forwarded_last(NULL, 0, &a));
  CHECK(!prb_forwarded_last("1.2.3.4\0" "5", 9, &a));
  /* only the bytes given */
  CHECK(prb_forwarded_last("1.2.3.4, 5.6.7.8", 7, &a));
}

static void test_key(void)
{
  struct prb_addr a, b, ka, kb;
  char t[PRB_IP_MAX];
  CHECK(prb_addr_parse_endpoint("203.0.113.9:1234", false, &a) == 0);
  prb_client_key(&a, &ka);
  prb_addr_format(&ka, t, sizeof(t));
  CHECK_STR(t, "203.0.113.9");
  CHECK_INT(ka.port, 0);
  CHECK(prb_addr_parse("::ffff:203.0.113.9", &b));
  prb_client_key(&b, &kb);
  CHECK(prb_addr_equal(&ka, &kb));
  /* one /64, one client */
  CHECK(prb_addr_parse("2001:db8:1:2:aaaa::1", &a));
  CHECK(prb_addr_parse("2001:db8:1:2:bbbb::7", &b));
  prb_client_key(&a, &ka);
  prb_client_key(&b, &kb);
  CHECK(prb_addr_equal(&ka, &kb));
  prb_addr_format(&ka, t, sizeof(t));
  CHECK_STR(t, "2001:db8:1:2::");
  CHECK(prb_addr_parse("2001:db8:1:3::1", &b));
  prb_client_key(&b, &kb);
  CHECK(!prb_addr_equal(&ka, &kb));
}

int main(void)
{
  test_head();
  test_forwarded();
  test_key();
  return test_summary();
}
