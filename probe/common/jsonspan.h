/* jsonspan.h: JSON text handled as bytes: where a top-level member's value
 * sits, and the text without insignificant whitespace.
 *
 * For passing records on without re-serialising them: a parser and a
 * printer would rewrite every number (jansson prints reals with 17
 * digits), while a collector must store what the probe measured. The text
 * must already be valid JSON (checked by jansson first); these functions
 * stay inside len bytes whatever they are given, but only say what the
 * bytes mean for valid JSON.
 */
#ifndef PRB_JSONSPAN_H
#define PRB_JSONSPAN_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the len bytes at in to out (room for len bytes), leaving out the
 * blanks between tokens (never those inside strings). Returns the new
 * length: one line, whatever the layout of the input. */
size_t prb_json_compact(const char *in, size_t len, char *out);

enum prb_json_member_rc {
  PRB_JSON_MEMBER_FOUND = 0,
  PRB_JSON_MEMBER_END,        /* no more members (absent, for a lookup) */
  PRB_JSON_MEMBER_ESCAPED,    /* a top-level key holds a '\' escape: keys
                                 cannot be compared as bytes */
  PRB_JSON_MEMBER_BAD         /* not an object, or cut short */
};

/* The members of the JSON object text s[0..len), one by one. */
struct prb_json_iter {
  const char *s;
  size_t len, i;
  bool started;
};

struct prb_json_member {
  size_t key, key_end;          /* the key's bytes, quotes excluded */
  size_t value, value_end;      /* the value's bytes */
};

void prb_json_iter_init(struct prb_json_iter *it, const char *s, size_t len);

/* The next top-level member into *m: FOUND, END after the last one, or
 * ESCAPED / BAD (the walk then stops). */
enum prb_json_member_rc prb_json_next(struct prb_json_iter *it,
                                      struct prb_json_member *m);

/* The value of the top-level member named key (plain ASCII, no escapes):
 * obj[*start..*end). With several members of that name, the last (as
 * jansson reads it). END when there is none. */
enum prb_json_member_rc prb_json_member(const char *obj, size_t len,
                                        const char *key, size_t *start,
                                        size_t *end);

#endif
