/* record.h: one measurement as one OONI-format JSON object.
 *
 * prb_record_build() turns a struct prb_obs plus the run's identity into the
 * df-000 base keys and web_connectivity test keys. Untrusted bytes (headers,
 * bodies, DNS names, certificate data) are cleaned on the way: valid UTF-8
 * becomes a JSON string, anything else {"format":"base64","data":...}.
 * prb_record_dump() serialises to one line and scrubs the probe's own
 * addresses out of the text.
 */
#ifndef PRB_RECORD_H
#define PRB_RECORD_H

#include <jansson.h>
#include "ooni/obs.h"

struct prb_scrub;

/* Who and where: the same for every record of one run. */
struct prb_runinfo {
  char test_start_time[20];     /* "YYYY-MM-DD hh:mm:ss" UTC */
  char probe_asn[16];           /* "AS1234", "AS0" when unknown */
  char probe_cc[3];             /* ISO alpha-2, "ZZ" when unknown */
  char probe_network_name[128]; /* "" when unknown */
  char resolver_ip[PRB_IP_MAX]; /* "" when unknown */
  char report_id[96];
};

/* The web_connectivity version whose test keys the records carry. */
#define PRB_RECORD_TEST_VERSION "0.4.3"

struct prb_control;

/* Returns a new object the caller owns, or NULL when out of memory.
 * control (NULL when none answered) is the control's parsed answer and
 * control_url the URL of the control that gave it: they fill test_helpers,
 * tcp_connect[].status.blocked and the DNS answers' asn and as_org_name.
 * extra, when not NULL, is merged into test_keys (borrowed): where later
 * work adds control, x_analysis and such. Decoy-SNI handshakes go under
 * test_keys.x_decoy_tls_handshakes, never tls_handshakes. */
json_t *prb_record_build(const struct prb_runinfo *run,
                         const struct prb_obs *obs,
                         const struct prb_control *control,
                         const char *control_url, json_t *extra);

/* Serialises rec compactly (sorted keys), scrubs the addresses in scrub
 * (may be NULL) and appends '\n'. Returns a malloc'd NUL-terminated line
 * (*len set, newline included) the caller frees, or NULL when out of
 * memory. With a scrub set, rec itself is changed first where the text
 * pass cannot reach: base64 BinaryData values holding a scrubbed address
 * are re-encoded scrubbed (certificates excepted), and a response whose
 * body changed gets the x_body_sha256 of the scrubbed body. */
char *prb_record_dump(json_t *rec, const struct prb_scrub *scrub,
                      size_t *len);

/* Writes the report_id OONI's backend would give:
 * YYYYmmddTHHMMSSZ_webconnectivity_CC_ASN_n0_<16 random letters/digits>
 * (n0: made by the probe itself, no collector). */
void prb_record_make_report_id(char *out, size_t outlen, const char *cc,
                               const char *asn);

/* The same for any test (its name without underscores, at most 29
 * letters and digits) and collector number: ..._<test>_CC_ASN_n<collector>_...
 * A malformed cc or asn gives ZZ or 0, as OONI's backend does. */
void prb_record_report_id_for(char *out, size_t outlen, const char *test,
                              const char *cc, const char *asn,
                              unsigned collector);

/* "YYYY-MM-DD hh:mm:ss" in UTC for t (seconds since the epoch). */
void prb_record_time(char out[20], double t);

#endif
