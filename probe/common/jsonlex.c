/* jsonlex.c: numbers, literals and escapes of JSON (jsonlex.h). */
#include "common/jsonlex.h"
#include "common/digest.h"

#include <string.h>

int prb_jlex_fail(struct prb_jlex *l, const char *why)
{
  if(!l->err)
    l->err = why;
  return -1;
}

void prb_jlex_ws(struct prb_jlex *l)
{
  while(l->p < l->e &&
        (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r'))
    l->p++;
}

static int digits(struct prb_jlex *l)
{
  const unsigned char *s = l->p;
  while(l->p < l->e && *l->p >= '0' && *l->p <= '9')
    l->p++;
  return l->p > s ? 0 : prb_jlex_fail(l, "invalid JSON: bad number");
}

int prb_jlex_number(struct prb_jlex *l)
{
  if(*l->p == '-')
    l->p++;
  if(l->p < l->e && *l->p == '0')
    l->p++;
  else if(digits(l))
    return -1;
  if(l->p < l->e && *l->p == '.') {
    l->p++;
    if(digits(l))
      return -1;
  }
  if(l->p < l->e && (*l->p == 'e' || *l->p == 'E')) {
    l->p++;
    if(l->p < l->e && (*l->p == '+' || *l->p == '-'))
      l->p++;
    if(digits(l))
      return -1;
  }
  return 0;
}

int prb_jlex_literal(struct prb_jlex *l, const char *word)
{
  size_t n = strlen(word);
  if((size_t)(l->e - l->p) < n || memcmp(l->p, word, n))
    return prb_jlex_fail(l, "invalid JSON: bad literal");
  l->p += n;
  return 0;
}

static int hex4(struct prb_jlex *l, unsigned *v)
{
  unsigned x = 0;
  if(l->e - l->p < 4)
    return prb_jlex_fail(l, "invalid JSON: short \\u escape");
  for(int i = 0; i < 4; i++) {
    int h = prb_hex_value(l->p[i]);
    if(h < 0)
      return prb_jlex_fail(l, "invalid JSON: bad \\u escape");
    x = x << 4 | (unsigned)h;
  }
  l->p += 4;
  *v = x;
  return 0;
}

int prb_jlex_escape(struct prb_jlex *l, unsigned *cp)
{
  unsigned lo;
  if(l->p >= l->e)
    return prb_jlex_fail(l, "invalid JSON: unterminated string");
  switch(*l->p++) {
  case '"': *cp = '"'; return 0;
  case '\\': *cp = '\\'; return 0;
  case '/': *cp = '/'; return 0;
  case 'b': *cp = '\b'; return 0;
  case 'f': *cp = '\f'; return 0;
  case 'n': *cp = '\n'; return 0;
  case 'r': *cp = '\r'; return 0;
  case 't': *cp = '\t'; return 0;
  case 'u':
    if(hex4(l, cp))
      return -1;
    if(*cp >= 0xDC00 && *cp <= 0xDFFF)
      return prb_jlex_fail(l, "invalid JSON: lone low surrogate");
    if(*cp >= 0xD800 && *cp <= 0xDBFF) {
      if(l->e - l->p < 2 || l->p[0] != '\\' || l->p[1] != 'u')
        return prb_jlex_fail(l, "invalid JSON: lone high surrogate");
      l->p += 2;
      if(hex4(l, &lo))
        return -1;
      if(lo < 0xDC00 || lo > 0xDFFF)
        return prb_jlex_fail(l, "invalid JSON: bad surrogate pair");
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if(*cp == 0)
      return prb_jlex_fail(l, "invalid JSON: NUL in a string");
    return 0;
  default:
    return prb_jlex_fail(l, "invalid JSON: bad escape");
  }
}

size_t prb_jlex_utf8(unsigned cp, unsigned char o[4])
{
  if(cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if(cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if(cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}
