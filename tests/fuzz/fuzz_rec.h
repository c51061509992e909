/* fuzz_rec.h: "what we write, we read back" for records: a record built by
 * ooni/record.c, serialised and scrubbed, must be one JSON line that the
 * report's scanner counts and jansson reads. Shared by the harnesses that
 * put untrusted bytes into records (fuzz_record, fuzz_control). */
#ifndef PRB_FUZZ_REC_H
#define PRB_FUZZ_REC_H

#include <jansson.h>

#include "fuzz.h"
#include "ooni/obs.h"
#include "ooni/record.h"
#include "report/report_scan.h"

/* The identity of a run, as a volunteer's would be. */
static inline void fuzz_runinfo(struct prb_runinfo *run)
{
  memset(run, 0, sizeof(*run));
  memcpy(run->test_start_time, "2025-02-01 02:00:00", 20);
  memcpy(run->probe_asn, "AS9198", 7);
  memcpy(run->probe_cc, "KZ", 3);
  memcpy(run->report_id, "20250201T020000Z_webconnectivity_KZ_9198_n0_x", 46);
}

/* Builds, dumps (scrubbing with scrub, may be NULL) and reads back the
 * record of obs, with the control's parsed answer ctl (may be NULL) and
 * extra merged into test_keys. Returns the line (malloc'd, '\n' included)
 * for more checks. */
static inline char *fuzz_record_roundtrip(const struct prb_runinfo *run,
                                          const struct prb_obs *obs,
                                          const struct prb_control *ctl,
                                          json_t *extra,
                                          const struct prb_scrub *scrub,
                                          size_t *len)
{
  json_t *rec = prb_record_build(run, obs, ctl,
                                 ctl ? "https://control.test/" : NULL,
                                 extra);
  FUZZ_CHECK(rec);
  char *line = prb_record_dump(rec, scrub, len);
  json_decref(rec);
  FUZZ_CHECK(line && *len > 1 && line[*len - 1] == '\n');
  FUZZ_CHECK(!memchr(line, '\n', *len - 1) && !memchr(line, '\0', *len));

  struct prb_scan_rec r;
  const char *why = NULL;
  enum prb_scan_result res = prb_scan_record(line, *len - 1, &r, &why);
  if(res != PRB_SCAN_OK)
    fprintf(stderr, "the report refuses the record: %s\n", why);
  FUZZ_CHECK(res == PRB_SCAN_OK);

  json_error_t err;
  json_t *back = json_loadb(line, *len - 1, JSON_REJECT_DUPLICATES, &err);
  FUZZ_CHECK(json_is_object(back));
  FUZZ_CHECK(!strcmp(json_string_value(json_object_get(back, "input")),
                     r.input));
  FUZZ_CHECK(!strcmp(r.cc, "KZ") && !strcmp(r.asn, "AS9198"));
  json_decref(back);
  return line;
}

#endif
