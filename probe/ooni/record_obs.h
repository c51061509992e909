/* record_obs.h: a web_connectivity record read back into observations.
 *
 * prb_record_obs() is the reverse of record.c for any web_connectivity
 * record, ours or OONI Probe's of any version (0.0.1 to 0.5.x): it fills
 * struct prb_obs and the control's reply from the record's test_keys, so
 * the classifier can judge an old record exactly as it judges a fresh
 * measurement. It is pure (JSON text in, plain data out), bounded by the
 * same caps as a live measurement (caps.h: bodies, headers, chains,
 * queries) and trusts nothing: a value of the wrong type is left out, as
 * OONI's own readers leave it.
 *
 * The shapes it reads: queries (answers with ipv4/ipv6/hostname; the
 * system resolver is engine "system"/"getaddrinfo", a "system" tag, or no
 * engine at all in the legacy probes), tcp_connect (status.failure),
 * tls_handshakes and our x_decoy_tls_handshakes (peer_certificates as
 * base64 DER, x_verify_error), requests (newest first; headers_list or the
 * legacy headers map; bodies as strings or base64 BinaryData), the
 * experiment failures, control and control_failure, and our x_canaries.
 * What a record cannot tell (no decoy key, no verification text, no
 * canary state) is said in `missing`.
 */
#ifndef PRB_RECORD_OBS_H
#define PRB_RECORD_OBS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/jtape.h"
#include "ooni/control.h"
#include "ooni/obs.h"

#define PRB_RECOBS_STRS 48      /* distinct failure strings kept */
#define PRB_RECOBS_STR_MAX 96   /* bytes of one, NUL included */

/* What the record lacks to be judged as fully as a live measurement. */
enum prb_recobs_missing {
  PRB_RECOBS_NO_DECOY = 1,      /* no x_decoy_tls_handshakes: SNI filtering
                                   cannot be told from other TLS failures */
  PRB_RECOBS_NO_VERIFY = 2,     /* no x_verify_error: a chain's failure has
                                   only OONI's failure string */
  PRB_RECOBS_NO_CANARIES = 4    /* no x_canaries: the probe's own network
                                   health is unknown */
};

struct prb_recobs {
  struct prb_obs obs;
  struct prb_control control;   /* valid when has_control */
  bool has_control;
  /* Why there is no control (control_failure, or why the record's
   * control could not be read); "" when none was in the record at all. */
  char control_failure[PRB_CTL_FAILURE_MAX];
  int canaries;                 /* -1 unknown, 0 unreachable, 1 reached */
  unsigned missing;             /* enum prb_recobs_missing bits */
  bool test_keys_null;          /* nothing was measured */
  bool control_failed;          /* the record's control_failure is set */
  /* failure strings the obs points at live here */
  char strs[PRB_RECOBS_STRS][PRB_RECOBS_STR_MAX];
  size_t n_strs;
};

/* Reads the record at token rec of tp (an object: the whole line) into
 * *out, which it resets first (free with prb_recobs_free). Returns 0, or
 * -1 when out of memory (out is then freed). */
int prb_record_obs(const struct prb_jtape *tp, size_t rec,
                   struct prb_recobs *out);

void prb_recobs_free(struct prb_recobs *r);

#endif
