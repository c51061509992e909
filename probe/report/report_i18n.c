/* report_i18n.c: the report's words in en, ru, kk and the plural rules
 * that pick a noun's form (CLDR: en and kk one/other; ru one/few/many).
 * Kazakh nouns stay singular after numerals, so its two forms agree. */
#include "report/report_i18n.h"

#include <stdio.h>
#include <string.h>

int prb_i18n_lang(const char *name, enum prb_lang *lang)
{
  static const char *const codes[PRB_LANG_COUNT] = {"en", "ru", "kk"};
  for(int i = 0; i < PRB_LANG_COUNT; i++)
    if(!strcmp(name, codes[i])) {
      *lang = (enum prb_lang)i;
      return 0;
    }
  return -1;
}

const char *prb_i18n_code(enum prb_lang lang)
{
  return lang == PRB_LANG_RU ? "ru" : lang == PRB_LANG_KK ? "kk" : "en";
}

enum prb_plural prb_i18n_plural(enum prb_lang lang, uint64_t n)
{
  if(lang == PRB_LANG_RU) {
    uint64_t d = n % 10, h = n % 100;
    if(d == 1 && h != 11)
      return PRB_PLURAL_ONE;
    if(d >= 2 && d <= 4 && (h < 12 || h > 14))
      return PRB_PLURAL_FEW;
    return PRB_PLURAL_MANY;
  }
  return n == 1 ? PRB_PLURAL_ONE : PRB_PLURAL_OTHER;
}

/* [lang][noun][one, few, many, other] */
static const char *const nouns[PRB_LANG_COUNT][PRB_N_COUNT][4] = {
  [PRB_LANG_EN] = {
    [PRB_N_SITE] = {"website", NULL, NULL, "websites"},
    [PRB_N_SITE_ACC] = {"website", NULL, NULL, "websites"},
    [PRB_N_MEASUREMENT] = {"measurement", NULL, NULL, "measurements"},
    [PRB_N_NETWORK_LOC] = {"network", NULL, NULL, "networks"},
    [PRB_N_NETWORK] = {"network", NULL, NULL, "networks"},
    [PRB_N_DAY] = {"day", NULL, NULL, "days"},
  },
  [PRB_LANG_RU] = {
    [PRB_N_SITE] = {"сайт", "сайта", "сайтов", NULL},
    [PRB_N_SITE_ACC] = {"сайт", "сайта", "сайтов", NULL},
    [PRB_N_MEASUREMENT] = {"измерение", "измерения", "измерений", NULL},
    [PRB_N_NETWORK_LOC] = {"сети", "сетях", "сетях", NULL},
    [PRB_N_NETWORK] = {"сеть", "сети", "сетей", NULL},
    [PRB_N_DAY] = {"день", "дня", "дней", NULL},
  },
  [PRB_LANG_KK] = {
    [PRB_N_SITE] = {"сайт", NULL, NULL, "сайт"},
    [PRB_N_SITE_ACC] = {"сайтты", NULL, NULL, "сайтты"},
    [PRB_N_MEASUREMENT] = {"өлшем", NULL, NULL, "өлшем"},
    [PRB_N_NETWORK_LOC] = {"желіде", NULL, NULL, "желіде"},
    [PRB_N_NETWORK] = {"желі", NULL, NULL, "желі"},
    [PRB_N_DAY] = {"күн", NULL, NULL, "күн"},
  },
};

const char *prb_i18n_noun(enum prb_lang lang, enum prb_noun noun, uint64_t n)
{
  if((unsigned)lang >= PRB_LANG_COUNT || (unsigned)noun >= PRB_N_COUNT)
    return "";
  const char *s = nouns[lang][noun][prb_i18n_plural(lang, n)];
  return s ? s : "";
}

static const char *const msgs[PRB_LANG_COUNT][PRB_M_COUNT] = {
  [PRB_LANG_EN] = {
    [PRB_M_TITLE] = "Access to media websites",
    [PRB_M_PERIOD] = "Period (UTC)",
    [PRB_M_SUMMARY] = "Summary",
    [PRB_M_FIGURE] = "Figure",
    [PRB_M_SITES] = "Websites",
    [PRB_M_MEASUREMENTS] = "Measurements",
    [PRB_M_MEASURED] = "Media websites measured",
    [PRB_M_PROBLEMS] = "Websites with access problems",
    [PRB_M_BLOCKED] = "Blocked",
    [PRB_M_CONFIRMED] = "confirmed",
    [PRB_M_UNCONFIRMED] = "not confirmed",
    [PRB_M_BY_METHOD] = "blocked by",
    [PRB_M_THROTTLED] = "Throttled",
    [PRB_M_DOWN] = "Down everywhere (outage or attack)",
    [PRB_M_INCONCLUSIVE] = "Inconclusive",
    [PRB_M_NETWORKS] = "Networks (ASN) covered",
    [PRB_M_BLOCKED_SITES] = "Blocked websites",
    [PRB_M_SITE] = "Website",
    [PRB_M_CATEGORY] = "Category",
    [PRB_M_NETWORK] = "Network",
    [PRB_M_METHOD] = "Method",
    [PRB_M_FIRST] = "First day blocked",
    [PRB_M_LAST] = "Last day blocked",
    [PRB_M_DAYS_BLOCKED] = "Days blocked",
    [PRB_M_WHERE] = "Blocked on",
    [PRB_M_STATUS] = "Status",
    [PRB_M_SITE_NETWORK] = "Websites by network",
    [PRB_M_GRID] = "Website × day",
    [PRB_M_LEGEND] = "Legend",
    [PRB_M_NET_NAME] = "Name",
    [PRB_M_SITES_BLOCKED] = "Websites blocked",
    [PRB_M_RULE] = "A website counts as blocked on a network on a day when "
      "a strict majority of that day's conclusive measurements there say "
      "blocked, and enough of them do (the number below) or one is "
      "confirmed by a fingerprint (blockpage, DNS answer or interception "
      "certificate). Days are UTC; a website is the URL's host without "
      "\"www.\". Measurements needed:",
    [PRB_M_S_NONE] = "not measured",
    [PRB_M_S_NOVERDICT] = "no verdict",
    [PRB_M_S_OK] = "accessible",
    [PRB_M_S_DOWN] = "down",
    [PRB_M_S_ANOMALY] = "anomaly",
    [PRB_M_S_THROTTLED] = "throttled",
    [PRB_M_S_BLOCKED] = "blocked",
    [PRB_M_S_CONFIRMED] = "blocked, confirmed",
    [PRB_M_S_INCONCLUSIVE] = "inconclusive",
    [PRB_M_YES] = "yes",
    [PRB_M_NO] = "no",
    [PRB_M_SKIPPED] = "Malformed lines skipped",
    [PRB_M_NONE_BLOCKED] = "No website was blocked in this period.",
    [PRB_M_DAY] = "Day",
    [PRB_M_SOURCES] = "Every figure rests on measurements listed in the "
      "JSON output (--format json): file and line, report_id and input.",
    [PRB_M_GRID_PART] = "The grid shows only the last days with data; the "
      "figures and tables cover the whole period",
  },
  [PRB_LANG_RU] = {
    [PRB_M_TITLE] = "Доступ к сайтам СМИ",
    [PRB_M_PERIOD] = "Период (UTC)",
    [PRB_M_SUMMARY] = "Итоги",
    [PRB_M_FIGURE] = "Показатель",
    [PRB_M_SITES] = "Сайты",
    [PRB_M_MEASUREMENTS] = "Измерения",
    [PRB_M_MEASURED] = "Проверено сайтов СМИ",
    [PRB_M_PROBLEMS] = "Сайты с проблемами доступа",
    [PRB_M_BLOCKED] = "Заблокированы",
    [PRB_M_CONFIRMED] = "подтверждено",
    [PRB_M_UNCONFIRMED] = "не подтверждено",
    [PRB_M_BY_METHOD] = "способ блокировки",
    [PRB_M_THROTTLED] = "Замедлены",
    [PRB_M_DOWN] = "Недоступны отовсюду (сбой или атака)",
    [PRB_M_INCONCLUSIVE] = "Результат неясен",
    [PRB_M_NETWORKS] = "Охвачено сетей (ASN)",
    [PRB_M_BLOCKED_SITES] = "Заблокированные сайты",
    [PRB_M_SITE] = "Сайт",
    [PRB_M_CATEGORY] = "Категория",
    [PRB_M_NETWORK] = "Сеть",
    [PRB_M_METHOD] = "Способ",
    [PRB_M_FIRST] = "Первый день блокировки",
    [PRB_M_LAST] = "Последний день блокировки",
    [PRB_M_DAYS_BLOCKED] = "Дней блокировки",
    [PRB_M_WHERE] = "Где заблокирован",
    [PRB_M_STATUS] = "Статус",
    [PRB_M_SITE_NETWORK] = "Сайты по сетям",
    [PRB_M_GRID] = "Сайт × день",
    [PRB_M_LEGEND] = "Обозначения",
    [PRB_M_NET_NAME] = "Название",
    [PRB_M_SITES_BLOCKED] = "Заблокировано сайтов",
    [PRB_M_RULE] = "Сайт считается заблокированным в сети в данный день, "
      "если строгое большинство результативных измерений этого дня в этой "
      "сети показывают блокировку и таких измерений достаточно (число ниже) "
      "либо одно из них подтверждено отпечатком (страница блокировки, ответ "
      "DNS или сертификат перехвата). Дни считаются по UTC; сайт — это хост "
      "URL без «www.». Нужно измерений:",
    [PRB_M_S_NONE] = "нет измерений",
    [PRB_M_S_NOVERDICT] = "нет вывода",
    [PRB_M_S_OK] = "доступен",
    [PRB_M_S_DOWN] = "не работает",
    [PRB_M_S_ANOMALY] = "аномалия",
    [PRB_M_S_THROTTLED] = "замедлен",
    [PRB_M_S_BLOCKED] = "заблокирован",
    [PRB_M_S_CONFIRMED] = "заблокирован, подтверждено",
    [PRB_M_S_INCONCLUSIVE] = "неясно",
    [PRB_M_YES] = "да",
    [PRB_M_NO] = "нет",
    [PRB_M_SKIPPED] = "Пропущено некорректных строк",
    [PRB_M_NONE_BLOCKED] = "В этот период заблокированных сайтов не "
      "выявлено.",
    [PRB_M_DAY] = "День",
    [PRB_M_SOURCES] = "Каждая цифра опирается на измерения, перечисленные "
      "в выводе JSON (--format json): файл и строка, report_id и input.",
    [PRB_M_GRID_PART] = "Сетка показывает только последние дни с данными; "
      "цифры и таблицы охватывают весь период",
  },
  [PRB_LANG_KK] = {
    [PRB_M_TITLE] = "БАҚ сайттарына қолжетімділік",
    [PRB_M_PERIOD] = "Кезең (UTC)",
    [PRB_M_SUMMARY] = "Қорытынды",
    [PRB_M_FIGURE] = "Көрсеткіш",
    [PRB_M_SITES] = "Сайттар",
    [PRB_M_MEASUREMENTS] = "Өлшемдер",
    [PRB_M_MEASURED] = "Тексерілген БАҚ сайттары",
    [PRB_M_PROBLEMS] = "Қолжетімділік проблемасы бар сайттар",
    [PRB_M_BLOCKED] = "Бұғатталған",
    [PRB_M_CONFIRMED] = "расталған",
    [PRB_M_UNCONFIRMED] = "расталмаған",
    [PRB_M_BY_METHOD] = "бұғаттау тәсілі",
    [PRB_M_THROTTLED] = "Баяулатылған",
    [PRB_M_DOWN] = "Барлық жерден қолжетімсіз (іркіліс немесе шабуыл)",
    [PRB_M_INCONCLUSIVE] = "Нәтижесі анық емес",
    [PRB_M_NETWORKS] = "Қамтылған желілер (ASN)",
    [PRB_M_BLOCKED_SITES] = "Бұғатталған сайттар",
    [PRB_M_SITE] = "Сайт",
    [PRB_M_CATEGORY] = "Санат",
    [PRB_M_NETWORK] = "Желі",
    [PRB_M_METHOD] = "Тәсіл",
    [PRB_M_FIRST] = "Бұғатталған алғашқы күн",
    [PRB_M_LAST] = "Бұғатталған соңғы күн",
    [PRB_M_DAYS_BLOCKED] = "Бұғатталған күндер",
    [PRB_M_WHERE] = "Бұғатталған желілер",
    [PRB_M_STATUS] = "Күйі",
    [PRB_M_SITE_NETWORK] = "Желілер бойынша сайттар",
    [PRB_M_GRID] = "Сайт × күн",
    [PRB_M_LEGEND] = "Шартты белгілер",
    [PRB_M_NET_NAME] = "Атауы",
    [PRB_M_SITES_BLOCKED] = "Бұғатталған сайттар саны",
    [PRB_M_RULE] = "Егер сол күнгі сол желідегі нәтижелі өлшемдердің басым "
      "көпшілігі бұғаттауды көрсетсе және ондай өлшемдер жеткілікті болса "
      "(саны төменде) не біреуі белгі арқылы расталса (бұғаттау беті, DNS "
      "жауабы немесе ұстап алу сертификаты), сайт сол күні сол желіде "
      "бұғатталған деп саналады. Күндер UTC бойынша; сайт — URL хосты, "
      "«www.» алынып тасталады. Қажетті өлшем саны:",
    [PRB_M_S_NONE] = "өлшенбеген",
    [PRB_M_S_NOVERDICT] = "қорытынды жоқ",
    [PRB_M_S_OK] = "қолжетімді",
    [PRB_M_S_DOWN] = "істемейді",
    [PRB_M_S_ANOMALY] = "аномалия",
    [PRB_M_S_THROTTLED] = "баяулатылған",
    [PRB_M_S_BLOCKED] = "бұғатталған",
    [PRB_M_S_CONFIRMED] = "бұғатталған, расталған",
    [PRB_M_S_INCONCLUSIVE] = "анық емес",
    [PRB_M_YES] = "иә",
    [PRB_M_NO] = "жоқ",
    [PRB_M_SKIPPED] = "Өткізіп жіберілген қате жолдар",
    [PRB_M_NONE_BLOCKED] = "Бұл кезеңде бұғатталған сайт анықталмады.",
    [PRB_M_DAY] = "Күн",
    [PRB_M_SOURCES] = "Әр көрсеткіш JSON шығысында (--format json) "
      "көрсетілген өлшемдерге негізделеді: файл мен жол, report_id және "
      "input.",
    [PRB_M_GRID_PART] = "Торда деректері бар соңғы күндер ғана көрсетілген; "
      "көрсеткіштер мен кестелер бүкіл кезеңді қамтиды",
  },
};

const char *prb_i18n(enum prb_lang lang, enum prb_msg msg)
{
  if((unsigned)lang >= PRB_LANG_COUNT || (unsigned)msg >= PRB_M_COUNT)
    return "";
  const char *s = msgs[lang][msg];
  return s ? s : msgs[PRB_LANG_EN][msg] ? msgs[PRB_LANG_EN][msg] : "";
}

#define U(x) ((unsigned long long)(x))

void prb_i18n_summary(enum prb_lang lang, const struct prb_rep_totals *t,
                      const char *from, const char *to, char *out,
                      size_t outlen)
{
  uint64_t n = t->measured.sites, m = t->measured.measurements;
  uint32_t k = t->networks;
  uint64_t p = t->problems.sites;
  switch(lang) {
  case PRB_LANG_RU:
    snprintf(out, outlen,
             "С %s по %s (UTC) accessprobe проверил %llu %s в %lu %s "
             "(%llu %s). Проблемы с доступом: %llu %s; из них "
             "заблокированы — %llu (подтверждено отпечатком — %llu), "
             "замедлены — %llu, недоступны отовсюду (сбой или атака, не "
             "блокировка) — %llu, результат неясен — %llu.",
             from, to, U(n), prb_i18n_noun(lang, PRB_N_SITE_ACC, n),
             (unsigned long)k, prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k),
             U(m), prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             prb_i18n_noun(lang, PRB_N_SITE, p), U(t->blocked.sites),
             U(t->blocked_confirmed.sites), U(t->throttled.sites),
             U(t->down.sites), U(t->inconclusive.sites));
    break;
  case PRB_LANG_KK:
    snprintf(out, outlen,
             "%s – %s (UTC) аралығында accessprobe %lu %s %llu %s "
             "тексерді (%llu %s). Қолжетімділік проблемасы бар сайттар: "
             "%llu; оның ішінде бұғатталғаны — %llu (белгімен расталғаны — "
             "%llu), баяулатылғаны — %llu, барлық жерден қолжетімсізі "
             "(іркіліс немесе шабуыл, бұғаттау емес) — %llu, нәтижесі анық "
             "еместері — %llu.",
             from, to, (unsigned long)k,
             prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k), U(n),
             prb_i18n_noun(lang, PRB_N_SITE_ACC, n), U(m),
             prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             U(t->blocked.sites), U(t->blocked_confirmed.sites),
             U(t->throttled.sites), U(t->down.sites),
             U(t->inconclusive.sites));
    break;
  default:
    snprintf(out, outlen,
             "From %s to %s (UTC), accessprobe measured %llu %s on %lu %s "
             "(%llu %s). %llu %s had access problems: %llu blocked (%llu "
             "confirmed by a fingerprint), %llu throttled, %llu down "
             "everywhere (an outage or attack, not blocking), %llu "
             "inconclusive.",
             from, to, U(n), prb_i18n_noun(lang, PRB_N_SITE_ACC, n),
             (unsigned long)k, prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k),
             U(m), prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             prb_i18n_noun(lang, PRB_N_SITE, p), U(t->blocked.sites),
             U(t->blocked_confirmed.sites), U(t->throttled.sites),
             U(t->down.sites), U(t->inconclusive.sites));
    break;
  }
}
