/* jtape.c: checking and indexing a JSON text in one pass (jtape.h). The
 * parse touches each byte once and writes one small token per value;
 * strings are checked where they lie and decoded only on request. */
#include "common/jtape.h"
#include "common/buf.h"
#include "common/jsonlex.h"
#include "common/textclean.h"

#include <stdlib.h>
#include <string.h>

struct cur {
  struct prb_jtape *tp;
  const unsigned char *s;       /* the text's first byte */
  struct prb_jlex l;
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
  return prb_jlex_fail(&c->l, why);
}

static void ws(struct cur *c)
{
  prb_jlex_ws(&c->l);
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
  t->start = (uint32_t)(c->l.p - c->s);
  t->type = (uint8_t)type;
  t->escaped = false;
  return tp->n++;
}

static void close_token(struct cur *c, size_t i)
{
  c->tp->t[i].end = (uint32_t)(c->l.p - c->s);
  c->tp->t[i].next = (uint32_t)c->tp->n;
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
  c->l.p++;
  for(;;) {
    const unsigned char *q = ascii_run(c->l.p, c->l.e), *plain = q;
    while(q < c->l.e && !stops[*q])
      q++;
    /* a run ends at a byte that never continues a UTF-8 sequence; its
     * ASCII head is valid already */
    if(!prb_utf8_valid(plain, (size_t)(q - plain)))
      return fail(c, "a string is not valid UTF-8");
    c->l.p = q;
    if(q >= c->l.e)
      return fail(c, "invalid JSON: unterminated string");
    if(*q == '"')
      break;
    if(*q < 0x20)
      return fail(c, "invalid JSON: control character in a string");
    unsigned cp;
    c->l.p++;
    c->tp->t[i].escaped = true;
    if(prb_jlex_escape(&c->l, &cp))
      return -1;
  }
  c->l.p++;
  close_token(c, i);
  return 0;
}

static int number(struct cur *c)
{
  size_t i = token(c, PRB_JT_NUMBER);
  if(i == PRB_JT_NONE || prb_jlex_number(&c->l))
    return -1;
  close_token(c, i);
  return 0;
}

static int literal(struct cur *c, const char *word, enum prb_jt_type type)
{
  size_t i = token(c, type);
  if(i == PRB_JT_NONE || prb_jlex_literal(&c->l, word))
    return -1;
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
  c->l.p++;
  ws(c);
  if(c->l.p < c->l.e && *c->l.p == close) {
    c->l.p++;
  } else {
    for(;;) {
      ws(c);
      if(object) {
        if(c->l.p >= c->l.e || *c->l.p != '"')
          return fail(c, "invalid JSON: expected a key");
        if(string(c))
          return -1;
        ws(c);
        if(c->l.p >= c->l.e || *c->l.p != ':')
          return fail(c, "invalid JSON: expected ':'");
        c->l.p++;
        ws(c);
      }
      if(value(c))
        return -1;
      ws(c);
      if(c->l.p >= c->l.e)
        return fail(c, object ? "invalid JSON: unterminated object"
                              : "invalid JSON: unterminated array");
      if(*c->l.p == close) {
        c->l.p++;
        break;
      }
      if(*c->l.p != ',')
        return fail(c, object ? "invalid JSON: expected ',' or '}'"
                              : "invalid JSON: expected ',' or ']'");
      c->l.p++;
    }
  }
  c->depth--;
  close_token(c, i);
  return 0;
}

static int value(struct cur *c)
{
  if(c->l.p >= c->l.e)
    return fail(c, "invalid JSON: missing value");
  switch(*c->l.p) {
  case '{': return container(c, true);
  case '[': return container(c, false);
  case '"': return string(c);
  case 't': return literal(c, "true", PRB_JT_TRUE);
  case 'f': return literal(c, "false", PRB_JT_FALSE);
  case 'n': return literal(c, "null", PRB_JT_NULL);
  default:
    if(*c->l.p == '-' || (*c->l.p >= '0' && *c->l.p <= '9'))
      return number(c);
    return fail(c, "invalid JSON: unexpected character");
  }
}

int prb_jtape_parse(struct prb_jtape *tp, const char *text, size_t len)
{
  const unsigned char *t = (const unsigned char *)text;
  struct cur c = {tp, t, {t, t + len, NULL}, 0};
  tp->text = text;
  tp->len = len;
  tp->n = 0;
  if(len >= UINT32_MAX) {
    fail(&c, "JSON text too long");
  } else {
    ws(&c);
    if(!value(&c)) {
      ws(&c);
      if(c.l.p != c.l.e)
        fail(&c, "invalid JSON: text after the value");
    }
  }
  tp->err = c.l.err;
  return tp->err ? -1 : 0;
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

/* Decodes an escaped string (already checked) into out, at most cap bytes;
 * returns the full decoded length, *cut when it did not fit. Plain runs
 * are copied whole; only escapes are decoded one by one. */
static size_t decode(const struct prb_jtape *tp, const struct prb_jtok *t,
                     unsigned char *out, size_t cap, bool *cut)
{
  struct prb_jlex l = {(const unsigned char *)tp->text + t->start + 1,
                       (const unsigned char *)tp->text + t->end - 1, NULL};
  size_t n = 0;
  while(l.p < l.e) {
    const unsigned char *bs = memchr(l.p, '\\', (size_t)(l.e - l.p));
    size_t run = (size_t)((bs ? bs : l.e) - l.p);
    if(out) {
      size_t room = n < cap ? cap - n : 0;
      if(room)
        memcpy(out + n, l.p, run < room ? run : room);
      if(run > room && cut)
        *cut = true;
    }
    n += run;
    l.p += run;
    if(!bs)
      break;
    unsigned char b[4];
    unsigned cp = 0;
    l.p++;
    prb_jlex_escape(&l, &cp);   /* checked by the parse */
    size_t k = prb_jlex_utf8(cp, b);
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
