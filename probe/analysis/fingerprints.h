/* fingerprints.h: OONI blocking fingerprints (blockpages, censorship DNS
 * answers) loaded from CSV, and matching of HTTP responses and DNS answers.
 *
 * The files use ooni/blocking-fingerprints' exact columns:
 *   name,scope,other_names,location_found,pattern_type,pattern,
 *   confidence_no_fp,expected_countries,source,exp_url,notes
 * location_found is "dns", "body" or "header.<name>"; pattern_type is
 * full, prefix, contains or regexp. Regular expressions are compiled once,
 * at load, with PCRE2 in byte mode (no UTF check: bodies may be any bytes)
 * and are run under a match limit, so a hostile body cannot make matching
 * take unbounded time. A bad row is named on the error stream as
 * "FILE:LINE: reason" and left out; the good rows are used.
 *
 * A set owns everything in it; free it with prb_fp_free(). Matching does not
 * modify the set, so one loaded set may be shared by concurrent matchers.
 */
#ifndef PRB_FINGERPRINTS_H
#define PRB_FINGERPRINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/load.h"

#include "common/multimatch.h"
#include "ooni/obs.h"

enum prb_fp_where { PRB_FP_DNS, PRB_FP_BODY, PRB_FP_HEADER };
enum prb_fp_type { PRB_FP_FULL, PRB_FP_PREFIX, PRB_FP_CONTAINS,
                   PRB_FP_REGEXP };

struct prb_fingerprint {
  char *name;                 /* e.g. "ooni.by_4" */
  char *scope;                /* nat, isp, prod, inst, vbw, fp, ... */
  int where;                  /* enum prb_fp_where */
  char *header;               /* lower-case header name, or NULL */
  int type;                   /* enum prb_fp_type */
  char *pattern;
  size_t pattern_len;
  int confidence;             /* confidence_no_fp */
  char *expected_countries;   /* "AE,SA" or "" */
  void *re;                   /* compiled regexp (pcre2_code), or NULL */
  long line;                  /* where it was defined */
};

struct prb_fpset {
  struct prb_fingerprint *items;
  size_t n, cap;
  void *mctx;                 /* pcre2 match context with the limits */
  struct prb_mm *body_index;  /* the "body contains" rows, one pass */
};

/* The regexp match limit (PCRE2 match_limit) and depth limit. */

/* Makes an empty set. */
void prb_fp_init(struct prb_fpset *s);

/* Frees what the set owns and leaves it empty; s may be NULL. */
void prb_fp_free(struct prb_fpset *s);

/* Adds the rows of one fingerprint file (DNS or HTTP, both may go into one
 * set). Problems go to err unless NULL; *n_bad (may be NULL) receives the
 * number of bad rows in this file. Returns an enum prb_load. */
enum prb_load prb_fp_load(struct prb_fpset *s, const char *path, FILE *err,
                          size_t *n_bad);

/* The fingerprint matching a DNS answer (an address or a CNAME target,
 * compared case-insensitively), or NULL. */
const struct prb_fingerprint *prb_fp_match_dns(const struct prb_fpset *s,
                                               const char *answer);

/* The fingerprint matching an HTTP response: body is raw bytes (may hold
 * NULs, may be NULL when body_len is 0); headers are name/value pairs as
 * received (may be NULL when n_headers is 0). A fingerprint of scope "fp"
 * (a known false positive) is returned only when nothing else matches, so
 * callers can tell "known harmless page" from "blockpage". NULL if none. */
const struct prb_fingerprint *prb_fp_match_http(
  const struct prb_fpset *s, const unsigned char *body, size_t body_len,
  const struct prb_header *headers, size_t n_headers);

/* Whether a matching row counts (e.g. OONI's scope/country rule). */
typedef bool (*prb_fp_accept_fn)(const struct prb_fingerprint *f,
                                 const void *ctx);

/* As above, but the first matching row that accept (NULL: any) takes.
 * For HTTP, rows of scope "fp" are never taken, and *any (may be NULL)
 * receives the first matching row of any other scope, else the first of
 * scope "fp", taken or not. */
const struct prb_fingerprint *prb_fp_match_dns_if(const struct prb_fpset *s,
                                                  const char *answer,
                                                  prb_fp_accept_fn accept,
                                                  const void *ctx);
const struct prb_fingerprint *prb_fp_match_http_if(
  const struct prb_fpset *s, const unsigned char *body, size_t body_len,
  const struct prb_header *headers, size_t n_headers,
  prb_fp_accept_fn accept, const void *ctx,
  const struct prb_fingerprint **any);

#endif
