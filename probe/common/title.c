/* title.c: finding <title> in bytes from the network. */
#include "common/title.h"
#include "common/textclean.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_SCAN 4096         /* bytes looked at after <title */

static unsigned char lower_ascii(unsigned char b)
{
  return (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
}

static bool is_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Whether the avail bytes at p start with lit (lower case), ignoring
 * ASCII case. */
static bool match_nocase(const unsigned char *p, size_t avail, const char *lit)
{
  size_t n = strlen(lit);
  if(avail < n)
    return false;
  for(size_t i = 0; i < n; i++)
    if(lower_ascii(p[i]) != (unsigned char)lit[i])
      return false;
  return true;
}

void prb_title_ooni(const unsigned char *body, size_t len, char *out,
                    size_t outlen)
{
  size_t i = 0;

  if(!outlen)
    return;
  out[0] = '\0';
  if(!body)
    return;
  while(i < len) {
    const unsigned char *lt = memchr(body + i, '<', len - i);
    size_t start, end, n;
    if(!lt)
      return;
    i = (size_t)(lt - body);
    if(!match_nocase(body + i, len - i, "<title>")) {
      i++;
      continue;
    }
    start = i + 7;
    end = start;
    while(end < len && body[end] != '<')
      end++;
    /* OONI's pattern: one or more non-'<' bytes, then "</title>" */
    if(end == start || !match_nocase(body + end, len - end, "</title>")) {
      i = end;
      continue;
    }
    n = end - start;
    if(n >= outlen) {
      n = outlen - 1;
      while(n > 0 && (body[start + n] & 0xC0) == 0x80)
        n--;
    }
    memcpy(out, body + start, n);
    out[n] = '\0';
    return;
  }
}

/* Position just past the '>' of the first <title> tag, or 0 when none:
 * "<title>" and "<title attr...>" but not "<titlebar>". */
static size_t title_start(const unsigned char *b, size_t n)
{
  const size_t tlen = sizeof("<title") - 1;
  for(size_t i = 0; i + tlen < n; i++) {
    if(b[i] != '<' || !match_nocase(b + i, n - i, "<title") ||
       (b[i + tlen] != '>' && !is_space(b[i + tlen])))
      continue;
    for(size_t k = i + tlen; k < n && k < i + tlen + TITLE_SCAN; k++)
      if(b[k] == '>')
        return k + 1;
    return 0;
  }
  return 0;
}

size_t prb_title_text(const unsigned char *b, size_t n, char *out,
                      size_t outlen)
{
  size_t start, end, clen, i, o = 0;
  bool space = false;
  char *clean;

  if(!b || !(start = title_start(b, n)))
    return 0;
  for(end = start; end < n && end < start + TITLE_SCAN && b[end] != '<'; end++)
    ;
  clean = prb_utf8_sanitize(b + start, end - start, &clen);
  if(!clean)
    return (size_t)-1;
  for(i = 0; i < clen;) {
    unsigned char c = (unsigned char)clean[i];
    size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if(is_space(c)) {
      space = o > 0;
      i++;
      continue;
    }
    if(o + (space ? 1 : 0) + k > outlen)
      break;                    /* cut on a character boundary */
    if(space)
      out[o++] = ' ';
    space = false;
    memcpy(out + o, clean + i, k);
    o += k;
    i += k;
  }
  free(clean);
  return o;
}
