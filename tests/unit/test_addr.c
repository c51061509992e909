/* test_addr.c: every special address range, IPv4 and IPv6, judged once,
 * and every part of the probe that judges an address agreeing with it.
 *
 * The table walks each range at its edges (first and last address inside,
 * the neighbours outside) and the IPv6 forms that carry an IPv4 address
 * (mapped, compatible, NAT64, 6to4, Teredo), which are judged by what they
 * carry. Then each row goes through the three places an address reaches a
 * record: the engine's "may we contact it", the helper's ip_info bogon flag
 * (4), and the classifier's bogon evidence. They once disagreed on
 * 64:ff9b::1, 100::1 and fec0::1; agree() would have failed on each. */
#include "check.h"
#include "analysis/classify.h"
#include "common/addr.h"
#include "servers/helper_reply.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

static const struct row {
  const char *ip;
  enum prb_addr_kind kind;
  bool may_contact;
} rows[] = {
  /* IPv4 */
  {"0.0.0.0", PRB_ADDR_UNSPECIFIED, false},
  {"0.255.255.255", PRB_ADDR_UNSPECIFIED, false},
  {"1.0.0.0", PRB_ADDR_GLOBAL, true},
  {"9.255.255.255", PRB_ADDR_GLOBAL, true},
  {"10.0.0.0", PRB_ADDR_PRIVATE, true},       /* blockpages live there */
  {"10.255.255.255", PRB_ADDR_PRIVATE, true},
  {"11.0.0.0", PRB_ADDR_GLOBAL, true},
  {"100.63.255.255", PRB_ADDR_GLOBAL, true},
  {"100.64.0.0", PRB_ADDR_SHARED, true},
  {"100.127.255.255", PRB_ADDR_SHARED, true},
  {"100.128.0.0", PRB_ADDR_GLOBAL, true},
  {"126.255.255.255", PRB_ADDR_GLOBAL, true},
  {"127.0.0.1", PRB_ADDR_LOOPBACK, false},
  {"127.255.255.255", PRB_ADDR_LOOPBACK, false},
  {"128.0.0.0", PRB_ADDR_GLOBAL, true},
  {"169.253.255.255", PRB_ADDR_GLOBAL, true},
  {"169.254.0.0", PRB_ADDR_LINK_LOCAL, false},
  {"169.254.255.255", PRB_ADDR_LINK_LOCAL, false},
  {"169.255.0.0", PRB_ADDR_GLOBAL, true},
  {"172.15.255.255", PRB_ADDR_GLOBAL, true},
  {"172.16.0.0", PRB_ADDR_PRIVATE, true},
  {"172.31.255.255", PRB_ADDR_PRIVATE, true},
  {"172.32.0.0", PRB_ADDR_GLOBAL, true},
  {"192.0.0.0", PRB_ADDR_RESERVED, true},
  {"192.0.0.255", PRB_ADDR_RESERVED, true},
  {"192.0.1.0", PRB_ADDR_GLOBAL, true},
  {"192.0.2.0", PRB_ADDR_DOCUMENTATION, true},
  {"192.0.2.255", PRB_ADDR_DOCUMENTATION, true},
  {"192.0.3.0", PRB_ADDR_GLOBAL, true},
  {"192.88.99.1", PRB_ADDR_GLOBAL, true},     /* the old 6to4 relays */
  {"192.167.255.255", PRB_ADDR_GLOBAL, true},
  {"192.168.0.0", PRB_ADDR_PRIVATE, true},
  {"192.168.255.255", PRB_ADDR_PRIVATE, true},
  {"192.169.0.0", PRB_ADDR_GLOBAL, true},
  {"198.17.255.255", PRB_ADDR_GLOBAL, true},
  {"198.18.0.0", PRB_ADDR_BENCHMARK, true},
  {"198.19.255.255", PRB_ADDR_BENCHMARK, true},
  {"198.20.0.0", PRB_ADDR_GLOBAL, true},
  {"198.51.99.255", PRB_ADDR_GLOBAL, true},
  {"198.51.100.0", PRB_ADDR_DOCUMENTATION, true},
  {"198.51.100.255", PRB_ADDR_DOCUMENTATION, true},
  {"198.51.101.0", PRB_ADDR_GLOBAL, true},
  {"203.0.112.255", PRB_ADDR_GLOBAL, true},
  {"203.0.113.0", PRB_ADDR_DOCUMENTATION, true},
  {"203.0.113.255", PRB_ADDR_DOCUMENTATION, true},
  {"203.0.114.0", PRB_ADDR_GLOBAL, true},
  {"223.255.255.255", PRB_ADDR_GLOBAL, true},
  {"224.0.0.0", PRB_ADDR_MULTICAST, false},
  {"239.255.255.255", PRB_ADDR_MULTICAST, false},
  {"240.0.0.0", PRB_ADDR_RESERVED, true},
  {"255.255.255.254", PRB_ADDR_RESERVED, true},
  {"255.255.255.255", PRB_ADDR_BROADCAST, false},
  {"93.184.216.34", PRB_ADDR_GLOBAL, true},
  /* IPv6 */
  {"::", PRB_ADDR_UNSPECIFIED, false},
  {"::1", PRB_ADDR_LOOPBACK, false},
  {"::ffff:127.0.0.1", PRB_ADDR_LOOPBACK, false},   /* mapped */
  {"::ffff:10.1.2.3", PRB_ADDR_PRIVATE, true},
  {"::ffff:8.8.8.8", PRB_ADDR_GLOBAL, true},
  {"::ffff:169.254.1.1", PRB_ADDR_LINK_LOCAL, false},
  {"::127.0.0.1", PRB_ADDR_LOOPBACK, false},        /* compatible */
  {"::2", PRB_ADDR_UNSPECIFIED, false},             /* ::0.0.0.2 */
  {"::8.8.8.8", PRB_ADDR_GLOBAL, true},
  {"::1:0:0:0", PRB_ADDR_RESERVED, true},           /* ::/3, not /96 */
  {"64:ff9b::1", PRB_ADDR_UNSPECIFIED, false},      /* NAT64 of 0.0.0.1 */
  {"64:ff9b::8.8.8.8", PRB_ADDR_GLOBAL, true},
  {"64:ff9b::192.168.0.1", PRB_ADDR_PRIVATE, true},
  {"64:ff9b::7f00:1", PRB_ADDR_LOOPBACK, false},
  {"64:ff9b:1::1", PRB_ADDR_RESERVED, true},        /* local-use NAT64 */
  {"100::1", PRB_ADDR_RESERVED, true},              /* discard-only */
  {"100::1:0:0:0", PRB_ADDR_RESERVED, true},        /* outside 2000::/3 */
  {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_RESERVED, true},
  {"2000::", PRB_ADDR_GLOBAL, true},
  /* Teredo: the client is the last 32 bits inverted */
  {"2001:0:4136:e378:8000:63bf:f7f7:f7f7", PRB_ADDR_GLOBAL, true},  /* 8.8.8.8 */
  {"2001:0:4136:e378:8000:63bf:3fff:fdd2", PRB_ADDR_DOCUMENTATION, true},
  {"2001::80ff:fffe", PRB_ADDR_LOOPBACK, false},    /* 127.0.0.1 */
  {"2001:1::1", PRB_ADDR_GLOBAL, true},
  {"2001:2::", PRB_ADDR_BENCHMARK, true},
  {"2001:2:0:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_BENCHMARK, true},
  {"2001:2:1::", PRB_ADDR_GLOBAL, true},
  {"2001:10::1", PRB_ADDR_RESERVED, true},          /* ORCHID */
  {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_GLOBAL, true},
  {"2001:db8::", PRB_ADDR_DOCUMENTATION, true},
  {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_DOCUMENTATION, true},
  {"2001:db9::", PRB_ADDR_GLOBAL, true},
  /* 6to4: the IPv4 address is bits 16-47 */
  {"2002:808:808::1", PRB_ADDR_GLOBAL, true},
  {"2002:c0a8:101::1", PRB_ADDR_PRIVATE, true},
  {"2002:7f00:1::1", PRB_ADDR_LOOPBACK, false},
  {"2a00:1450:4001::1", PRB_ADDR_GLOBAL, true},
  {"3ffe::1", PRB_ADDR_GLOBAL, true},
  {"3fff::", PRB_ADDR_DOCUMENTATION, true},
  {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_DOCUMENTATION, true},
  {"3fff:1000::", PRB_ADDR_GLOBAL, true},
  {"4000::1", PRB_ADDR_RESERVED, true},
  {"5f00::1", PRB_ADDR_RESERVED, true},
  {"8000::1", PRB_ADDR_RESERVED, true},
  {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_RESERVED, true},
  {"fc00::", PRB_ADDR_PRIVATE, true},
  {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_PRIVATE, true},
  {"fe80::1", PRB_ADDR_LINK_LOCAL, false},
  {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRB_ADDR_LINK_LOCAL, false},
  {"fec0::1", PRB_ADDR_RESERVED, true},             /* site-local */
  {"ff00::", PRB_ADDR_MULTICAST, false},
  {"ff02::1", PRB_ADDR_MULTICAST, false},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static void test_table(void)
{
  for(size_t i = 0; i < N_ROWS; i++) {
    const struct row *r = &rows[i];
    struct prb_addr a;
    bool parsed = prb_addr_parse(r->ip, &a);
    if(!parsed || prb_addr_kind(&a) != r->kind)
      fprintf(stderr, "%s: %s, want %s\n", r->ip,
              parsed ? prb_addr_kind_name(prb_addr_kind(&a)) : "unparsed",
              prb_addr_kind_name(r->kind));
    CHECK(parsed);
    CHECK_INT(prb_addr_kind(&a), r->kind);
    CHECK(prb_addr_is_bogon(&a) == (r->kind != PRB_ADDR_GLOBAL));
    CHECK(prb_addr_may_contact(&a) == r->may_contact);
    CHECK(prb_addr_text_is_bogon(r->ip) == (r->kind != PRB_ADDR_GLOBAL));
    CHECK(prb_addr_text_may_contact(r->ip) == r->may_contact);
  }
  /* text that is no address is a bogon nobody contacts */
  static const char *const junk[] = {"", "not an address", "1.2.3",
                                     "1.2.3.4:80", "[::1]", "fe80::1%eth0",
                                     "::ffff:1.2.3.256"};
  for(size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
    CHECK(prb_addr_text_is_bogon(junk[i]));
    CHECK(!prb_addr_text_may_contact(junk[i]));
  }
  CHECK(prb_addr_text_is_bogon(NULL));
  CHECK(!prb_addr_text_may_contact(NULL));
}

static void test_embedded(void)
{
  struct prb_addr a, v4;
  char text[PRB_IP_MAX];
  static const struct { const char *v6, *v4; } carry[] = {
    {"::ffff:192.0.2.1", "192.0.2.1"},
    {"::192.0.2.1", "192.0.2.1"},
    {"64:ff9b::c000:201", "192.0.2.1"},
    {"2002:c000:201::5", "192.0.2.1"},
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45"},
  };
  for(size_t i = 0; i < sizeof(carry) / sizeof(carry[0]); i++) {
    CHECK(prb_addr_parse(carry[i].v6, &a));
    CHECK(prb_addr_embedded_v4(&a, &v4));
    prb_addr_format(&v4, text, sizeof(text));
    CHECK_STR(text, carry[i].v4);
  }
  CHECK(prb_addr_parse("2a00:1450:4001::1", &a));
  CHECK(!prb_addr_embedded_v4(&a, &v4));
  CHECK(prb_addr_parse("::1", &a));
  CHECK(!prb_addr_embedded_v4(&a, &v4));     /* loopback, not ::0.0.0.1 */
  CHECK(prb_addr_parse("10.0.0.1", &a));
  CHECK(!prb_addr_embedded_v4(&a, &v4));
  CHECK(prb_addr_parse("::ffff:10.0.0.1", &a));
  prb_addr_unmap(&a);
  CHECK_INT(a.family, AF_INET);
  prb_addr_format(&a, text, sizeof(text));
  CHECK_STR(text, "10.0.0.1");
}

static void test_forms(void)
{
  struct prb_addr a, b;
  struct sockaddr_storage ss;
  char text[PRB_ENDPOINT_MAX];
  /* one address however it is spelt */
  CHECK(prb_addr_parse("2001:DB8:0:0::1", &a));
  CHECK(prb_addr_parse("2001:db8::1", &b));
  CHECK(prb_addr_equal(&a, &b));
  prb_addr_format(&a, text, sizeof(text));
  CHECK_STR(text, "2001:db8::1");
  CHECK(prb_addr_parse_n("10.0.0.1junk", 8, &a));
  prb_addr_format(&a, text, sizeof(text));
  CHECK_STR(text, "10.0.0.1");
  /* endpoints and socket addresses keep the port */
  CHECK_INT(prb_addr_parse_endpoint("[2001:db8::1]:443", false, &a), 0);
  CHECK_INT(a.port, 443);
  CHECK(prb_addr_to_sockaddr(&a, &ss) == sizeof(struct sockaddr_in6));
  CHECK(prb_addr_from_sockaddr((struct sockaddr *)&ss, &b));
  CHECK(prb_addr_equal(&a, &b));
  CHECK_INT(b.port, 443);
  CHECK_INT(prb_addr_parse_endpoint("192.0.2.1:80", false, &a), 0);
  CHECK(prb_addr_to_sockaddr(&a, &ss) == sizeof(struct sockaddr_in));
  CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), 80);
  prb_addr_endpoint_text("2001:db8::1", 443, text, sizeof(text));
  CHECK_STR(text, "[2001:db8::1]:443");
  prb_addr_endpoint_text("192.0.2.1", 80, text, sizeof(text));
  CHECK_STR(text, "192.0.2.1:80");
  memset(&a, 0, sizeof(a));
  CHECK(prb_addr_to_sockaddr(&a, &ss) == 0);
  prb_addr_format(&a, text, sizeof(text));
  CHECK_STR(text, "");
}

/* "This host or its LAN": addresses inside a subnet of LAN size, and the
 * host's own addresses, however wide their subnet. */
static void test_localnets(void)
{
  struct prb_localnets l;
  struct prb_addr a;
  memset(&l, 0, sizeof(l));
  CHECK(prb_addr_parse("192.168.1.23", &a));
  CHECK(prb_localnets_add(&l, &a, 24));
  CHECK(prb_addr_parse("2001:db8:1:2::5", &a));
  CHECK(prb_localnets_add(&l, &a, 64));
  CHECK(prb_addr_parse("10.20.30.40", &a));
  CHECK(prb_localnets_add(&l, &a, 32));
  CHECK(prb_localnets_contains(&l, "192.168.1.1"));
  CHECK(prb_localnets_contains(&l, "192.168.1.255"));
  CHECK(!prb_localnets_contains(&l, "192.168.2.1"));
  CHECK(prb_localnets_contains(&l, "2001:db8:1:2:ffff::1"));
  CHECK(!prb_localnets_contains(&l, "2001:db8:1:3::1"));
  CHECK(prb_localnets_contains(&l, "10.20.30.40"));
  CHECK(!prb_localnets_contains(&l, "10.20.30.41"));
  CHECK(!prb_localnets_contains(&l, "not an address"));
  /* an address carrying one of ours reaches it: ours too */
  CHECK(prb_localnets_contains(&l, "::ffff:192.168.1.7"));
  CHECK(prb_localnets_contains(&l, "::ffff:10.20.30.40"));
  CHECK(prb_localnets_contains(&l, "64:ff9b::a14:1e28"));     /* NAT64 */
  CHECK(prb_localnets_contains(&l, "2002:a14:1e28::1"));      /* 6to4 */
  CHECK(!prb_localnets_contains(&l, "::ffff:10.20.30.41"));
  for(size_t i = l.n; i < PRB_LOCALNETS_MAX; i++)
    CHECK(prb_localnets_add(&l, &a, 32));
  CHECK(!prb_localnets_add(&l, &a, 32));       /* full: bounded */

  /* This machine: every interface address is "this host", and loopback
   * is no LAN (it is refused by may_contact instead). */
  prb_localnets_load(&l);
  CHECK(!prb_localnets_contains(&l, "127.0.0.1"));
  for(size_t i = 0; i < l.n; i++) {
    char text[PRB_IP_MAX];
    prb_addr_format(&l.nets[i].net, text, sizeof(text));
    CHECK(prb_localnets_contains(&l, text));
    CHECK(prb_addr_kind(&l.nets[i].net) != PRB_ADDR_LOOPBACK);
    CHECK(l.nets[i].prefix >= (l.nets[i].net.family == AF_INET ? 24 : 64));
  }
}

/* The helper's ip_info bogon flag and the classifier's bogon evidence, for
 * one address a probe's resolver answered. */
static bool helper_says_bogon(const char *ip, struct prb_obs *obs)
{
  json_t *reply = prb_helper_reply(obs, NULL, 0, NULL, NULL, NULL);
  json_t *e = json_object_get(json_object_get(reply, "ip_info"), ip);
  json_int_t flags = json_integer_value(json_object_get(e, "flags"));
  CHECK(e != NULL);
  json_decref(reply);
  return flags & 4;
}

static bool classifier_says_bogon(struct prb_obs *obs)
{
  struct prb_control ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.dns.present = true;
  ctl.dns.n_addrs = 1;
  snprintf(ctl.dns.addrs[0], sizeof(ctl.dns.addrs[0]), "93.184.215.14");
  prb_addr_parse(ctl.dns.addrs[0], &ctl.dns.bin[0]);
  struct prb_classify_in in;
  memset(&in, 0, sizeof(in));
  in.obs = obs;
  in.control = &ctl;
  in.canaries_ok = PRB_TRI_TRUE;
  struct prb_classification c;
  prb_classify(&in, &c);
  for(size_t i = 0; i < c.x_analysis.n_evidence; i++)
    if(strstr(c.x_analysis.evidence[i], "(bogon)"))
      return true;
  return false;
}

static void test_agree(void)
{
  for(size_t i = 0; i < N_ROWS; i++) {
    const struct row *r = &rows[i];
    struct prb_obs obs;
    struct prb_dns_query q;
    memset(&obs, 0, sizeof(obs));
    memset(&q, 0, sizeof(q));
    snprintf(obs.input, sizeof(obs.input), "https://example.org/");
    snprintf(q.hostname, sizeof(q.hostname), "example.org");
    q.qtype = strchr(r->ip, ':') ? PRB_RR_AAAA : PRB_RR_A;
    q.system = true;
    q.n_answers = 1;
    q.answers[0].type = q.qtype;
    snprintf(q.answers[0].value, sizeof(q.answers[0].value), "%s", r->ip);
    obs.queries = &q;
    obs.n_queries = 1;
    bool want = r->kind != PRB_ADDR_GLOBAL;
    bool helper = helper_says_bogon(r->ip, &obs);
    bool classifier = classifier_says_bogon(&obs);
    if(helper != want || classifier != want)
      fprintf(stderr, "%s: bogon %d, helper says %d, classifier %d\n", r->ip,
              want, helper, classifier);
    CHECK(helper == want);
    CHECK(classifier == want);
  }
}

int main(void)
{
  test_table();
  test_embedded();
  test_forms();
  test_localnets();
  test_agree();
  return test_summary();
}
