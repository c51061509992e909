/* test_scrub.c: the probe's addresses, and only them, leave the text. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ooni/scrub.h"

static struct prb_scrub *set;

/* Scrubs in and compares with want. */
static void expect(const char *in, const char *want, int line)
{
  size_t n;
  char *out = prb_scrub_text(set, in, strlen(in), &n);
  /* The dry run agrees with what scrubbing does. */
  CHECK(prb_scrub_finds(set, in, strlen(in)) == (strcmp(in, want) != 0));
  if(!out || strcmp(out, want) || n != strlen(want)) {
    fprintf(stderr, "line %d: \"%s\" -> \"%s\", want \"%s\"\n", line, in,
            out ? out : "(null)", want);
    CHECK(0);
  }
  else
    CHECK(1);
  free(out);
}

#define EXPECT(in, want) expect(in, want, __LINE__)

static void test_ipv4(void)
{
  EXPECT("10.0.0.1", "[scrubbed]");
  EXPECT("ip 10.0.0.1, again 10.0.0.1.", "ip [scrubbed], again [scrubbed].");
  EXPECT("10.0.0.12", "10.0.0.12");
  EXPECT("110.0.0.1", "110.0.0.1");
  EXPECT("10.0.0.1.5", "10.0.0.1.5");
  EXPECT("1.10.0.0.1", "1.10.0.0.1");
  EXPECT("10.0.0.10", "10.0.0.10");
  EXPECT("10.0.0.1:8080", "[scrubbed]:8080");
  EXPECT("for=10.0.0.1;by=x", "for=[scrubbed];by=x");
  EXPECT("010.000.000.001", "[scrubbed]");
  EXPECT("...10.0.0.1...", "...[scrubbed]...");
  EXPECT("X-Client-IP: 10.0.0.1\r\n", "X-Client-IP: [scrubbed]\r\n");
  EXPECT("10.0.0.2", "10.0.0.2");
}

static void test_ipv6(void)
{
  EXPECT("2001:db8::5", "[scrubbed]");
  EXPECT("2001:DB8::5", "[scrubbed]");
  EXPECT("2001:0db8:0000:0000:0000:0000:0000:0005", "[scrubbed]");
  EXPECT("2001:db8:0:0::5", "[scrubbed]");
  EXPECT("[2001:db8::5]:443", "[[scrubbed]]:443");
  EXPECT("http://[2001:DB8:0::5]/x", "http://[[scrubbed]]/x");
  /* Ambiguous (a port, or the last group?): either way it is in our /64. */
  EXPECT("2001:db8::5:443", "[scrubbed]");
  EXPECT("from 2001:db8::5.", "from [scrubbed].");
  EXPECT("addr:2001:db8::5", "addr:[scrubbed]");
  /* A global address's /64 is the subscriber's line: all of it is ours. */
  EXPECT("2001:db8::50", "[scrubbed]");
  EXPECT("2001:db8::6:7:8:9", "[scrubbed]");
  EXPECT("2001:db8:0:1::5", "2001:db8:0:1::5");
  EXPECT("2001:db9::5", "2001:db9::5");
  EXPECT("12001:db8::5", "12001:db8::5");
}

static void test_mapped(void)
{
  EXPECT("::ffff:10.0.0.1", "[scrubbed]");
  EXPECT("::FFFF:a00:1", "[scrubbed]");
  EXPECT("[::ffff:10.0.0.1]:80", "[[scrubbed]]:80");
  EXPECT("::ffff:10.0.0.12", "::ffff:10.0.0.12");
}

/* Addresses glued into one run of address characters: once one is
 * replaced, what is left beside it is an address of its own in the output
 * (found by fuzzing: the mapped form used to survive). */
static void test_glued(void)
{
  EXPECT("10.0.0.1::ffff:a00:1", "[scrubbed][scrubbed]");
  EXPECT("10.0.0.1:2001:db8::5", "[scrubbed]:[scrubbed]");
  EXPECT("2001:db8::5.10.0.0.1", "2001:db8::5.10.0.0.1");  /* one number */
  EXPECT("10.0.0.1:ffff:a00:1", "[scrubbed]:ffff:a00:1");  /* not an address */
}

static void test_json(void)
{
  EXPECT("{\"address\":\"10.0.0.1:443\",\"ip\":\"2001:db8::5\","
         "\"probe_ip\":\"127.0.0.1\",\"t\":10.0,\"port\":443}",
         "{\"address\":\"[scrubbed]:443\",\"ip\":\"[scrubbed]\","
         "\"probe_ip\":\"127.0.0.1\",\"t\":10.0,\"port\":443}");
}

static void test_adding(void)
{
  struct prb_scrub *s = prb_scrub_new();
  size_t n;
  char *out;
  const char *text = "127.0.0.1 ::1 0.0.0.0 :: 127.1.2.3 ::ffff:127.0.0.1";

  CHECK(s != NULL);
  CHECK(prb_scrub_add(s, "127.0.0.1"));
  CHECK(prb_scrub_add(s, "::1"));
  CHECK(prb_scrub_add(s, "0.0.0.0"));
  CHECK(prb_scrub_add(s, "::"));
  CHECK(prb_scrub_add(s, "127.1.2.3"));
  CHECK(prb_scrub_add(s, "::ffff:127.0.0.1"));
  CHECK(prb_scrub_add(s, "not an address"));
  CHECK(prb_scrub_add(s, ""));
  out = prb_scrub_text(s, text, strlen(text), &n);
  CHECK_STR(out, text);
  free(out);

  /* A mapped address added is its IPv4 address; brackets are tolerated. */
  CHECK(prb_scrub_add(s, "::ffff:192.0.2.7"));
  CHECK(prb_scrub_add(s, "[2001:db8::9]"));
  CHECK(prb_scrub_add(s, "192.0.2.7"));
  CHECK(prb_scrub_add(s, "fe80::abcd%eth0"));
  out = prb_scrub_text(s, "192.0.2.7 2001:db8::9 fe80::ABCD%eth0", 37, &n);
  CHECK_STR(out, "[scrubbed] [scrubbed] [scrubbed]%eth0");
  free(out);

  /* Interfaces: loopback never added, so 127.0.0.1 stays. */
  CHECK(prb_scrub_add_interfaces(s));
  out = prb_scrub_text(s, "127.0.0.1", 9, &n);
  CHECK_STR(out, "127.0.0.1");
  free(out);
  prb_scrub_free(s);

  /* No set, or an empty one: a plain copy. */
  out = prb_scrub_text(NULL, "10.0.0.1", 8, &n);
  CHECK_STR(out, "10.0.0.1");
  free(out);
}

static void test_binary_and_long(void)
{
  char big[4096];
  size_t i, n;
  char *out;

  /* Bytes that are not text, with a NUL, around an address. */
  static const char bin[] = "\xFF\x00" "10.0.0.1" "\x00\xFE";
  out = prb_scrub_text(set, bin, sizeof(bin) - 1, &n);
  CHECK_INT(n, 2 + 10 + 2);
  CHECK(out && !memcmp(out, "\xFF\x00[scrubbed]\x00\xFE", n));
  free(out);

  /* Many addresses glued in a long run that ends in dots: each piece is
   * looked at once (this took quadratic time when every piece was tried
   * as IPv6 from its start to the dots). */
  {
    size_t len = 0, reps = 20000, dots = 100000;
    char *run = malloc(reps * 9 + dots + 1);
    CHECK(run != NULL);
    for(i = 0; run && i < reps; i++, len += 9)
      memcpy(run + len, "10.0.0.1a", 9);
    if(run)
      memset(run + len, '.', dots);
    out = run ? prb_scrub_text(set, run, len + dots, &n) : NULL;
    CHECK_INT(n, reps * 11 + dots);
    CHECK(out && !memcmp(out, "[scrubbed]a[scrubbed]a", 22));
    free(out);
    free(run);
  }

  /* A long run of candidate characters is handled in one pass. */
  for(i = 0; i < sizeof(big) - 1; i++)
    big[i] = ":.0a"[i % 4];
  big[sizeof(big) - 1] = '\0';
  out = prb_scrub_text(set, big, sizeof(big) - 1, &n);
  CHECK_STR(out, big);
  free(out);
}

int main(void)
{
  set = prb_scrub_new();
  CHECK(set != NULL);
  CHECK(prb_scrub_add(set, "10.0.0.1"));
  CHECK(prb_scrub_add(set, "2001:db8::5"));
  CHECK(prb_scrub_add(set, "10.0.0.1"));
  test_ipv4();
  test_ipv6();
  test_mapped();
  test_glued();
  test_json();
  test_adding();
  test_binary_and_long();
  prb_scrub_free(set);
  return test_summary();
}
