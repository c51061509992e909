/* jsonspan.c: byte-level walks over valid JSON (see jsonspan.h). */
#include "common/jsonspan.h"

#include <string.h>

static bool blank(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t prb_json_compact(const char *in, size_t len, char *out)
{
  size_t n = 0;
  bool in_string = false, escaped = false;
  for(size_t i = 0; i < len; i++) {
    char c = in[i];
    if(in_string) {
      if(escaped)
        escaped = false;
      else if(c == '\\')
        escaped = true;
      else if(c == '"')
        in_string = false;
    } else if(c == '"') {
      in_string = true;
    } else if(blank(c)) {
      continue;
    }
    out[n++] = c;
  }
  return n;
}

/* The end of the string whose opening quote is at s[i]: the index after
 * its closing quote, or len when cut short. *esc tells whether it holds
 * an escape. */
static size_t string_end(const char *s, size_t len, size_t i, bool *esc)
{
  *esc = false;
  for(i++; i < len; i++) {
    if(s[i] == '\\') {
      *esc = true;
      i++;
    } else if(s[i] == '"') {
      return i + 1;
    }
  }
  return len;
}

static size_t skip_blank(const char *s, size_t len, size_t i)
{
  while(i < len && blank(s[i]))
    i++;
  return i;
}

/* The end of the value starting at s[i] (not a blank): strings, nested
 * brackets counted (strings inside skipped whole), or a scalar up to the
 * next ',', '}', ']' or blank. */
static size_t value_end(const char *s, size_t len, size_t i)
{
  bool esc;
  if(s[i] == '"')
    return string_end(s, len, i, &esc);
  if(s[i] == '{' || s[i] == '[') {
    size_t depth = 0;
    while(i < len) {
      char c = s[i];
      if(c == '"') {
        i = string_end(s, len, i, &esc);
        continue;
      }
      if(c == '{' || c == '[')
        depth++;
      else if((c == '}' || c == ']') && --depth == 0)
        return i + 1;
      i++;
    }
    return len;
  }
  while(i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && !blank(s[i]))
    i++;
  return i;
}

void prb_json_iter_init(struct prb_json_iter *it, const char *s, size_t len)
{
  it->s = s;
  it->len = len;
  it->i = 0;
  it->started = false;
}

enum prb_json_member_rc prb_json_next(struct prb_json_iter *it,
                                      struct prb_json_member *m)
{
  const char *s = it->s;
  size_t len = it->len, i = skip_blank(s, len, it->i);
  bool esc;
  if(!it->started) {
    if(i >= len || s[i] != '{')
      return PRB_JSON_MEMBER_BAD;
    it->started = true;
    i = skip_blank(s, len, i + 1);
    if(i < len && s[i] == '}') {
      it->i = i;
      return PRB_JSON_MEMBER_END;
    }
  } else {
    if(i < len && s[i] == '}')
      return PRB_JSON_MEMBER_END;
    if(i >= len || s[i] != ',')
      return PRB_JSON_MEMBER_BAD;
    i = skip_blank(s, len, i + 1);
  }
  if(i >= len || s[i] != '"')
    return PRB_JSON_MEMBER_BAD;
  size_t kend = string_end(s, len, i, &esc);
  if(kend >= len)
    return PRB_JSON_MEMBER_BAD;
  if(esc)
    return PRB_JSON_MEMBER_ESCAPED;
  m->key = i + 1;
  m->key_end = kend - 1;
  i = skip_blank(s, len, kend);
  if(i >= len || s[i] != ':')
    return PRB_JSON_MEMBER_BAD;
  i = skip_blank(s, len, i + 1);
  if(i >= len)
    return PRB_JSON_MEMBER_BAD;
  size_t vend = value_end(s, len, i);
  if(vend >= len)
    return PRB_JSON_MEMBER_BAD;   /* the object's '}' must still follow */
  m->value = i;
  m->value_end = vend;
  it->i = vend;
  return PRB_JSON_MEMBER_FOUND;
}

enum prb_json_member_rc prb_json_member(const char *obj, size_t len,
                                        const char *key, size_t *start,
                                        size_t *end)
{
  size_t klen = strlen(key);
  struct prb_json_iter it;
  struct prb_json_member m;
  enum prb_json_member_rc rc;
  bool found = false;
  prb_json_iter_init(&it, obj, len);
  while((rc = prb_json_next(&it, &m)) == PRB_JSON_MEMBER_FOUND)
    if(m.key_end - m.key == klen && !memcmp(obj + m.key, key, klen)) {
      *start = m.value;
      *end = m.value_end;
      found = true;
    }
  if(rc != PRB_JSON_MEMBER_END)
    return rc;
  return found ? PRB_JSON_MEMBER_FOUND : PRB_JSON_MEMBER_END;
}
