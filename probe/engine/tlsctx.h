/* tlsctx.h: the trust anchors and the TLS client context.
 *
 * We verify against the pristine Mozilla root set Debian ships as separate
 * files in /usr/share/ca-certificates/mozilla/, never the system store
 * (/etc/ssl/certs), which may hold a national interception root. The store
 * is parsed once per run and shared by our handshakes and by libcurl (the
 * control's requests).
 */
#ifndef PRB_TLSCTX_H
#define PRB_TLSCTX_H

#include <stddef.h>
#include <openssl/ssl.h>

#define PRB_DEFAULT_CA "/usr/share/ca-certificates/mozilla"

/* Loads every certificate of a PEM file, or of every *.crt / *.pem file in
 * a directory. Returns a new store (caller frees with X509_STORE_free) and
 * the count in *n, or NULL with a reason in why. Zero certificates is an
 * error. */
X509_STORE *prb_tls_store_load(const char *path, size_t *n, char *why,
                               size_t whylen);

/* A client context for measuring handshakes: verification is recorded, not
 * enforced (SSL_VERIFY_NONE), so a chain that fails verification is still
 * kept as evidence; ALPN offers http/1.1 only (the GET goes over the
 * measured connection, and we speak HTTP/1.1); no session resumption, no
 * renegotiation. Takes a reference to store. NULL when out of memory. */
SSL_CTX *prb_tls_ctx_new(X509_STORE *store);

#endif
