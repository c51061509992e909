/* report_i18n.h: the words of the Markdown and HTML reports in English,
 * Russian and Kazakh (Cyrillic), with CLDR plural rules: English and
 * Kazakh one/other, Russian one/few/many. Every string is static UTF-8
 * without markup. */
#ifndef PRB_REPORT_I18N_H
#define PRB_REPORT_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "report/report_count.h"

enum prb_lang { PRB_LANG_EN = 0, PRB_LANG_RU, PRB_LANG_KK, PRB_LANG_COUNT };

enum prb_plural { PRB_PLURAL_ONE = 0, PRB_PLURAL_FEW, PRB_PLURAL_MANY,
                  PRB_PLURAL_OTHER };

/* Counted nouns (the form a number takes in the sentences we build). */
enum prb_noun {
  PRB_N_SITE = 0,       /* nominative: "5 websites" / "5 сайтов" */
  PRB_N_SITE_ACC,       /* object of "measured" */
  PRB_N_MEASUREMENT,    /* nominative/accusative */
  PRB_N_NETWORK_LOC,    /* "on N networks" / "в N сетях" / "N желіде" */
  PRB_N_NETWORK,
  PRB_N_DAY,
  PRB_N_COUNT
};

enum prb_msg {
  PRB_M_TITLE = 0, PRB_M_PERIOD, PRB_M_SUMMARY, PRB_M_FIGURE, PRB_M_SITES,
  PRB_M_MEASUREMENTS, PRB_M_MEASURED, PRB_M_PROBLEMS, PRB_M_BLOCKED,
  PRB_M_CONFIRMED, PRB_M_UNCONFIRMED, PRB_M_BY_METHOD, PRB_M_THROTTLED,
  PRB_M_DOWN, PRB_M_INCONCLUSIVE, PRB_M_NETWORKS, PRB_M_BLOCKED_SITES,
  PRB_M_SITE, PRB_M_CATEGORY, PRB_M_NETWORK, PRB_M_METHOD, PRB_M_FIRST,
  PRB_M_LAST, PRB_M_DAYS_BLOCKED, PRB_M_WHERE, PRB_M_STATUS,
  PRB_M_SITE_NETWORK, PRB_M_GRID, PRB_M_LEGEND, PRB_M_NET_NAME,
  PRB_M_SITES_BLOCKED, PRB_M_RULE, PRB_M_S_NONE, PRB_M_S_NOVERDICT,
  PRB_M_S_OK, PRB_M_S_DOWN, PRB_M_S_ANOMALY, PRB_M_S_THROTTLED,
  PRB_M_S_BLOCKED, PRB_M_S_CONFIRMED, PRB_M_S_INCONCLUSIVE, PRB_M_YES,
  PRB_M_NO, PRB_M_SKIPPED, PRB_M_NONE_BLOCKED, PRB_M_DAY, PRB_M_SOURCES,
  PRB_M_GRID_PART,
  PRB_M_COUNT
};

/* "en", "ru", "kk" to *lang: 0, else -1. */
int prb_i18n_lang(const char *name, enum prb_lang *lang);
const char *prb_i18n_code(enum prb_lang lang);

enum prb_plural prb_i18n_plural(enum prb_lang lang, uint64_t n);

/* The noun's form for n (without the number). */
const char *prb_i18n_noun(enum prb_lang lang, enum prb_noun noun, uint64_t n);

const char *prb_i18n(enum prb_lang lang, enum prb_msg msg);

/* The period summary as one paragraph of plain text into out (truncated to
 * outlen, always terminated). from/to are "YYYY-MM-DD". */
void prb_i18n_summary(enum prb_lang lang, const struct prb_rep_totals *t,
                      const char *from, const char *to, char *out,
                      size_t outlen);

#endif
