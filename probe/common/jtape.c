/* jtape.c: checking and indexing a JSON text in one pass (jtape.h). The
 * parse touches each byte once and writes one small token per value;
 * strings are checked where they lie and decoded only on request. */
#include "common/jtape.h"
#include "common/buf.h"
#include "common/digest.h"
#include "common/textclean.h"

#include <stdlib.h>
#include <string.h>

struct cur {
  struct prb_jtape *tp;
  const unsigned char *s, *p, *e;
  int depth;
};

void prb_jtape_init(struct prb_jtape *tp)
{
  memset(tp, 0, sizeof(*tp));
}

void prb_jtape_free(struct prb_jtape *tp)
{
  free(tp->t);
  memset(tp, 0, sizeof(*tp));
}

static int fail(struct cur *c, const char *why)
{
  if(!c->tp->err)
    c->tp->err = why;
  return -1;
}

static void ws(struct cur *c)
{
  while(c->p < c->e &&
        (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* A new token of type at the cursor; PRB_JT_NONE when the tape is full. */
static size_t token(struct cur *c, enum prb_jt_type type)
{
  struct prb_jtape *tp = c->tp;
  if(!prb_array_reserve(&tp->t, &tp->cap, tp->n + 1, sizeof(*tp->t),
                        PRB_JTAPE_TOKENS)) {
    fail(c, tp->n + 1 > PRB_JTAPE_TOKENS ? "JSON with too many values"
                                         : "out of memory");
    return PRB_JT_NONE;
  }
  struct prb_jtok *t = &tp->t[tp->n];
  t->start = (uint32_t)(c->p - c->s);
  t->type = (uint8_t)type;
  t->escaped = false;
  return tp->n++;
}

static void close_token(struct cur *c, size_t i)
{
  c->tp->t[i].end = (uint32_t)(c->p - c->s);
  c->tp->t[i].next = (uint32_t)c->tp->n;
}

static int hex4(struct cur *c, unsigned *v)
{
  unsigned x = 0;
  if(c->e - c->p < 4)
    return fail(c, "invalid JSON: short \\u escape");
  for(int i = 0; i < 4; i++) {
    int h = prb_hex_value(c->p[i]);
    if(h < 0)
      return fail(c, "invalid JSON: bad \\u escape");
    x = x << 4 | (unsigned)h;
  }
  c->p += 4;
  *v = x;
  return 0;
}

/* One escape after the backslash; *cp the code point (for \u). */
static int escape(struct cur *c, unsigned *cp)
{
  unsigned lo;
  if(c->p >= c->e)
    return fail(c, "invalid JSON: unterminated string");
  switch(*c->p++) {
  case '"': *cp = '"'; return 0;
  case '\\': *cp = '\\'; return 0;
  case '/': *cp = '/'; return 0;
  case 'b': *cp = '\b'; return 0;
  case 'f': *cp = '\f'; return 0;
  case 'n': *cp = '\n'; return 0;
  case 'r': *cp = '\r'; return 0;
  case 't': *cp = '\t'; return 0;
  case 'u':
    if(hex4(c, cp))
      return -1;
    if(*cp >= 0xDC00 && *cp <= 0xDFFF)
      return fail(c, "invalid JSON: lone low surrogate");
    if(*cp >= 0xD800 && *cp <= 0xDBFF) {
      if(c->e - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
        return fail(c, "invalid JSON: lone high surrogate");
      c->p += 2;
      if(hex4(c, &lo))
        return -1;
      if(lo < 0xDC00 || lo > 0xDFFF)
        return fail(c, "invalid JSON: bad surrogate pair");
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if(*cp == 0)
      return fail(c, "invalid JSON: NUL in a string");
    return 0;
  default:
    return fail(c, "invalid JSON: bad escape");
  }
}

/* Bytes that end a run of plain string bytes: '"', '\\' and controls. */
static const unsigned char stops[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* The end of the run of plain ASCII string bytes at p, eight at a time:
 * none with the high bit, below 0x20, '"' or '\\' (the bit tricks may
 * stop early, never late). */
static const unsigned char *ascii_run(const unsigned char *p,
                                      const unsigned char *e)
{
  const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  while(e - p >= 8) {
    uint64_t w, q, b;
    memcpy(&w, p, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    if((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
        ((b - ones) & ~b)) & high)
      break;
    p += 8;
  }
  return p;
}

static int string(struct cur *c)
{
  size_t i = token(c, PRB_JT_STRING);
  if(i == PRB_JT_NONE)
    return -1;
  c->p++;
  for(;;) {
    const unsigned char *q = ascii_run(c->p, c->e), *plain = q;
    while(q < c->e && !stops[*q])
      q++;
    /* a run ends at a byte that never continues a UTF-8 sequence; its
     * ASCII head is valid already */
    if(!prb_utf8_valid(plain, (size_t)(q - plain)))
      return fail(c, "a string is not valid UTF-8");
    c->p = q;
    if(q >= c->e)
      return fail(c, "invalid JSON: unterminated string");
    if(*q == '"')
      break;
    if(*q < 0x20)
      return fail(c, "invalid JSON: control character in a string");
    unsigned cp;
    c->p++;
    c->tp->t[i].escaped = true;
    if(escape(c, &cp))
      return -1;
  }
  c->p++;
  close_token(c, i);
  return 0;
}

static int digits(struct cur *c)
{
  const unsigned char *s = c->p;
  while(c->p < c->e && *c->p >= '0' && *c->p <= '9')
    c->p++;
  return c->p > s ? 0 : fail(c, "invalid JSON: bad number");
}

static int number(struct cur *c)
{
  size_t i = token(c, PRB_JT_NUMBER);
  if(i == PRB_JT_NONE)
    return -1;
  if(*c->p == '-')
    c->p++;
  if(c->p < c->e && *c->p == '0')
    c->p++;
  else if(digits(c))
    return -1;
  if(c->p < c->e && *c->p == '.') {
    c->p++;
    if(digits(c))
      return -1;
  }
  if(c->p < c->e && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    if(c->p < c->e && (*c->p == '+' || *c->p == '-'))
      c->p++;
    if(digits(c))
      return -1;
  }
  close_token(c, i);
  return 0;
}

static int literal(struct cur *c, const char *word, enum prb_jt_type type)
{
  size_t n = strlen(word), i = token(c, type);
  if(i == PRB_JT_NONE)
    return -1;
  if((size_t)(c->e - c->p) < n || memcmp(c->p, word, n))
    return fail(c, "invalid JSON: bad literal");
  c->p += n;
  close_token(c, i);
  return 0;
}

static int value(struct cur *c);

/* An array or object: its members up to the closing bracket. */
static int container(struct cur *c, bool object)
{
  size_t i = token(c, object ? PRB_JT_OBJECT : PRB_JT_ARRAY);
  unsigned char close = object ? '}' : ']';
  if(i == PRB_JT_NONE)
    return -1;
  if(++c->depth > PRB_JTAPE_DEPTH)
    return fail(c, "JSON nested too deeply");
  c->p++;
  ws(c);
  if(c->p < c->e && *c->p == close) {
    c->p++;
  } else {
    for(;;) {
      ws(c);
      if(object) {
        if(c->p >= c->e || *c->p != '"')
          return fail(c, "invalid JSON: expected a key");
        if(string(c))
          return -1;
        ws(c);
        if(c->p >= c->e || *c->p != ':')
          return fail(c, "invalid JSON: expected ':'");
        c->p++;
        ws(c);
      }
      if(value(c))
        return -1;
      ws(c);
      if(c->p >= c->e)
        return fail(c, object ? "invalid JSON: unterminated object"
                              : "invalid JSON: unterminated array");
      if(*c->p == close) {
        c->p++;
        break;
      }
      if(*c->p != ',')
        return fail(c, object ? "invalid JSON: expected ',' or '}'"
                              : "invalid JSON: expected ',' or ']'");
      c->p++;
    }
  }
  c->depth--;
  close_token(c, i);
  return 0;
}

static int value(struct cur *c)
{
  if(c->p >= c->e)
    return fail(c, "invalid JSON: missing value");
  switch(*c->p) {
  case '{': return container(c, true);
  case '[': return container(c, false);
  case '"': return string(c);
  case 't': return literal(c, "true", PRB_JT_TRUE);
  case 'f': return literal(c, "false", PRB_JT_FALSE);
  case 'n': return literal(c, "null", PRB_JT_NULL);
  default:
    if(*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
      return number(c);
    return fail(c, "invalid JSON: unexpected character");
  }
}

int prb_jtape_parse(struct prb_jtape *tp, const char *text, size_t len)
{
  struct cur c = {tp, (const unsigned char *)text,
                  (const unsigned char *)text, (const unsigned char *)text + len,
                  0};
  tp->text = text;
  tp->len = len;
  tp->n = 0;
  tp->err = NULL;
  if(len >= UINT32_MAX)
    return fail(&c, "JSON text too long");
  ws(&c);
  if(value(&c))
    return -1;
  ws(&c);
  if(c.p != c.e)
    return fail(&c, "invalid JSON: text after the value");
  return 0;
}

/* ---- reading ------------------------------------------------------------- */

enum prb_jt_type prb_jt_type(const struct prb_jtape *tp, size_t i)
{
  return i < tp->n ? (enum prb_jt_type)tp->t[i].type : PRB_JT_NULL;
}

size_t prb_jt_child(const struct prb_jtape *tp, size_t c)
{
  if(c >= tp->n || (tp->t[c].type != PRB_JT_ARRAY &&
                    tp->t[c].type != PRB_JT_OBJECT))
    return PRB_JT_NONE;
  return c + 1 < tp->t[c].next ? c + 1 : PRB_JT_NONE;
}

size_t prb_jt_next(const struct prb_jtape *tp, size_t c, size_t i)
{
  if(c >= tp->n || i >= tp->n)
    return PRB_JT_NONE;
  size_t n = tp->t[i].next;
  return n < tp->t[c].next ? n : PRB_JT_NONE;
}

size_t prb_jt_count(const struct prb_jtape *tp, size_t a)
{
  size_t n = 0;
  for(size_t i = prb_jt_child(tp, a); i != PRB_JT_NONE;
      i = prb_jt_next(tp, a, i))
    n++;
  return n;
}

/* Appends code point cp as UTF-8 to out (room for 4 more bytes given). */
static size_t put_cp(unsigned char *o, unsigned cp)
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

/* Decodes an escaped string (already checked) into out, at most cap bytes;
 * returns the full decoded length, *cut when it did not fit. Plain runs
 * are copied whole; only escapes are decoded one by one. */
static size_t decode(const struct prb_jtape *tp, const struct prb_jtok *t,
                     unsigned char *out, size_t cap, bool *cut)
{
  struct prb_jtape dummy;
  struct cur c = {&dummy, (const unsigned char *)tp->text,
                  (const unsigned char *)tp->text + t->start + 1,
                  (const unsigned char *)tp->text + t->end - 1, 0};
  size_t n = 0;
  dummy.err = NULL;
  while(c.p < c.e) {
    const unsigned char *bs = memchr(c.p, '\\', (size_t)(c.e - c.p));
    size_t run = (size_t)((bs ? bs : c.e) - c.p);
    if(out) {
      size_t room = n < cap ? cap - n : 0;
      memcpy(out + n, c.p, run < room ? run : room);
      if(run > room && cut)
        *cut = true;
    }
    n += run;
    c.p += run;
    if(!bs)
      break;
    unsigned char b[4];
    unsigned cp = 0;
    c.p++;
    escape(&c, &cp);
    size_t k = put_cp(b, cp);
    if(out && n + k <= cap)
      memcpy(out + n, b, k);
    else if(out && cut)
      *cut = true;
    n += k;
  }
  return n;
}

size_t prb_jt_strlen(const struct prb_jtape *tp, size_t i)
{
  if(prb_jt_type(tp, i) != PRB_JT_STRING || i == PRB_JT_NONE)
    return 0;
  const struct prb_jtok *t = &tp->t[i];
  if(!t->escaped)
    return t->end - t->start - 2;
  return decode(tp, t, NULL, 0, NULL);
}

size_t prb_jt_str(const struct prb_jtape *tp, size_t i, char *out,
                  size_t cap, bool *cut)
{
  size_t n;
  bool over = false;
  if(!cap)
    return 0;
  out[0] = '\0';
  if(i == PRB_JT_NONE || prb_jt_type(tp, i) != PRB_JT_STRING)
    return 0;
  const struct prb_jtok *t = &tp->t[i];
  if(!t->escaped) {
    n = t->end - t->start - 2;
    if(n > cap - 1) {
      n = prb_utf8_cut(tp->text + t->start + 1, n, cap - 1);
      over = true;
    }
    memcpy(out, tp->text + t->start + 1, n);
  } else {
    n = decode(tp, t, (unsigned char *)out, cap - 1, &over);
    if(over)
      n = prb_utf8_cut(out, cap - 1, cap - 1);
  }
  out[n] = '\0';
  if(cut)
    *cut = over;
  return n;
}

bool prb_jt_str_is(const struct prb_jtape *tp, size_t i, const char *s)
{
  if(i == PRB_JT_NONE || prb_jt_type(tp, i) != PRB_JT_STRING)
    return false;
  const struct prb_jtok *t = &tp->t[i];
  size_t n = strlen(s);
  if(!t->escaped)
    return t->end - t->start - 2 == n &&
           !memcmp(tp->text + t->start + 1, s, n);
  if(n > 256)
    return false;
  char buf[260];
  bool cut = false;
  size_t got = prb_jt_str(tp, i, buf, sizeof(buf), &cut);
  return !cut && got == n && !memcmp(buf, s, n);
}

size_t prb_jt_get(const struct prb_jtape *tp, size_t obj, const char *key)
{
  if(prb_jt_type(tp, obj) != PRB_JT_OBJECT || obj == PRB_JT_NONE)
    return PRB_JT_NONE;
  size_t n = strlen(key);
  for(size_t k = prb_jt_child(tp, obj); k != PRB_JT_NONE;
      k = prb_jt_next(tp, obj, k + 1)) {
    const struct prb_jtok *t = &tp->t[k];
    if(t->escaped ? prb_jt_str_is(tp, k, key)
                  : t->end - t->start - 2 == n &&
                    !memcmp(tp->text + t->start + 1, key, n))
      return k + 1;
  }
  return PRB_JT_NONE;
}

bool prb_jt_num(const struct prb_jtape *tp, size_t i, double *out)
{
  char buf[64];
  if(i == PRB_JT_NONE || prb_jt_type(tp, i) != PRB_JT_NUMBER)
    return false;
  size_t n = tp->t[i].end - tp->t[i].start;
  if(n >= sizeof(buf))
    return false;
  memcpy(buf, tp->text + tp->t[i].start, n);
  buf[n] = '\0';
  *out = strtod(buf, NULL);
  return true;
}

bool prb_jt_int(const struct prb_jtape *tp, size_t i, long long *out)
{
  double d;
  if(!prb_jt_num(tp, i, &d) || d != d || d < -9.0e15 || d > 9.0e15)
    return false;
  *out = (long long)d;
  return (double)*out == d;
}
