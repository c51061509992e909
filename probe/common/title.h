/* title.h: the <title> of an HTML page, the two ways records need it.
 *
 * OONI's `title` (the control's, and title_match) follows OONI's regexp
 * exactly: "<title>" without attributes, then one or more bytes that are
 * not '<', then "</title>"; bytes as they came. Our own x_title is for
 * people: any <title ...> tag, the text up to the next '<', whitespace
 * collapsed, made valid UTF-8. They differ on purpose: the first must
 * match OONI's so title_match means what OONI's does.
 */
#ifndef PRB_TITLE_H
#define PRB_TITLE_H

#include <stddef.h>

/* OONI's title of the first len bytes of body, at most outlen - 1 bytes
 * (cut between characters), into out; "" when there is none. Pure. */
void prb_title_ooni(const unsigned char *body, size_t len, char *out,
                    size_t outlen);

/* x_title: the text of the first <title> tag, whitespace collapsed, at
 * most outlen bytes of valid UTF-8 (invalid bytes become U+FFFD), into out
 * (not NUL-terminated). Returns its length; (size_t)-1 when out of
 * memory. */
size_t prb_title_text(const unsigned char *body, size_t len, char *out,
                      size_t outlen);

#endif
