/* classify.h: from what one measurement observed (and what the control
 * saw) to OONI's web_connectivity verdict keys and our own x_analysis.
 *
 * prb_classify() is pure: no I/O, no globals, no allocation that outlives
 * the call; the same input always gives the same output, so records can be
 * reclassified offline. Fingerprint matching (blockpages, DNS answers,
 * interception certificates) is the caller's job: it passes the names of
 * rows that matched. The rules and their reasons are the table at the top
 * of classify.c.
 */
#ifndef PRB_CLASSIFY_H
#define PRB_CLASSIFY_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "analysis/verdict.h"
#include "ooni/obs.h"
#include "ooni/control.h"

/* true / false / unknown (JSON true / false / null) */
enum prb_tri {
  PRB_TRI_NULL = -1,
  PRB_TRI_FALSE = 0,
  PRB_TRI_TRUE = 1
};

enum prb_dns_consistency {
  PRB_DNS_NULL = 0,
  PRB_DNS_CONSISTENT,
  PRB_DNS_INCONSISTENT
};

/* OONI's `blocking`: false, a string, or null */
enum prb_blocking {
  PRB_BLOCKING_NULL = 0,
  PRB_BLOCKING_FALSE,
  PRB_BLOCKING_DNS,             /* "dns" */
  PRB_BLOCKING_TCP_IP,          /* "tcp_ip" */
  PRB_BLOCKING_HTTP_FAILURE,    /* "http-failure" */
  PRB_BLOCKING_HTTP_DIFF        /* "http-diff" */
};

/* Looks up the AS number of an address (text form); 0 when unknown. Must
 * be pure too (an in-memory table or MMDB already open). */
typedef uint32_t (*prb_asn_lookup_fn)(void *ctx, const char *ip);

/* Everything the classifier reads; all pointers borrowed. */
struct prb_classify_in {
  const struct prb_obs *obs;          /* required */
  /* The control's parsed reply, or NULL when there is none (not asked,
   * unreachable, or its reply failed to parse). */
  const struct prb_control *control;
  /* Why there is no control (an OONI failure string or a parse reason);
   * NULL when control is set or no control was asked. Copied out as
   * OONI's `control_failure`. */
  const char *control_failure;
  /* Names of fingerprint rows the caller matched and counts as
   * confirming (e.g. scope nat/isp or expected in this country); NULL when
   * none. dns: an answer; http: the final response's body or a header;
   * cert: a certificate of a real-SNI handshake's chain. */
  const char *dns_fingerprint;
  const char *http_fingerprint;
  const char *cert_fingerprint;
  /* A row of OONI's known false positives (scope fp: a CDN's bot check,
   * a hosting error page) that the final response matched; NULL when
   * none. Such a page explains a difference without the network. */
  const char *http_false_positive;
  /* A blockpage row the final response matched that does not confirm
   * (its scope and countries do not allow it here); NULL when none. It
   * proves nothing, but such a page is never taken for the site's own
   * (OONI v0.4's loose page comparison would). */
  const char *http_unconfirmed;
  /* Whether the probe's canary hosts were reachable. */
  enum prb_tri canaries_ok;
  /* Optional ASNs for answers the control's ip_info does not cover; NULL
   * skips the lookup. */
  prb_asn_lookup_fn asn_lookup;
  void *asn_ctx;
  /* Download rates in bytes per second; 0 means "derive": the probe's
   * from its fetch (final body bytes over the span of all requests), the
   * control's from http_request.body_length over x_timing.http_request. */
  double probe_rate;
  double control_rate;
};

/* Below this fraction of the control's download rate a working fetch is
 * "throttled" (OONI looks for slowdowns of 10x and more). */
#define PRB_THROTTLE_FRACTION 0.1
/* Smaller bodies measure latency, not bandwidth: no throttling verdict. */
#define PRB_THROTTLE_MIN_BYTES (64 * 1024)

struct prb_analysis {
  enum prb_verdict verdict;
  enum prb_method method;       /* PRB_METHOD_NONE unless blocked */
  char detail[PRB_DETAIL_MAX];  /* "" unless blocked, e.g. "tls.reset" */
  bool confirmed;
  size_t n_evidence;
  char evidence[PRB_EVIDENCE_MAX][PRB_EVIDENCE_LEN]; /* valid UTF-8 */
};

struct prb_classification {
  /* OONI's keys */
  enum prb_dns_consistency dns_consistency;
  double body_proportion;       /* 0 when not computed, as OONI does */
  enum prb_tri body_length_match;
  enum prb_tri headers_match;
  enum prb_tri status_code_match;
  enum prb_tri title_match;
  enum prb_blocking blocking;
  enum prb_tri accessible;
  char control_failure[PRB_CTL_FAILURE_MAX]; /* "" means null */
  /* ours */
  struct prb_analysis x_analysis;
};

/* Classifies in into *out (fully overwritten). in and out must not be
 * NULL; in->obs NULL gives an inconclusive verdict. */
void prb_classify(const struct prb_classify_in *in,
                  struct prb_classification *out);

/* The test_keys additions as a new JSON object (dns_consistency,
 * body_proportion, ..., control_failure, x_analysis), JSON null where OONI
 * uses null; NULL when out of memory. */
json_t *prb_classify_to_json(const struct prb_classification *c);

/* x_analysis alone as a new JSON object; NULL when out of memory. */
json_t *prb_analysis_to_json(const struct prb_analysis *a);

/* OONI's `blocking` as it appears in the JSON; a static string, NULL for
 * false and null. (Verdict and method names: verdict.h.) */
const char *prb_classify_blocking_name(enum prb_blocking b);

#endif
