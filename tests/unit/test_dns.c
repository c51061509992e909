/* test_dns.c: DNS responses parsed into rcode, answers, TTLs, failures. */
#include "check.h"
#include "engine/dns.h"
#include "ooni/failure.h"

#include <string.h>

/* Builds a response to "a.test" type qtype with the given rcode and
 * answers (each 4 or 16 address bytes), TTL 300, optional CNAME first. */
static int build(unsigned char *b, int qtype, int rcode, int n_addrs,
                 const unsigned char *addrs, int alen, int cname)
{
  static const unsigned char qname[] = "\x01" "a" "\x04" "test";
  static const unsigned char target[] = "\x01" "b" "\x04" "test";
  int n = 0;
  unsigned char hdr[12] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0};
  hdr[3] = (unsigned char)(0x80 | rcode);
  hdr[7] = (unsigned char)(n_addrs + cname);
  memcpy(b, hdr, 12);
  n = 12;
  memcpy(b + n, qname, sizeof(qname));
  n += (int)sizeof(qname);
  b[n++] = 0; b[n++] = (unsigned char)qtype; b[n++] = 0; b[n++] = 1;
  if(cname) {
    b[n++] = 0xc0; b[n++] = 12;
    b[n++] = 0; b[n++] = 5; b[n++] = 0; b[n++] = 1;
    b[n++] = 0; b[n++] = 0; b[n++] = 1; b[n++] = 0x2c;
    b[n++] = 0; b[n++] = (unsigned char)sizeof(target);
    memcpy(b + n, target, sizeof(target));
    n += (int)sizeof(target);
  }
  for(int i = 0; i < n_addrs; i++) {
    b[n++] = 0xc0; b[n++] = cname ? 12 + (int)sizeof(qname) + 4 + 12 : 12;
    b[n++] = 0; b[n++] = (unsigned char)qtype; b[n++] = 0; b[n++] = 1;
    b[n++] = 0; b[n++] = 0; b[n++] = 1; b[n++] = 0x2c;  /* TTL 300 */
    b[n++] = 0; b[n++] = (unsigned char)alen;
    memcpy(b + n, addrs + i * alen, (size_t)alen);
    n += alen;
  }
  return n;
}

static void query(struct prb_dns_query *q, int qtype)
{
  memset(q, 0, sizeof(*q));
  strcpy(q->hostname, "a.test");
  q->qtype = qtype;
}

int main(void)
{
  unsigned char buf[512];
  struct prb_dns_query q;

  const unsigned char v4[8] = {192, 0, 2, 1, 198, 51, 100, 7};
  int len = build(buf, 1, 0, 2, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 0, buf, len);
  CHECK(q.failure == NULL);
  CHECK_INT(q.rcode, 0);
  CHECK_INT(q.n_answers, 2);
  CHECK_STR(q.answers[0].value, "192.0.2.1");
  CHECK_STR(q.answers[1].value, "198.51.100.7");
  CHECK_INT(q.answers[0].ttl, 300);
  CHECK_INT(q.answers[0].type, PRB_RR_A);

  /* A CNAME in front: recorded as its own answer. */
  len = build(buf, 1, 0, 1, v4, 4, 1);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 0, buf, len);
  CHECK(q.failure == NULL);
  CHECK_INT(q.n_answers, 2);
  CHECK_INT(q.answers[0].type, PRB_RR_CNAME);
  CHECK_STR(q.answers[0].value, "b.test");
  CHECK_STR(q.answers[1].value, "192.0.2.1");

  unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 1;
  len = build(buf, 28, 0, 1, v6, 16, 0);
  query(&q, PRB_RR_AAAA);
  prb_dns_parse(&q, 0, buf, len);
  CHECK(q.failure == NULL);
  CHECK_STR(q.answers[0].value, "2001:db8::1");

  /* NOERROR with no answer, NXDOMAIN, SERVFAIL, REFUSED. */
  len = build(buf, 1, 0, 0, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 1, buf, len);
  CHECK_STR(q.failure, PRB_FAIL_NO_ANSWER);
  len = build(buf, 1, 3, 0, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 4, buf, len);
  CHECK_STR(q.failure, PRB_FAIL_NXDOMAIN);
  CHECK_INT(q.rcode, 3);
  len = build(buf, 1, 2, 0, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 0, buf, len);
  CHECK_STR(q.failure, PRB_FAIL_SERVFAIL);
  len = build(buf, 1, 5, 0, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 0, buf, len);
  CHECK_STR(q.failure, PRB_FAIL_DNS_REFUSED);

  /* No response at all: a timeout, rcode -1. */
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 12 /* ARES_ETIMEOUT */, NULL, 0);
  CHECK_INT(q.rcode, -1);
  CHECK_STR(q.failure, PRB_FAIL_TIMEOUT);

  /* Garbage after a valid header: misbehaving, not a crash. */
  len = build(buf, 1, 0, 1, v4, 4, 0);
  query(&q, PRB_RR_A);
  prb_dns_parse(&q, 0, buf, 20);
  CHECK(q.failure != NULL);
  CHECK_INT(q.n_answers, 0);
  return test_summary();
}
