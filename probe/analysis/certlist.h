/* certlist.h: known national interception certificates (lists/
 * interception-certs.csv) and matching of a presented TLS chain.
 *
 * Columns: family,role,subject,issuer,sha1,sha256,serial_dec,not_before,
 * not_after,match_names,seen,source. Hashes are hex of the DER certificate.
 * subject and issuer are distinguished names written "C=KZ, O=ISCA, CN=..."
 * (attributes C, ST, L, O, OU, CN; values without commas); a row may give
 * only some of them. A presented certificate matches a row:
 *   - by hash, when its SHA-256 or SHA-1 equals the row's;
 *   - by name, only when the row says match_names=yes and no hash of the
 *     row matched anything: the certificate's subject has every attribute
 *     of the row's subject (it is that CA), or its issuer has them (it was
 *     issued by that CA), or, for a row with only an issuer, its issuer has
 *     every attribute of the row's issuer.
 * Hash matches are preferred over name matches. Bad rows are named on the
 * error stream as "FILE:LINE: reason" and left out.
 *
 * A list owns its rows; free it with prb_certlist_free(). Matching does not
 * modify the list.
 */
#ifndef PRB_CERTLIST_H
#define PRB_CERTLIST_H


#include "common/load.h"
#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ooni/obs.h"

struct prb_dn_attr {
  int nid;                      /* OpenSSL NID of C, ST, L, O, OU or CN */
  char *value;                  /* UTF-8; owned */
};

struct prb_certrow {
  char *family, *role, *subject, *issuer, *source; /* as in the file; owned */
  unsigned char sha1[20], sha256[32];
  bool has_sha1, has_sha256;
  bool match_names;
  struct prb_dn_attr subject_attrs[PRB_DN_MAX_ATTRS];
  size_t n_subject_attrs;
  struct prb_dn_attr issuer_attrs[PRB_DN_MAX_ATTRS];
  size_t n_issuer_attrs;
  long line;
};

struct prb_certlist {
  struct prb_certrow *rows;
  size_t n, cap;
};

enum prb_cert_how {
  PRB_CERT_NO_MATCH = 0,
  PRB_CERT_BY_SHA256,           /* the certificate's SHA-256 is listed */
  PRB_CERT_BY_SHA1,             /* its SHA-1 is listed */
  PRB_CERT_BY_SUBJECT,          /* it is the listed CA, by name */
  PRB_CERT_BY_ISSUER            /* it was issued by the listed CA, by name */
};

struct prb_certmatch {
  const struct prb_certrow *row; /* points into the list */
  size_t cert_index;            /* which certificate of the chain */
  int how;                      /* enum prb_cert_how */
};

/* Makes an empty list. */
void prb_certlist_init(struct prb_certlist *l);

/* Frees what the list owns and leaves it empty; l may be NULL. */
void prb_certlist_free(struct prb_certlist *l);

/* Adds the rows of the file at path. Problems go to err unless NULL;
 * *n_bad (may be NULL) receives the number of bad rows. Returns an enum
 * prb_load. */
enum prb_load prb_certlist_load(struct prb_certlist *l, const char *path,
                                FILE *err, size_t *n_bad);

/* Looks for a listed certificate in a chain of n DER certificates (certs
 * may be NULL when n is 0). Returns 1 and fills *m with the best match
 * (hash over name, then the first certificate, then the first row), or 0
 * when nothing matches. */
int prb_certlist_match(const struct prb_certlist *l,
                       const struct prb_cert *certs, size_t n,
                       struct prb_certmatch *m);

/* "sha256", "sha1", "subject", "issuer" or "none": static strings. */
const char *prb_certlist_how_name(int how);

#endif
