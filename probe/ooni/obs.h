/* obs.h: what one measurement observed, as plain data.
 *
 * The engine (measure.c and the step files) fills these structures; the
 * record writer (record.c) turns them into OONI's JSON; the classifier reads
 * them. Every byte that came from the network is kept raw here, with its
 * length, and cleaned only when serialised. Strings marked "static" point
 * at string literals (failure strings) and are never freed. Everything else
 * is owned by the struct prb_obs it hangs from and freed by prb_obs_free().
 */
#ifndef PRB_OBS_H
#define PRB_OBS_H

#include "common/caps.h"

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum prb_rrtype {
  PRB_RR_A = 1,
  PRB_RR_CNAME = 5,
  PRB_RR_AAAA = 28
};

struct prb_dns_answer {
  int type;                     /* enum prb_rrtype */
  char value[PRB_HOST_MAX];     /* address text, or the CNAME target */
  uint32_t ttl;
};

struct prb_dns_query {
  char hostname[PRB_HOST_MAX];
  int qtype;                    /* PRB_RR_A or PRB_RR_AAAA */
  char resolver[PRB_ENDPOINT_MAX]; /* "ip:port" of the server asked */
  bool system;                  /* the resolver is the system's (resolv.conf) */
  const char *failure;          /* static OONI failure string, or NULL */
  int rcode;                    /* DNS rcode, -1 when no answer came */
  size_t n_answers;
  struct prb_dns_answer answers[PRB_MAX_ADDRS];
  unsigned char *raw;           /* raw response, or NULL */
  size_t raw_len;
  double t0, t;                 /* seconds since the measurement started */
  int depth;                    /* redirect depth that asked */
  int transaction_id;
};

struct prb_tcp_connect {
  char ip[PRB_IP_MAX];
  int port;
  const char *failure;          /* static, NULL on success */
  double t0, t;
  int transaction_id;
};

struct prb_cert {
  unsigned char *der;
  size_t len;
};

struct prb_tls_handshake {
  char address[PRB_ENDPOINT_MAX]; /* "ip:port" / "[v6]:port" */
  char server_name[PRB_HOST_MAX];
  bool decoy;                   /* SNI replaced by a harmless decoy name */
  const char *failure;          /* static, NULL on success */
  char tls_version[16];         /* "TLSv1.3", "" when not negotiated */
  char cipher_suite[64];        /* IANA name, e.g. "TLS_AES_128_GCM_SHA256" */
  char negotiated_protocol[16]; /* ALPN, "" if none */
  char x_verify_error[128];     /* OpenSSL's verify text, "" if verified */
  size_t n_certs;
  struct prb_cert certs[PRB_MAX_CERTS]; /* leaf first */
  double t0, t;
  int transaction_id;
};

struct prb_header {
  char *name;                   /* raw bytes, NUL-terminated for convenience */
  size_t name_len;
  char *value;
  size_t value_len;
};

struct prb_http_request {
  char url[PRB_URL_MAX];
  char address[PRB_ENDPOINT_MAX]; /* endpoint used, "" if none */
  char alpn[16];
  const char *failure;          /* static, NULL on success */
  /* what we sent */
  size_t n_req_headers;
  struct prb_header req_headers[8];
  /* what came back; code 0 when no response */
  long code;
  size_t n_headers;
  struct prb_header headers[PRB_MAX_HEADERS];
  bool headers_truncated;
  unsigned char *body;          /* raw, at most PRB_BODY_MAX bytes */
  size_t body_len;
  bool body_is_truncated;
  /* Every body byte received, kept or not: counted past the cap (up to
   * PRB_BODY_COUNT_MAX and the deadline) when the fetch was asked to, so
   * the helper can tell the page's real length; 0 when not counted. */
  size_t body_counted;
  /* How the response arrived, for telling a slow transfer from a stalled
   * one (x_ keys of the record). Times are seconds since the measurement
   * started, like t0 and t; they mean something only when bytes_received
   * is not 0. */
  size_t bytes_received;        /* response bytes read: head and body,
                                   kept or not (after TLS) */
  double t_first_byte, t_last_byte;
  struct prb_progress {
    double t;
    size_t bytes;               /* bytes_received by then */
  } progress[PRB_PROGRESS_MAX]; /* evenly spread over the transfer */
  size_t n_progress;
  /* static: when the step's deadline ended the exchange, what it cut:
   * "no_bytes" (nothing came), "stalled" (bytes came, then none for a
   * while) or "flowing" (bytes still coming); NULL when it did not */
  const char *timeout_progress;
  /* static: why the response could not be read as HTTP/1.x (its failure
   * is http_request_failed), e.g. "content_length_conflict"; NULL if not */
  const char *protocol_error;
  double t0, t;
  int depth;
  int transaction_id;
};

/* One measurement of one URL. */
struct prb_obs {
  char input[PRB_URL_MAX];
  char measurement_start_time[20];    /* "YYYY-MM-DD hh:mm:ss" UTC */
  double test_runtime;                /* seconds */
  char client_resolver[PRB_IP_MAX];   /* first system resolver, "" if none */

  struct prb_dns_query *queries;
  size_t n_queries, cap_queries;
  struct prb_tcp_connect *tcp;
  size_t n_tcp, cap_tcp;
  struct prb_tls_handshake *tls;
  size_t n_tls, cap_tls;
  /* chronological here; the record lists them newest first as OONI does */
  struct prb_http_request *requests;
  size_t n_requests, cap_requests;

  const char *dns_experiment_failure;  /* static or NULL */
  const char *http_experiment_failure; /* static or NULL */
};

/* Appenders return a zeroed element owned by obs, or NULL when out of
 * memory or when the per-measurement cap for that kind is reached. */
struct prb_dns_query *prb_obs_add_query(struct prb_obs *obs);
struct prb_tcp_connect *prb_obs_add_tcp(struct prb_obs *obs);
struct prb_tls_handshake *prb_obs_add_tls(struct prb_obs *obs);
struct prb_http_request *prb_obs_add_request(struct prb_obs *obs);

/* Appends a copy of one header (name and value bytes, NUL-terminated for
 * convenience) to list, which holds *n of at most max. False when full or
 * out of memory: nothing is added. */
bool prb_obs_add_header(struct prb_header *list, size_t *n, size_t max,
                        const char *name, size_t nlen, const char *value,
                        size_t vlen);

/* Frees what one request owns (headers, body) and zeroes it; for a
 * request that never made it into an obs. */
void prb_obs_request_free(struct prb_http_request *req);

/* Frees everything obs owns and zeroes it; obs itself is the caller's. */
void prb_obs_free(struct prb_obs *obs);

#endif
