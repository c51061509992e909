/* failure.h: what the network did, as OONI's failure strings (df-007).
 *
 * These strings are data in the record, never program errors; analysts
 * depend on them, so they never change. Every function returns a static
 * string.
 */
#ifndef PRB_FAILURE_H
#define PRB_FAILURE_H

#include <openssl/ssl.h>
#include <curl/curl.h>

#define PRB_FAIL_TIMEOUT "generic_timeout_error"
#define PRB_FAIL_EOF "eof_error"
#define PRB_FAIL_REFUSED "connection_refused"
#define PRB_FAIL_RESET "connection_reset"
#define PRB_FAIL_NXDOMAIN "dns_nxdomain_error"
#define PRB_FAIL_NO_ANSWER "dns_no_answer"
#define PRB_FAIL_SERVFAIL "dns_servfail_error"
#define PRB_FAIL_DNS_REFUSED "dns_refused_error"
#define PRB_FAIL_DNS_MISBEHAVING "dns_server_misbehaving"
#define PRB_FAIL_SSL_HOSTNAME "ssl_invalid_hostname"
#define PRB_FAIL_SSL_AUTHORITY "ssl_unknown_authority"
#define PRB_FAIL_SSL_CERT "ssl_invalid_certificate"
#define PRB_FAIL_SSL_HANDSHAKE "ssl_failed_handshake"
#define PRB_FAIL_HTTP "http_request_failed"
#define PRB_FAIL_REFUSED_ADDR "address_refused_by_policy" /* x_: loopback etc. */
#define PRB_FAIL_INTERRUPTED "interrupted"
#define PRB_FAIL_UNKNOWN "unknown_failure"
#define PRB_FAIL_ABORTED "connection_aborted"
#define PRB_FAIL_HOST_UNREACHABLE "host_unreachable"
#define PRB_FAIL_NET_UNREACHABLE "network_unreachable"
#define PRB_FAIL_NET_DOWN "network_down"
#define PRB_FAIL_NET_RESET "network_reset"
#define PRB_FAIL_ADDR_NOT_AVAILABLE "address_not_available"
#define PRB_FAIL_ADDR_IN_USE "address_in_use"
#define PRB_FAIL_AF_NOT_SUPPORTED "address_family_not_supported"
#define PRB_FAIL_PROTO_NOT_SUPPORTED "protocol_not_supported"
#define PRB_FAIL_PERMISSION "permission_denied"
#define PRB_FAIL_NOT_CONNECTED "not_connected"
#define PRB_FAIL_NO_BUFFER_SPACE "no_buffer_space"
#define PRB_FAIL_DNS_TEMPORARY "dns_temporary_failure"

/* errno of a failed connect/read/write. 0 gives NULL. */
const char *prb_failure_errno(int err);

/* A DNS response code (RFC 1035 4.1.1); 0 (NOERROR) and negative values
 * (no response: the transport's failure says why) give NULL. */
const char *prb_failure_rcode(int rcode);

/* A c-ares status from a query callback; ARES_SUCCESS gives NULL. */
const char *prb_failure_ares(int status);

/* The X509_V_ERR_* result of verifying a peer chain; X509_V_OK gives NULL. */
const char *prb_failure_x509(long verify_result);

/* A failed non-verification handshake: ssl_err is SSL_get_error(), err the
 * saved errno, lib_err the first ERR_get_error() code. */
const char *prb_failure_ssl(int ssl_err, int err, unsigned long lib_err);

/* A libcurl transfer result, with CURLINFO_OS_ERRNO and
 * CURLINFO_SSL_VERIFYRESULT. CURLE_OK gives NULL. A transfer the probe
 * stopped itself (body cap in the write callback: CURLE_WRITE_ERROR) is not
 * a network failure; callers handle it before calling this. */
const char *prb_failure_curl(CURLcode rc, long os_errno, long verify_result);

#endif
