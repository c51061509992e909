/* jtape.h: one JSON text checked and indexed in one pass, without
 * building a tree.
 *
 * prb_jtape_parse() validates the whole text (RFC 8259, strings valid
 * UTF-8 without NUL, nesting at most PRB_JTAPE_DEPTH) and records every
 * value as a token: its type, its byte span in the text and the index of
 * the token after its subtree. Nothing is decoded or allocated per value:
 * a 500 KiB response body is one token until someone asks for its bytes.
 * An object's members are its key token followed by its value's tokens.
 *
 * The tape borrows the text: tokens refer into it, so the text must
 * outlive every lookup. One tape can parse line after line; its token
 * array grows once (at most PRB_JTAPE_TOKENS tokens) and is reused.
 */
#ifndef PRB_JTAPE_H
#define PRB_JTAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRB_JTAPE_DEPTH 64
#define PRB_JTAPE_TOKENS (1u << 21)  /* values in one text: 32 MiB of tape */
#define PRB_JT_NONE SIZE_MAX

enum prb_jt_type {
  PRB_JT_NULL,
  PRB_JT_FALSE,
  PRB_JT_TRUE,
  PRB_JT_NUMBER,
  PRB_JT_STRING,
  PRB_JT_ARRAY,
  PRB_JT_OBJECT
};

struct prb_jtok {
  uint32_t start, end;          /* bytes [start, end) of the text; a
                                   string's span includes its quotes */
  uint32_t next;                /* the token after this value's subtree */
  uint8_t type;                 /* enum prb_jt_type */
  bool escaped;                 /* a string holding a backslash escape */
};

struct prb_jtape {
  const char *text;
  size_t len;
  struct prb_jtok *t;
  size_t n, cap;
  const char *err;              /* why the last parse failed (static) */
};

void prb_jtape_init(struct prb_jtape *tp);
void prb_jtape_free(struct prb_jtape *tp);

/* Checks and indexes text[0..len): 0, or -1 with tp->err set (invalid
 * JSON, too deep, too many values, out of memory). Token 0 is the root;
 * whitespace may surround it, nothing else. */
int prb_jtape_parse(struct prb_jtape *tp, const char *text, size_t len);

/* The type of token i; PRB_JT_NULL for PRB_JT_NONE too (a missing member
 * reads as null, as OONI's readers take it). */
enum prb_jt_type prb_jt_type(const struct prb_jtape *tp, size_t i);

/* The value of member key in object obj, or PRB_JT_NONE (obj not an
 * object, or no such member; the first one when keys repeat). */
size_t prb_jt_get(const struct prb_jtape *tp, size_t obj, const char *key);

/* The first child of an array (or the first key of an object), and the
 * token after child i in the same container: PRB_JT_NONE at the end.
 * For objects, the value of key k is k + 1 and the next key is
 * prb_jt_next(tp, obj, k + 1). */
size_t prb_jt_child(const struct prb_jtape *tp, size_t container);
size_t prb_jt_next(const struct prb_jtape *tp, size_t container, size_t i);
size_t prb_jt_count(const struct prb_jtape *tp, size_t array);

/* Decodes string i into out (cap bytes with room for a terminating NUL),
 * returning its length; a longer string is cut at a UTF-8 boundary and
 * *cut (may be NULL) set. Returns 0 and writes "" when i is not a string. */
size_t prb_jt_str(const struct prb_jtape *tp, size_t i, char *out,
                  size_t cap, bool *cut);

/* Its decoded length (bytes), 0 when not a string. */
size_t prb_jt_strlen(const struct prb_jtape *tp, size_t i);

/* Whether string i equals s (NUL-terminated). */
bool prb_jt_str_is(const struct prb_jtape *tp, size_t i, const char *s);

/* A number's value; false when i is not a number (or out of range for
 * the integer form). */
bool prb_jt_num(const struct prb_jtape *tp, size_t i, double *out);
bool prb_jt_int(const struct prb_jtape *tp, size_t i, long long *out);

#endif
