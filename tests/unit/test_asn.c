/* test_asn.c: network look-ups in a MaxMind DB made for the test. */
#include "check.h"
#include "common/asn.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
  const char *data = getenv("PRB_TEST_DATA");
  char db[] = "/tmp/prb-asn-XXXXXX";
  int fd = mkstemp(db);
  CHECK(fd >= 0);
  close(fd);
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "python3 '%s/make_mmdb.py' '%s' "
           "198.18.1.0/24=9198,KZ,'JSC Kazakhtelecom' "
           "203.0.113.0/25=64500,NL,'Lab World'", data ? data : "tests/data",
           db);
  CHECK(system(cmd) == 0);

  const char *files[] = {db};
  char why[256];
  struct prb_asndb *asndb = prb_asndb_open(files, 1, why, sizeof(why));
  CHECK(asndb != NULL);
  struct prb_asn_info a;
  CHECK(prb_asndb_lookup(asndb, "198.18.1.2", &a));
  CHECK_INT(a.asn, 9198);
  CHECK_STR(a.cc, "KZ");
  CHECK_STR(a.org, "JSC Kazakhtelecom");
  CHECK(prb_asndb_lookup(asndb, "203.0.113.100", &a));
  CHECK_INT(a.asn, 64500);
  /* Outside every network, and in the other half of the /24. */
  CHECK(!prb_asndb_lookup(asndb, "203.0.113.200", &a));
  CHECK_INT(a.asn, 0);
  CHECK_STR(a.cc, "");
  CHECK(!prb_asndb_lookup(asndb, "8.8.8.8", &a));
  /* Not an address; an IPv6 address in an IPv4-only database. */
  CHECK(!prb_asndb_lookup(asndb, "not-an-ip", &a));
  CHECK(!prb_asndb_lookup(asndb, "2001:db8::1", &a));
  prb_asndb_close(asndb);

  /* A file that is not a database is refused with its name. */
  const char *bad[] = {"/etc/hostname"};
  CHECK(prb_asndb_open(bad, 1, why, sizeof(why)) == NULL);
  CHECK(strstr(why, "/etc/hostname") != NULL);
  unlink(db);
  return test_summary();
}
