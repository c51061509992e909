/* asn.c: MaxMind DB look-ups through libmaxminddb. */
#include "common/asn.h"
#include "common/addr.h"

#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct prb_asndb {
  MMDB_s dbs[PRB_ASNDB_MAX];
  size_t n;
};

struct prb_asndb *prb_asndb_open(const char *const *files, size_t n,
                                 char *why, size_t whylen)
{
  struct prb_asndb *db = calloc(1, sizeof(*db));
  if(!db) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  for(size_t i = 0; i < n && i < PRB_ASNDB_MAX; i++) {
    int rc = MMDB_open(files[i], MMDB_MODE_MMAP, &db->dbs[db->n]);
    if(rc != MMDB_SUCCESS) {
      snprintf(why, whylen, "%s: %s", files[i], MMDB_strerror(rc));
      prb_asndb_close(db);
      return NULL;
    }
    db->n++;
  }
  return db;
}

void prb_asndb_close(struct prb_asndb *db)
{
  if(!db)
    return;
  for(size_t i = 0; i < db->n; i++)
    MMDB_close(&db->dbs[i]);
  free(db);
}

/* Copies a UTF-8 string entry of at most outlen-1 bytes. */
static void get_string(MMDB_entry_s *e, char *out, size_t outlen,
                       const char *key, const char *key2)
{
  MMDB_entry_data_s d;
  if(MMDB_get_value(e, &d, key, key2, NULL) != MMDB_SUCCESS ||
     !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING)
    return;
  size_t n = d.data_size < outlen - 1 ? d.data_size : outlen - 1;
  memcpy(out, d.utf8_string, n);
  out[n] = 0;
}

static void fill(MMDB_entry_s *e, struct prb_asn_info *out)
{
  MMDB_entry_data_s d;
  if(!out->asn &&
     MMDB_get_value(e, &d, "autonomous_system_number", NULL) ==
       MMDB_SUCCESS && d.has_data && d.type == MMDB_DATA_TYPE_UINT32)
    out->asn = d.uint32;
  if(!out->org[0])
    get_string(e, out->org, sizeof(out->org),
               "autonomous_system_organization", NULL);
  if(!out->cc[0]) {
    char cc[8] = "";
    get_string(e, cc, sizeof(cc), "country", "iso_code");
    if(strlen(cc) == 2)
      memcpy(out->cc, cc, 3);
  }
}

bool prb_asndb_lookup_sa(const struct prb_asndb *db,
                         const struct sockaddr *sa,
                         struct prb_asn_info *out)
{
  memset(out, 0, sizeof(*out));
  for(size_t i = 0; db && i < db->n; i++) {
    int err = 0;
    MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&db->dbs[i], sa, &err);
    if(err == MMDB_SUCCESS && r.found_entry)
      fill(&r.entry, out);
  }
  return out->asn || out->cc[0] || out->org[0];
}

bool prb_asndb_lookup(const struct prb_asndb *db, const char *ip,
                      struct prb_asn_info *out)
{
  struct sockaddr_storage ss;
  struct prb_addr a;
  if(!prb_addr_parse(ip, &a)) {
    memset(out, 0, sizeof(*out));
    return false;
  }
  prb_addr_to_sockaddr(&a, &ss);
  return prb_asndb_lookup_sa(db, (struct sockaddr *)&ss, out);
}
