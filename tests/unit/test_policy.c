/* test_policy.c: addresses never contacted, and bogons. */
#include "check.h"
#include "common/addr.h"

int main(void)
{
  static const struct {
    const char *ip;
    int allowed;
    int bogon;
  } rows[] = {
    {"93.184.216.34", 1, 0},
    {"127.0.0.1", 0, 1},
    {"127.1.2.3", 0, 1},
    {"0.0.0.0", 0, 1},
    {"169.254.1.1", 0, 1},
    {"224.0.0.1", 0, 1},
    {"255.255.255.255", 0, 1},
    {"10.1.2.3", 1, 1},          /* blockpages live in private ranges */
    {"192.168.0.1", 1, 1},
    {"198.18.0.1", 1, 1},
    {"100.64.0.1", 1, 1},
    {"::1", 0, 1},
    {"::", 0, 1},
    {"::ffff:127.0.0.1", 0, 1},  /* mapped loopback */
    {"fe80::1", 0, 1},
    {"ff02::1", 0, 1},
    {"2a00:1450:4001::1", 1, 0},
    {"2001:db8::1", 1, 1},
    {"fd00::1", 1, 1},
    {"not an address", 0, 1},
    {"", 0, 1},
  };
  for(size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    if(prb_addr_text_may_contact(rows[i].ip) != rows[i].allowed)
      fprintf(stderr, "allows(%s)\n", rows[i].ip);
    CHECK(prb_addr_text_may_contact(rows[i].ip) == rows[i].allowed);
    if(prb_addr_text_is_bogon(rows[i].ip) != rows[i].bogon)
      fprintf(stderr, "is_bogon(%s)\n", rows[i].ip);
    CHECK(prb_addr_text_is_bogon(rows[i].ip) == rows[i].bogon);
  }
  return test_summary();
}
