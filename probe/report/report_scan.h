/* report_scan.h: one JSON Lines record to the few fields a report counts.
 *
 * The scanner validates the whole line as JSON (RFC 8259 syntax, values
 * nested at most PRB_SCAN_DEPTH deep, the innermost counted: jansson's
 * bound, so the report reads every record the probe's own tools read, and
 * only those) but builds no tree: it walks the text
 * once and copies out only the keys below, so a record with a 512 KiB body
 * costs one pass over its bytes and no allocation. Values under other keys
 * are skipped without recursion, however deep. Copied strings and every
 * key are checked to be UTF-8.
 *
 * Records written by OONI Probe carry no x_analysis; their verdict is
 * derived from blocking/accessible as OONI's fastpath reads them (see
 * report_scan.c).
 */
#ifndef PRB_REPORT_SCAN_H
#define PRB_REPORT_SCAN_H

#include "analysis/verdict.h"
#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRB_SCAN_DEPTH 2048     /* = JSON_PARSER_MAX_DEPTH of jansson */
#define PRB_SCAN_ORGS_MAX 4   /* networks named per record (below) */

enum prb_scan_result {
  PRB_SCAN_OK = 0,      /* a web_connectivity record; fields filled */
  PRB_SCAN_OTHER_TEST,  /* valid, but another test_name: not counted */
  PRB_SCAN_BAD          /* malformed; *reason says why (static string) */
};

struct prb_scan_rec {
  char input[PRB_SCAN_INPUT_MAX];
  char site[PRB_SCAN_SITE_MAX];        /* host, lower-case, "www." cut */
  char asn[16];                        /* "AS9198" */
  char cc[4];                          /* "KZ" */
  char network_name[PRB_SCAN_SHORT_MAX]; /* "" when absent */
  char report_id[PRB_SCAN_SHORT_MAX];    /* "" when absent */
  char category[PRB_SCAN_SHORT_MAX];     /* x_category_code, "" when null */
  int32_t day;                         /* days since 1970-01-01 (UTC) */
  char software[PRB_SCAN_SOFTWARE_MAX]; /* software_name, "" when absent */
  uint64_t key;                        /* the measurement's identity (a
                                          hash): measurement_uid, else
                                          report_id, input, start time and
                                          network, else the line's bytes */
  enum prb_verdict verdict;
  enum prb_method method;          /* meaningful when blocked */
  bool confirmed;
  bool derived;                        /* no x_analysis: from OONI's keys
                                          (until the report judges it) */
  /* What OONI calls a failed measurement: nothing measured (test_keys
   * null), the control failed (control_failure set) or the probe's own
   * error (an experiment failure "unknown_failure ..."). Counted as
   * failed when the verdict is inconclusive. */
  bool failure_facts;
  /* Network names from the control's MaxMind database, for reports that
   * name networks rather than print bare AS numbers: the control's word
   * on the probe's network (test_keys.control.x_probe_asn and
   * x_probe_network_name), and the first few networks of DNS answers
   * (queries[].answers[].asn, as_org_name) and of the control's ip_info
   * (asn, x_as_org_name). Names too long are dropped, not errors. */
  char control_asn[16];
  char control_network_name[PRB_SCAN_SHORT_MAX];
  struct prb_scan_org {
    uint32_t asn;
    char name[PRB_SCAN_SHORT_MAX];
  } orgs[PRB_SCAN_ORGS_MAX];
  uint32_t n_orgs;
};

/* Scans line[0..len) (no newline) into *rec. Never reads past len. */
enum prb_scan_result prb_scan_record(const char *line, size_t len,
                                     struct prb_scan_rec *rec,
                                     const char **reason);

/* The site of a URL: its host lower-cased, a trailing dot and one leading
 * "www." removed; IPv6 literals keep their brackets. An internationalised
 * name is one site however it is written (Яндекс.рф, яндекс.рф,
 * xn--d1acpjx3f.xn--p1ai: UTS #46 mapping, then its Unicode form).
 * Returns false when url has no "scheme://host". */
bool prb_scan_site(const char *url, char *out, size_t outlen);

/* "YYYY-MM-DD hh:mm:ss" (or 'T' for the space, and an optional trailing
 * 'Z', nothing else) to days since the epoch;
 * false when malformed or out of range (years 1970-9999). */
bool prb_scan_day(const char *s, int32_t *day);

/* Days since the epoch for a valid civil date (no range check). */
int32_t prb_scan_days_from_civil(int y, int m, int d);

/* Writes "YYYY-MM-DD" for day into out (at least 11 bytes). */
void prb_scan_day_str(int32_t day, char *out, size_t outlen);

const char *prb_scan_method_name(enum prb_method m); /* NONE: "unknown" */

#endif
