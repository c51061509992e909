/* words.c: the language in use, and looking a sentence up in its table
 * (words_table.c). */
#include "volunteer/words.h"
#include "volunteer/onboard.h"
#include "volunteer/words_table.h"

#include <stdlib.h>
#include <string.h>

enum { EN, RU, KK };

static int lang = EN;

const char *prb_words_env_lang(void)
{
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for(size_t i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    if(!v || !*v)
      continue;
    if(!strncmp(v, "kk", 2))
      return "kk";
    if(!strncmp(v, "ru", 2))
      return "ru";
    return "en";
  }
  return "en";
}

void prb_words_use(const char *l)
{
  lang = l && !strcmp(l, "kk") ? KK : l && !strcmp(l, "ru") ? RU : EN;
}

void prb_words_use_for(const char *state_dir)
{
  char stored[8];
  if(state_dir && prb_onboard_stored_lang(state_dir, stored, sizeof(stored)))
    prb_words_use(stored);
  else
    prb_words_use(prb_words_env_lang());
}

const char *prb_words_lang(void)
{
  return lang == KK ? "kk" : lang == RU ? "ru" : "en";
}

static const struct prb_words_entry *find(const char *en)
{
  for(size_t i = 0; i < prb_words_table_n; i++)
    if(!strcmp(prb_words_table[i].en, en))
      return &prb_words_table[i];
  return NULL;
}

const char *prb_tr(const char *en)
{
  const struct prb_words_entry *e = lang == EN ? NULL : find(en);
  if(!e)
    return en;
  return lang == RU ? e->ru : e->kk;
}

/* Russian: 1, 21, 101 take the first form; 2-4, 22-24 the second; the
 * rest (5-20, 25-30, 11-14) the third. */
static int ru_form(unsigned long long n)
{
  if(n % 10 == 1 && n % 100 != 11)
    return 0;
  if(n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14))
    return 1;
  return 2;
}

const char *prb_trn(const char *one, const char *other, unsigned long long n)
{
  const struct prb_words_entry *e = lang == EN ? NULL : find(one);
  if(!e || !e->en_other)
    return n == 1 ? one : other;
  if(lang == KK)
    return e->kk;
  int f = ru_form(n);
  return f == 0 ? e->ru : f == 1 ? e->ru_few : e->ru_many;
}

const char *prb_words_verdict(enum prb_verdict v)
{
  switch((int)v) {
  case PRB_VERDICT_OK:
    return prb_tr("ok");
  case PRB_VERDICT_BLOCKED:
    return prb_tr("blocked");
  case PRB_VERDICT_THROTTLED:
    return prb_tr("throttled");
  case PRB_VERDICT_DOWN:
    return prb_tr("down");
  case PRB_VERDICT_PROBE_OFFLINE:
    return prb_tr("probe_offline");
  case PRB_VERDICT_INCONCLUSIVE:
    return prb_tr("inconclusive");
  default:
    return prb_tr("unclassified");
  }
}

const char *prb_words_status(const char *status)
{
  static const char *const known[] = {
    "running", "complete", "budget", "interrupted", "disk_full", "failed",
    "offline", "recovered"
  };
  for(size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    if(!strcmp(status, known[i]))
      return prb_tr(known[i]);
  return status;
}

size_t prb_words_width(const char *s)
{
  size_t w = 0;
  for(; *s; s++)
    if(((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

void prb_words_cell(FILE *out, const char *s, size_t width, bool right_align)
{
  size_t w = prb_words_width(s);
  if(w > width && width > 0) {
    /* width - 1 characters, then the ellipsis. */
    size_t keep = 0, chars = 0;
    while(s[keep] && chars < width - 1) {
      keep++;
      while(((unsigned char)s[keep] & 0xC0) == 0x80)
        keep++;
      chars++;
    }
    fprintf(out, "%.*s…", (int)keep, s);
    return;
  }
  if(right_align)
    fprintf(out, "%*s%s", (int)(width - w), "", s);
  else
    fprintf(out, "%s%*s", s, (int)(width - w), "");
}

bool prb_words_entry(size_t i, const char **en, const char **en_other,
                     const char *forms[4])
{
  if(i >= prb_words_table_n)
    return false;
  const struct prb_words_entry *e = &prb_words_table[i];
  *en = e->en;
  *en_other = e->en_other;
  forms[0] = e->ru;
  forms[1] = e->ru_few;
  forms[2] = e->ru_many;
  forms[3] = e->kk;
  return true;
}
