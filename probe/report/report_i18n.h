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
  PRB_M_GRID_PART, PRB_M_CATEGORIES, PRB_M_OTHER_PROBLEMS, PRB_M_ACCESSIBLE,
  PRB_M_CHANGE, PRB_M_THIS_PERIOD, PRB_M_PREV_PERIOD, PRB_M_DIFF,
  PRB_M_NEWLY_BLOCKED, PRB_M_NO_LONGER_BLOCKED, PRB_M_NOT_MEASURED_NOW,
  PRB_M_NETS_BLOCKING, PRB_M_CHART, PRB_M_CHART_NOTE, PRB_M_UNKNOWN_NET,
  PRB_M_NAMES_NOTE, PRB_M_NONE_THIS_NET, PRB_M_CONFIRMED_HEAD,
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
 * outlen, always terminated). from/to are dates (prb_i18n_date). */
void prb_i18n_summary(enum prb_lang lang, const struct prb_rep_totals *t,
                      const char *from, const char *to, char *out,
                      size_t outlen);

/* ---- terms and dates (report_i18n_terms.c) ------------------------------ */

/* A Citizen Lab category code in words ("POLR": "Political Criticism",
 * "Политическая критика", "Саяси сын"); an unknown code as it is, "" as
 * the words for "no category". */
const char *prb_i18n_category(enum prb_lang lang, const char *code);

/* How a site was blocked, in words ("TLS handshake"). */
const char *prb_i18n_method(enum prb_lang lang, enum prb_method m);

/* A day in the language's date form: 2024-02-05 (en, ISO 8601: no
 * month/day ambiguity for an international reader), 05.02.2024 (ru, kk). */
void prb_i18n_date(enum prb_lang lang, int32_t day, char *out, size_t outlen);

/* The month of day with its year: "February 2024", "февраль 2024",
 * "2024 ж. ақпан". */
void prb_i18n_month(enum prb_lang lang, int32_t day, char *out,
                    size_t outlen);

/* Why a report has no website to show (t->measured.sites == 0), with a
 * hint: nothing in the files, nothing in this period (the dates the files
 * hold, and a --month for the last of them), nothing the filters kept, or
 * only measurements made while the probe was offline. */
void prb_i18n_no_data(enum prb_lang lang, const struct prb_rep_totals *t,
                      char *out, size_t outlen);

#endif
