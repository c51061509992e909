/* tlsctx.c: trust anchors loaded once, one client SSL_CTX per run. */
#include "engine/tlsctx.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Adds every certificate in one PEM file; returns how many. */
static size_t load_pem_file(X509_STORE *store, const char *path)
{
  FILE *f = fopen(path, "r");
  if(!f)
    return 0;
  size_t n = 0;
  X509 *x;
  while((x = PEM_read_X509(f, NULL, NULL, NULL))) {
    if(X509_STORE_add_cert(store, x) == 1)
      n++;
    X509_free(x);
  }
  ERR_clear_error();            /* the final "no start line" is expected */
  fclose(f);
  return n;
}

static int has_suffix(const char *s, const char *suffix)
{
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && !strcmp(s + ls - lx, suffix);
}

X509_STORE *prb_tls_store_load(const char *path, size_t *n, char *why,
                               size_t whylen)
{
  struct stat st;
  *n = 0;
  if(stat(path, &st) < 0) {
    snprintf(why, whylen, "%s: cannot read trust anchors: %s", path,
             strerror(errno));
    return NULL;
  }
  X509_STORE *store = X509_STORE_new();
  if(!store) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  if(S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if(!d) {
      snprintf(why, whylen, "%s: %s", path, strerror(errno));
      X509_STORE_free(store);
      return NULL;
    }
    struct dirent *e;
    while((e = readdir(d))) {
      if(!has_suffix(e->d_name, ".crt") && !has_suffix(e->d_name, ".pem"))
        continue;
      char file[4096];
      int len = snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
      if(len > 0 && (size_t)len < sizeof(file))
        *n += load_pem_file(store, file);
    }
    closedir(d);
  }
  else
    *n = load_pem_file(store, path);
  if(!*n) {
    snprintf(why, whylen, "%s: no PEM certificates found", path);
    X509_STORE_free(store);
    return NULL;
  }
  return store;
}

SSL_CTX *prb_tls_ctx_new(X509_STORE *store)
{
  /* The GET goes over the measured connection and speaks HTTP/1.1 only:
   * offering h2 would let a server choose what we cannot read. */
  static const unsigned char alpn[] = "\x08http/1.1";
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if(!ctx)
    return NULL;
  SSL_CTX_set1_cert_store(ctx, store);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1);
  return ctx;
}
