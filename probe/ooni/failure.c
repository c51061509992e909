/* failure.c: errno, DNS, c-ares, OpenSSL and libcurl results as OONI's
 * df-007 failure strings. Nothing here formats text: an unmapped value is
 * "unknown_failure", never strerror() output that could carry addresses. */
#include "ooni/failure.h"

#include <ares.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

const char *prb_failure_errno(int err)
{
  switch(err) {
  case 0:
    return NULL;
  case ECONNREFUSED:
    return PRB_FAIL_REFUSED;
  case ECONNRESET:
  /* Linux gives EPIPE on writes after the peer's RST (the usual cause is
   * an injected reset), so it reads as one. */
  case EPIPE:
    return PRB_FAIL_RESET;
  case ETIMEDOUT:
    return PRB_FAIL_TIMEOUT;
  case EHOSTUNREACH:
    return PRB_FAIL_HOST_UNREACHABLE;
  case ENETUNREACH:
    return PRB_FAIL_NET_UNREACHABLE;
  case ECONNABORTED:
    return PRB_FAIL_ABORTED;
  case EADDRNOTAVAIL:
    return PRB_FAIL_ADDR_NOT_AVAILABLE;
  case EADDRINUSE:
    return PRB_FAIL_ADDR_IN_USE;
  case EACCES:
  case EPERM:
    return PRB_FAIL_PERMISSION;
  case ENETDOWN:
    return PRB_FAIL_NET_DOWN;
  case ENETRESET:
    return PRB_FAIL_NET_RESET;
  case EAFNOSUPPORT:
    return PRB_FAIL_AF_NOT_SUPPORTED;
  case EPROTONOSUPPORT:
    return PRB_FAIL_PROTO_NOT_SUPPORTED;
  case ENOTCONN:
    return PRB_FAIL_NOT_CONNECTED;
  case ENOBUFS:
    return PRB_FAIL_NO_BUFFER_SPACE;
  case EINTR:
    return PRB_FAIL_INTERRUPTED;
  default:
    return PRB_FAIL_UNKNOWN;
  }
}

const char *prb_failure_rcode(int rcode)
{
  switch(rcode) {
  case 2:
    return PRB_FAIL_SERVFAIL;
  case 3:
    return PRB_FAIL_NXDOMAIN;
  case 5:
    return PRB_FAIL_DNS_REFUSED;
  default:
    return rcode > 0 ? PRB_FAIL_DNS_MISBEHAVING : NULL;
  }
}

const char *prb_failure_ares(int status)
{
  switch(status) {
  case ARES_SUCCESS:
    return NULL;
  case ARES_ENOTFOUND:
  case ARES_ENONAME:
    return PRB_FAIL_NXDOMAIN;
  case ARES_ENODATA:
    return PRB_FAIL_NO_ANSWER;
  case ARES_ESERVFAIL:
    return PRB_FAIL_SERVFAIL;
  case ARES_EREFUSED:
    return PRB_FAIL_DNS_REFUSED;
  case ARES_ETIMEOUT:
    return PRB_FAIL_TIMEOUT;
  case ARES_ECONNREFUSED:
    return PRB_FAIL_REFUSED;
  case ARES_EBADRESP:
  case ARES_EFORMERR:
  case ARES_ENOTIMP:
    return PRB_FAIL_DNS_MISBEHAVING;
  case ARES_EOF:
    return PRB_FAIL_EOF;
  case ARES_ECANCELLED:
  case ARES_EDESTRUCTION:
    return PRB_FAIL_INTERRUPTED;
  default:
    return PRB_FAIL_UNKNOWN;
  }
}

const char *prb_failure_x509(long verify_result)
{
  switch(verify_result) {
  case X509_V_OK:
    return NULL;
  case X509_V_ERR_HOSTNAME_MISMATCH:
  case X509_V_ERR_IP_ADDRESS_MISMATCH:
  case X509_V_ERR_EMAIL_MISMATCH:
    return PRB_FAIL_SSL_HOSTNAME;
  /* Chains that do not lead to a root we trust: the signature of an
   * interception CA, so kept apart from merely broken certificates. */
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
  case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
  case X509_V_ERR_CERT_UNTRUSTED:
  case X509_V_ERR_CERT_REJECTED:
    return PRB_FAIL_SSL_AUTHORITY;
  default:
    return PRB_FAIL_SSL_CERT;
  }
}

const char *prb_failure_ssl(int ssl_err, int err, unsigned long lib_err)
{
  switch(ssl_err) {
  case SSL_ERROR_NONE:
    return NULL;
  case SSL_ERROR_ZERO_RETURN:
    return PRB_FAIL_EOF;
  case SSL_ERROR_SYSCALL:
    if(lib_err && ERR_GET_LIB(lib_err) == ERR_LIB_SYS && !err)
      err = ERR_GET_REASON(lib_err);
    if(!err)
      return PRB_FAIL_EOF;      /* the peer closed mid-handshake */
    return prb_failure_errno(err);
  case SSL_ERROR_SSL:
    if(lib_err && ERR_GET_LIB(lib_err) == ERR_LIB_SYS)
      return prb_failure_errno(ERR_GET_REASON(lib_err));
    switch(ERR_GET_REASON(lib_err)) {
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
      return PRB_FAIL_EOF;
    case SSL_R_TLSV1_UNRECOGNIZED_NAME:
      return PRB_FAIL_SSL_HOSTNAME;
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
      /* Callers with the verify result use prb_failure_x509(). */
      return PRB_FAIL_SSL_CERT;
    default:
      return PRB_FAIL_SSL_HANDSHAKE;
    }
  default:
    return PRB_FAIL_SSL_HANDSHAKE;
  }
}

/* A socket-level curl failure: the errno says what happened. */
static const char *curl_errno(long os_errno, const char *if_zero)
{
  if(!os_errno)
    return if_zero;
  return prb_failure_errno((int)os_errno);
}

const char *prb_failure_curl(CURLcode rc, long os_errno, long verify_result)
{
  switch(rc) {
  case CURLE_OK:
    return NULL;
  case CURLE_OPERATION_TIMEDOUT:
    return PRB_FAIL_TIMEOUT;
  case CURLE_COULDNT_CONNECT:
    return curl_errno(os_errno, PRB_FAIL_UNKNOWN);
  case CURLE_RECV_ERROR:
    /* OpenSSL's "unexpected eof while reading" arrives with errno 0. */
    return curl_errno(os_errno, PRB_FAIL_EOF);
  case CURLE_SEND_ERROR:
    return curl_errno(os_errno, PRB_FAIL_UNKNOWN);
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    return PRB_FAIL_EOF;
  case CURLE_PEER_FAILED_VERIFICATION:
    /* curl checks the host name itself after OpenSSL accepted the chain,
     * so a verification failure with X509_V_OK is a name mismatch. */
    if(verify_result == X509_V_OK)
      return PRB_FAIL_SSL_HOSTNAME;
    return prb_failure_x509(verify_result);
  case CURLE_SSL_ISSUER_ERROR:
    return PRB_FAIL_SSL_AUTHORITY;
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
    return PRB_FAIL_SSL_CERT;
  case CURLE_SSL_CONNECT_ERROR:
    if(os_errno == ECONNRESET)
      return PRB_FAIL_RESET;
    return PRB_FAIL_SSL_HANDSHAKE;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_TOO_MANY_REDIRECTS:
  case CURLE_HTTP_RETURNED_ERROR:
    return PRB_FAIL_HTTP;
  case CURLE_ABORTED_BY_CALLBACK:
    return PRB_FAIL_INTERRUPTED;
  /* The probe pins every address (CURLOPT_RESOLVE), so a resolve failure
   * inside curl is ours, not the network's: no dns_* claim. */
  case CURLE_COULDNT_RESOLVE_HOST:
  default:
    return PRB_FAIL_UNKNOWN;
  }
}
