/* test_failure.c: every mapping to OONI's failure strings, as a table. */
#include <ares.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "check.h"
#include "ooni/failure.h"

/* NULL want means "no failure". */
#define CHECK_FAIL(got, want) do { \
    const char *w__ = (want); \
    if(w__) CHECK_STR(got, w__); \
    else CHECK((got) == NULL); \
  } while(0)

static void test_errno(void)
{
  static const struct { int err; const char *want; } t[] = {
    { 0, NULL },
    { ECONNREFUSED, "connection_refused" },
    { ECONNRESET, "connection_reset" },
    { EPIPE, "connection_reset" },
    { ETIMEDOUT, "generic_timeout_error" },
    { EHOSTUNREACH, "host_unreachable" },
    { ENETUNREACH, "network_unreachable" },
    { ECONNABORTED, "connection_aborted" },
    { EADDRNOTAVAIL, "address_not_available" },
    { EADDRINUSE, "address_in_use" },
    { EACCES, "permission_denied" },
    { EPERM, "permission_denied" },
    { ENETDOWN, "network_down" },
    { ENETRESET, "network_reset" },
    { EAFNOSUPPORT, "address_family_not_supported" },
    { EPROTONOSUPPORT, "protocol_not_supported" },
    { EINTR, "interrupted" },
    { ENOENT, "unknown_failure" },
    { 99999, "unknown_failure" },
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    CHECK_FAIL(prb_failure_errno(t[i].err), t[i].want);
}

static void test_rcode(void)
{
  static const struct { int rcode; const char *want; } t[] = {
    { 0, NULL }, { -1, NULL },
    { 1, "dns_server_misbehaving" },
    { 2, "dns_servfail_error" },
    { 3, "dns_nxdomain_error" },
    { 4, "dns_server_misbehaving" },
    { 5, "dns_refused_error" },
    { 9, "dns_server_misbehaving" },
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    CHECK_FAIL(prb_failure_rcode(t[i].rcode), t[i].want);
}

static void test_ares(void)
{
  static const struct { int status; const char *want; } t[] = {
    { ARES_SUCCESS, NULL },
    { ARES_ENOTFOUND, "dns_nxdomain_error" },
    { ARES_ENODATA, "dns_no_answer" },
    { ARES_ESERVFAIL, "dns_servfail_error" },
    { ARES_EREFUSED, "dns_refused_error" },
    { ARES_ETIMEOUT, "generic_timeout_error" },
    { ARES_ECONNREFUSED, "connection_refused" },
    { ARES_EBADRESP, "dns_server_misbehaving" },
    { ARES_EFORMERR, "dns_server_misbehaving" },
    { ARES_ENOTIMP, "dns_server_misbehaving" },
    { ARES_ECANCELLED, "interrupted" },
    { ARES_ENOMEM, "unknown_failure" },
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    CHECK_FAIL(prb_failure_ares(t[i].status), t[i].want);
}

static void test_x509(void)
{
  static const struct { long v; const char *want; } t[] = {
    { X509_V_OK, NULL },
    { X509_V_ERR_HOSTNAME_MISMATCH, "ssl_invalid_hostname" },
    { X509_V_ERR_IP_ADDRESS_MISMATCH, "ssl_invalid_hostname" },
    { X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, "ssl_unknown_authority" },
    { X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "ssl_unknown_authority" },
    { X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "ssl_unknown_authority" },
    { X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, "ssl_unknown_authority" },
    { X509_V_ERR_CERT_UNTRUSTED, "ssl_unknown_authority" },
    { X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, "ssl_unknown_authority" },
    { X509_V_ERR_CERT_HAS_EXPIRED, "ssl_invalid_certificate" },
    { X509_V_ERR_CERT_NOT_YET_VALID, "ssl_invalid_certificate" },
    { X509_V_ERR_CERT_SIGNATURE_FAILURE, "ssl_invalid_certificate" },
    { X509_V_ERR_INVALID_CA, "ssl_invalid_certificate" },
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    CHECK_FAIL(prb_failure_x509(t[i].v), t[i].want);
}

static void test_ssl(void)
{
  unsigned long eof = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNEXPECTED_EOF_WHILE_READING);
  unsigned long sni = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_TLSV1_UNRECOGNIZED_NAME);
  unsigned long other = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER);

  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_NONE, 0, 0), NULL);
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SYSCALL, ECONNRESET, 0),
             "connection_reset");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SYSCALL, 0, 0), "eof_error");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SYSCALL, ETIMEDOUT, 0),
             "generic_timeout_error");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_ZERO_RETURN, 0, 0), "eof_error");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SSL, 0, eof), "eof_error");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SSL, 0, sni), "ssl_invalid_hostname");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SSL, 0, other), "ssl_failed_handshake");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SSL, 0, ERR_PACK(ERR_LIB_SYS, 0,
                                                        ECONNRESET)),
             "connection_reset");
  /* What OpenSSL 3 itself records for a failed read or write. */
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SSL, 0, ERR_SYSTEM_FLAG | ECONNRESET),
             "connection_reset");
  CHECK_FAIL(prb_failure_ssl(SSL_ERROR_SYSCALL, 0, ERR_SYSTEM_FLAG | EPIPE),
             "connection_reset");
}

static void test_curl(void)
{
  static const struct {
    CURLcode rc;
    long os_errno, verify;
    const char *want;
  } t[] = {
    { CURLE_OK, 0, 0, NULL },
    { CURLE_OPERATION_TIMEDOUT, 0, 0, "generic_timeout_error" },
    { CURLE_COULDNT_CONNECT, ECONNREFUSED, 0, "connection_refused" },
    { CURLE_COULDNT_CONNECT, EHOSTUNREACH, 0, "host_unreachable" },
    { CURLE_COULDNT_CONNECT, 0, 0, "unknown_failure" },
    { CURLE_RECV_ERROR, ECONNRESET, 0, "connection_reset" },
    { CURLE_RECV_ERROR, 0, 0, "eof_error" },
    { CURLE_SEND_ERROR, ECONNRESET, 0, "connection_reset" },
    { CURLE_SEND_ERROR, EPIPE, 0, "connection_reset" },
    { CURLE_GOT_NOTHING, 0, 0, "eof_error" },
    { CURLE_PARTIAL_FILE, 0, 0, "eof_error" },
    { CURLE_PEER_FAILED_VERIFICATION, 0,
      X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "ssl_unknown_authority" },
    { CURLE_PEER_FAILED_VERIFICATION, 0, X509_V_ERR_CERT_HAS_EXPIRED,
      "ssl_invalid_certificate" },
    { CURLE_PEER_FAILED_VERIFICATION, 0, X509_V_ERR_HOSTNAME_MISMATCH,
      "ssl_invalid_hostname" },
    { CURLE_PEER_FAILED_VERIFICATION, 0, X509_V_OK, "ssl_invalid_hostname" },
    { CURLE_SSL_CONNECT_ERROR, ECONNRESET, 0, "connection_reset" },
    { CURLE_SSL_CONNECT_ERROR, 0, 0, "ssl_failed_handshake" },
    { CURLE_WEIRD_SERVER_REPLY, 0, 0, "http_request_failed" },
    { CURLE_ABORTED_BY_CALLBACK, 0, 0, "interrupted" },
    { CURLE_COULDNT_RESOLVE_HOST, 0, 0, "unknown_failure" },
    { CURLE_OUT_OF_MEMORY, 0, 0, "unknown_failure" },
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    CHECK_FAIL(prb_failure_curl(t[i].rc, t[i].os_errno, t[i].verify),
               t[i].want);
}

int main(void)
{
  test_errno();
  test_rcode();
  test_ares();
  test_x509();
  test_ssl();
  test_curl();
  return test_summary();
}
