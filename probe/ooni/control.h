/* control.h: the control vantage point's answer, as bounded plain data.
 *
 * The control speaks OONI's Web Connectivity test-helper protocol
 * (oohelperd): the probe POSTs the body built by prb_control_request_new()
 * and parses the JSON reply with prb_control_parse(). The reply comes from
 * the network, so the parser trusts nothing: wrong types and out-of-range
 * numbers are errors with a reason, over-long strings are cut, and every
 * list is truncated to the bounds below (with a flag saying so); entries
 * past a bound are checked all the same, as the reply goes into the
 * record whole.
 *
 * Missing or null sections (dns, tcp_connect, tls_handshake, http_request,
 * ip_info, x_timing) are "absent", not errors, because legacy helpers omit
 * some of them; a reply with neither dns nor http_request is an error, and
 * so is a section nesting deeper than PRB_CTL_MAX_DEPTH levels (the reply
 * itself counting as one). Other keys are ignored,
 * and prb_control_reply_kept() leaves them out of the record, so nothing
 * we do not read is published.
 * Inside a present section a missing member takes its "unknown" default.
 *
 * Failure strings are copied as the control sent them (modern or legacy
 * names); "" means null. prb_control_failure_canon() maps legacy names to
 * the modern ones before any comparison.
 *
 * struct prb_control is plain data (about 40 KiB, no pointers): keep it
 * with the measurement on the heap rather than on a small stack.
 */
#ifndef PRB_CONTROL_H
#define PRB_CONTROL_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common/addr.h"
#include "ooni/obs.h"


struct prb_ctl_tcp {
  char endpoint[PRB_ENDPOINT_MAX];  /* as sent: "ip:port" or "[v6]:port" */
  struct prb_addr ep;
  bool status;
  char failure[PRB_CTL_FAILURE_MAX];
};

struct prb_ctl_tls {
  char endpoint[PRB_ENDPOINT_MAX];
  struct prb_addr ep;
  char server_name[PRB_HOST_MAX];
  bool status;
  char failure[PRB_CTL_FAILURE_MAX];
  bool has_leaf_sha256;         /* our x_leaf_sha256 was present */
  unsigned char leaf_sha256[32];
};

struct prb_ctl_header {
  char name[PRB_CTL_HNAME_MAX];
  char value[PRB_CTL_HVALUE_MAX];
};

struct prb_ctl_http {
  bool present;
  long long body_length;        /* -1 when failed or unknown */
  long status_code;             /* -1 when failed or unknown */
  char failure[PRB_CTL_FAILURE_MAX];
  char title[PRB_CTL_TITLE_MAX];
  size_t n_headers;
  struct prb_ctl_header headers[PRB_CTL_MAX_HEADERS];
  bool headers_truncated;
  bool has_body_sha256;         /* our x_body_sha256 was present */
  unsigned char body_sha256[32];
};

struct prb_ctl_dns {
  bool present;
  char failure[PRB_CTL_FAILURE_MAX];
  size_t n_addrs;
  char addrs[PRB_CTL_MAX_ADDRS][PRB_IP_MAX];
  struct prb_addr bin[PRB_CTL_MAX_ADDRS];
  bool addrs_truncated;
};

struct prb_ctl_ipinfo {
  char ip[PRB_IP_MAX];
  struct prb_addr addr;
  uint32_t asn;                 /* 0 when unknown */
  char as_org_name[PRB_CTL_ORG_MAX]; /* our x_as_org_name, "" if not sent */
  long long flags;              /* 1 probe, 2 control, 4 bogon, 8 TLS-valid */
};

#define PRB_CTL_IPINFO_TLS_VALID 8

/* Our x_timing: seconds the control spent on each step, -1 when not sent. */
struct prb_ctl_timing {
  double dns;
  double tcp_connect;
  double tls_handshake;
  double http_request;          /* the whole fetch, redirects included */
};

struct prb_control {
  size_t n_tcp;
  struct prb_ctl_tcp tcp[PRB_CTL_MAX_TCP];
  bool tcp_truncated;
  size_t n_tls;
  struct prb_ctl_tls tls[PRB_CTL_MAX_TLS];
  bool tls_truncated;
  struct prb_ctl_http http;
  struct prb_ctl_dns dns;
  size_t n_ip_info;
  struct prb_ctl_ipinfo ip_info[PRB_CTL_MAX_IPINFO];
  bool ip_info_truncated;
  struct prb_ctl_timing x_timing;
};

/* Fills *out from the helper's reply resp (borrowed). Returns 0, or -1 with
 * a reason in why (whylen bytes, always terminated; why may be NULL when
 * whylen is 0). *out is fully reset first, so it is safe to read even
 * after -1, but then holds nothing meaningful. */
int prb_control_parse(const json_t *resp, struct prb_control *out,
                      char *why, size_t whylen);

/* The reply as it enters a record: only the sections above and the
 * string members x_probe_asn, x_probe_cc and x_probe_network_name (our
 * helper's word on the probe's network), borrowed from resp, which
 * prb_control_parse() accepted (so their depth is bounded). New
 * reference, or NULL when out of memory. */
json_t *prb_control_reply_kept(const json_t *resp);

/* The request body: {"http_request": url, "http_request_headers": {...},
 * "tcp_connect": [endpoints...], "x_quic_enabled": false}. url and the n
 * endpoints ("ip:port" / "[v6]:port") are borrowed and must be UTF-8.
 * Returns a new reference, or NULL when url is NULL, n exceeds
 * PRB_CTL_MAX_REQ_ENDPOINTS, a string is not UTF-8, or out of memory. */
json_t *prb_control_request_new(const char *url, const char *const *endpoints,
                                size_t n);

/* The modern OONI name for a failure string, mapping the legacy helper's
 * names (dns_name_error, connection_refused_error, tcp_timed_out_error, ...).
 * Returns a static string, f itself when it needs no mapping, or NULL for
 * NULL and "". */
const char *prb_control_failure_canon(const char *f);

/* ASN the control reported for addr, 0 when unknown. flags, when not NULL,
 * receives its ip_info flags (0 when absent). */
uint32_t prb_control_asn(const struct prb_control *c,
                         const struct prb_addr *addr, long long *flags);

/* The control's ip_info entry for addr (c may be NULL), or NULL. */
const struct prb_ctl_ipinfo *prb_control_ipinfo(const struct prb_control *c,
                                                const struct prb_addr *addr);

#endif
