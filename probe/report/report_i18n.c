/* report_i18n.c: the report's words in en, ru, kk and the plural rules
 * that pick a noun's form (CLDR: en and kk one/other; ru one/few/many).
 * Kazakh nouns stay singular after numerals, so its two forms agree. */
#include "report/report_i18n.h"

#include <stdbool.h>
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
    [PRB_N_MEASUREMENT] = {"өлшеу", NULL, NULL, "өлшеу"},
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

/* Each message in English, Russian and Kazakh, side by side. */
static const char *const msgs[PRB_M_COUNT][PRB_LANG_COUNT] = {
  [PRB_M_TITLE] = {
    [PRB_LANG_EN] = "Access to media websites",
    [PRB_LANG_RU] = "Доступ к сайтам СМИ",
    [PRB_LANG_KK] = "БАҚ сайттарына қолжетімділік",
  },
  [PRB_M_PERIOD] = {
    [PRB_LANG_EN] = "Period (UTC)",
    [PRB_LANG_RU] = "Период (UTC)",
    [PRB_LANG_KK] = "Кезең (UTC)",
  },
  [PRB_M_SUMMARY] = {
    [PRB_LANG_EN] = "Summary",
    [PRB_LANG_RU] = "Итоги",
    [PRB_LANG_KK] = "Қорытынды",
  },
  [PRB_M_FIGURE] = {
    [PRB_LANG_EN] = "Figure",
    [PRB_LANG_RU] = "Показатель",
    [PRB_LANG_KK] = "Көрсеткіш",
  },
  [PRB_M_SITES] = {
    [PRB_LANG_EN] = "Websites",
    [PRB_LANG_RU] = "Сайты",
    [PRB_LANG_KK] = "Сайттар",
  },
  [PRB_M_MEASUREMENTS] = {
    [PRB_LANG_EN] = "Measurements",
    [PRB_LANG_RU] = "Измерения",
    [PRB_LANG_KK] = "Өлшеулер",
  },
  [PRB_M_MEASURED] = {
    [PRB_LANG_EN] = "Media websites measured",
    [PRB_LANG_RU] = "Проверено сайтов СМИ",
    [PRB_LANG_KK] = "Тексерілген БАҚ сайттары",
  },
  [PRB_M_PROBLEMS] = {
    [PRB_LANG_EN] = "Websites with access problems",
    [PRB_LANG_RU] = "Сайты с проблемами доступа",
    [PRB_LANG_KK] = "Қолжетімділік проблемасы бар сайттар",
  },
  [PRB_M_BLOCKED] = {
    [PRB_LANG_EN] = "Blocked",
    [PRB_LANG_RU] = "Заблокированы",
    [PRB_LANG_KK] = "Бұғатталған",
  },
  [PRB_M_CONFIRMED] = {
    [PRB_LANG_EN] = "confirmed",
    [PRB_LANG_RU] = "подтверждено",
    [PRB_LANG_KK] = "расталған",
  },
  [PRB_M_UNCONFIRMED] = {
    [PRB_LANG_EN] = "not confirmed",
    [PRB_LANG_RU] = "не подтверждено",
    [PRB_LANG_KK] = "расталмаған",
  },
  [PRB_M_BY_METHOD] = {
    [PRB_LANG_EN] = "blocked by",
    [PRB_LANG_RU] = "способ блокировки",
    [PRB_LANG_KK] = "бұғаттау тәсілі",
  },
  [PRB_M_THROTTLED] = {
    [PRB_LANG_EN] = "Throttled",
    [PRB_LANG_RU] = "Замедлены",
    [PRB_LANG_KK] = "Баяулатылған",
  },
  [PRB_M_DOWN] = {
    [PRB_LANG_EN] = "Down everywhere (outage or attack)",
    [PRB_LANG_RU] = "Недоступны отовсюду (сбой или атака)",
    [PRB_LANG_KK] = "Барлық жерден қолжетімсіз (іркіліс немесе шабуыл)",
  },
  [PRB_M_INCONCLUSIVE] = {
    [PRB_LANG_EN] = "Inconclusive",
    [PRB_LANG_RU] = "Результат неясен",
    [PRB_LANG_KK] = "Нәтижесі анық емес",
  },
  [PRB_M_NETWORKS] = {
    [PRB_LANG_EN] = "Networks (ASN) covered",
    [PRB_LANG_RU] = "Охвачено сетей (ASN)",
    [PRB_LANG_KK] = "Қамтылған желілер (ASN)",
  },
  [PRB_M_BLOCKED_SITES] = {
    [PRB_LANG_EN] = "Blocked websites",
    [PRB_LANG_RU] = "Заблокированные сайты",
    [PRB_LANG_KK] = "Бұғатталған сайттар",
  },
  [PRB_M_SITE] = {
    [PRB_LANG_EN] = "Website",
    [PRB_LANG_RU] = "Сайт",
    [PRB_LANG_KK] = "Сайт",
  },
  [PRB_M_CATEGORY] = {
    [PRB_LANG_EN] = "Category",
    [PRB_LANG_RU] = "Категория",
    [PRB_LANG_KK] = "Санат",
  },
  [PRB_M_NETWORK] = {
    [PRB_LANG_EN] = "Network",
    [PRB_LANG_RU] = "Сеть",
    [PRB_LANG_KK] = "Желі",
  },
  [PRB_M_METHOD] = {
    [PRB_LANG_EN] = "Method",
    [PRB_LANG_RU] = "Способ",
    [PRB_LANG_KK] = "Тәсіл",
  },
  [PRB_M_FIRST] = {
    [PRB_LANG_EN] = "First day blocked",
    [PRB_LANG_RU] = "Первый день блокировки",
    [PRB_LANG_KK] = "Бұғатталған алғашқы күн",
  },
  [PRB_M_LAST] = {
    [PRB_LANG_EN] = "Last day blocked",
    [PRB_LANG_RU] = "Последний день блокировки",
    [PRB_LANG_KK] = "Бұғатталған соңғы күн",
  },
  [PRB_M_DAYS_BLOCKED] = {
    [PRB_LANG_EN] = "Days blocked",
    [PRB_LANG_RU] = "Дней блокировки",
    [PRB_LANG_KK] = "Бұғатталған күн саны",
  },
  [PRB_M_WHERE] = {
    [PRB_LANG_EN] = "Blocked on",
    [PRB_LANG_RU] = "Где заблокирован",
    [PRB_LANG_KK] = "Қай желілерде бұғатталған",
  },
  [PRB_M_STATUS] = {
    [PRB_LANG_EN] = "Status",
    [PRB_LANG_RU] = "Статус",
    [PRB_LANG_KK] = "Күйі",
  },
  [PRB_M_SITE_NETWORK] = {
    [PRB_LANG_EN] = "Websites by network",
    [PRB_LANG_RU] = "Сайты по сетям",
    [PRB_LANG_KK] = "Желілер бойынша сайттар",
  },
  [PRB_M_GRID] = {
    [PRB_LANG_EN] = "Website × day",
    [PRB_LANG_RU] = "Сайт × день",
    [PRB_LANG_KK] = "Сайт × күн",
  },
  [PRB_M_LEGEND] = {
    [PRB_LANG_EN] = "Legend",
    [PRB_LANG_RU] = "Обозначения",
    [PRB_LANG_KK] = "Шартты белгілер",
  },
  [PRB_M_NET_NAME] = {
    [PRB_LANG_EN] = "Name",
    [PRB_LANG_RU] = "Название",
    [PRB_LANG_KK] = "Атауы",
  },
  [PRB_M_SITES_BLOCKED] = {
    [PRB_LANG_EN] = "Websites blocked",
    [PRB_LANG_RU] = "Заблокировано сайтов",
    [PRB_LANG_KK] = "Бұғатталған сайттар саны",
  },
  [PRB_M_RULE] = {
    [PRB_LANG_EN] = "A website counts as blocked on a network on a day when "
      "more than half of that day's conclusive measurements there say "
      "blocked, and enough of them do (the number below) or one is "
      "confirmed by a fingerprint (blockpage, DNS answer or interception "
      "certificate). Days are UTC; a website is the URL's host without "
      "\"www.\". Measurements needed:",
    [PRB_LANG_RU] = "Сайт считается заблокированным в сети в данный день, "
      "если больше половины измерений с определённым результатом за этот "
      "день в этой сети показывает блокировку и таких измерений достаточно "
      "(число ниже) либо одно из них подтверждено сигнатурой блокировки "
      "(страница блокировки, ответ DNS или сертификат перехвата). Дни "
      "считаются по UTC; сайт — это хост URL без «www.». Нужно измерений:",
    [PRB_LANG_KK] = "Егер сол күнгі сол желідегі нақты нәтиже берген "
      "өлшеулердің жартысынан көбі бұғаттауды көрсетсе және ондай өлшеулер "
      "жеткілікті болса (саны төменде) не біреуі бұғаттау сигнатурасы "
      "арқылы расталса (бұғаттау беті, DNS жауабы немесе ұстап алу "
      "сертификаты), сайт сол күні сол желіде бұғатталған деп саналады. "
      "Күндер UTC бойынша; сайт — URL хосты, «www.» алынып тасталады. "
      "Қажетті өлшеу саны:",
  },
  [PRB_M_S_NONE] = {
    [PRB_LANG_EN] = "not measured",
    [PRB_LANG_RU] = "нет измерений",
    [PRB_LANG_KK] = "өлшенбеген",
  },
  [PRB_M_S_NOVERDICT] = {
    [PRB_LANG_EN] = "no verdict",
    [PRB_LANG_RU] = "нет заключения",
    [PRB_LANG_KK] = "қорытынды жоқ",
  },
  [PRB_M_S_OK] = {
    [PRB_LANG_EN] = "accessible",
    [PRB_LANG_RU] = "доступен",
    [PRB_LANG_KK] = "қолжетімді",
  },
  [PRB_M_S_DOWN] = {
    [PRB_LANG_EN] = "down",
    [PRB_LANG_RU] = "не работает",
    [PRB_LANG_KK] = "жұмыс істемейді",
  },
  [PRB_M_S_ANOMALY] = {
    [PRB_LANG_EN] = "anomaly",
    [PRB_LANG_RU] = "аномалия",
    [PRB_LANG_KK] = "аномалия",
  },
  [PRB_M_S_THROTTLED] = {
    [PRB_LANG_EN] = "throttled",
    [PRB_LANG_RU] = "замедлен",
    [PRB_LANG_KK] = "баяулатылған",
  },
  [PRB_M_S_BLOCKED] = {
    [PRB_LANG_EN] = "blocked",
    [PRB_LANG_RU] = "заблокирован",
    [PRB_LANG_KK] = "бұғатталған",
  },
  [PRB_M_S_CONFIRMED] = {
    [PRB_LANG_EN] = "blocked, confirmed",
    [PRB_LANG_RU] = "заблокирован, подтверждено",
    [PRB_LANG_KK] = "бұғатталған, расталған",
  },
  [PRB_M_S_INCONCLUSIVE] = {
    [PRB_LANG_EN] = "inconclusive",
    [PRB_LANG_RU] = "неясно",
    [PRB_LANG_KK] = "анық емес",
  },
  [PRB_M_YES] = {
    [PRB_LANG_EN] = "yes",
    [PRB_LANG_RU] = "да",
    [PRB_LANG_KK] = "иә",
  },
  [PRB_M_NO] = {
    [PRB_LANG_EN] = "no",
    [PRB_LANG_RU] = "нет",
    [PRB_LANG_KK] = "жоқ",
  },
  [PRB_M_SKIPPED] = {
    [PRB_LANG_EN] = "Malformed lines skipped",
    [PRB_LANG_RU] = "Пропущено некорректных строк",
    [PRB_LANG_KK] = "Өткізіп жіберілген қате жолдар",
  },
  [PRB_M_NONE_BLOCKED] = {
    [PRB_LANG_EN] = "No website was blocked in this period.",
    [PRB_LANG_RU] = "В этот период заблокированных сайтов не "
      "выявлено.",
    [PRB_LANG_KK] = "Бұл кезеңде бұғатталған сайт анықталмады.",
  },
  [PRB_M_DAY] = {
    [PRB_LANG_EN] = "Day",
    [PRB_LANG_RU] = "День",
    [PRB_LANG_KK] = "Күн",
  },
  [PRB_M_SOURCES] = {
    [PRB_LANG_EN] = "Every figure rests on measurements listed in the "
      "JSON output (--format json): file and line, report_id and input.",
    [PRB_LANG_RU] = "Каждая цифра опирается на измерения, перечисленные "
      "в выводе JSON (--format json): файл и строка, report_id и input.",
    [PRB_LANG_KK] = "Әр көрсеткіш JSON шығысында (--format json) "
      "көрсетілген өлшеулерге негізделеді: файл мен жол, report_id және "
      "input.",
  },
  [PRB_M_GRID_PART] = {
    [PRB_LANG_EN] = "The grid shows only the last days with data; the "
      "figures and tables cover the whole period",
    [PRB_LANG_RU] = "Сетка показывает только последние дни с данными; "
      "цифры и таблицы охватывают весь период",
    [PRB_LANG_KK] = "Торда деректері бар соңғы күндер ғана көрсетілген; "
      "көрсеткіштер мен кестелер бүкіл кезеңді қамтиды",
  },
  [PRB_M_CATEGORIES] = {
    [PRB_LANG_EN] = "By category",
    [PRB_LANG_RU] = "По категориям",
    [PRB_LANG_KK] = "Санаттар бойынша",
  },
  [PRB_M_OTHER_PROBLEMS] = {
    [PRB_LANG_EN] = "Other access problems",
    [PRB_LANG_RU] = "Другие проблемы с доступом",
    [PRB_LANG_KK] = "Басқа қолжетімділік проблемалары",
  },
  [PRB_M_ACCESSIBLE] = {
    [PRB_LANG_EN] = "Accessible",
    [PRB_LANG_RU] = "Доступны",
    [PRB_LANG_KK] = "Қолжетімді",
  },
  [PRB_M_CHANGE] = {
    [PRB_LANG_EN] = "Change against the previous period",
    [PRB_LANG_RU] = "Изменения по сравнению с предыдущим периодом",
    [PRB_LANG_KK] = "Алдыңғы кезеңмен салыстырғандағы өзгеріс",
  },
  [PRB_M_THIS_PERIOD] = {
    [PRB_LANG_EN] = "This period",
    [PRB_LANG_RU] = "Этот период",
    [PRB_LANG_KK] = "Осы кезең",
  },
  [PRB_M_PREV_PERIOD] = {
    [PRB_LANG_EN] = "Previous period",
    [PRB_LANG_RU] = "Предыдущий период",
    [PRB_LANG_KK] = "Алдыңғы кезең",
  },
  [PRB_M_DIFF] = {
    [PRB_LANG_EN] = "Change",
    [PRB_LANG_RU] = "Изменение",
    [PRB_LANG_KK] = "Өзгеріс",
  },
  [PRB_M_NEWLY_BLOCKED] = {
    [PRB_LANG_EN] = "Blocked now, not in the previous period",
    [PRB_LANG_RU] = "Заблокированы сейчас, но не в предыдущем периоде",
    [PRB_LANG_KK] = "Қазір бұғатталған, алдыңғы кезеңде бұғатталмаған",
  },
  [PRB_M_NO_LONGER_BLOCKED] = {
    [PRB_LANG_EN] = "Blocked in the previous period, not now",
    [PRB_LANG_RU] = "Были заблокированы в предыдущем периоде, сейчас нет",
    [PRB_LANG_KK] = "Алдыңғы кезеңде бұғатталған, қазір бұғатталмаған",
  },
  [PRB_M_NOT_MEASURED_NOW] = {
    [PRB_LANG_EN] = "not measured in this period",
    [PRB_LANG_RU] = "в этом периоде не проверялся",
    [PRB_LANG_KK] = "бұл кезеңде тексерілмеген",
  },
  [PRB_M_NETS_BLOCKING] = {
    [PRB_LANG_EN] = "Networks with blocking",
    [PRB_LANG_RU] = "Сети с блокировками",
    [PRB_LANG_KK] = "Бұғаттау бар желілер",
  },
  [PRB_M_CHART] = {
    [PRB_LANG_EN] = "Blocked websites per network and day",
    [PRB_LANG_RU] = "Заблокированные сайты по сетям и дням",
    [PRB_LANG_KK] = "Желілер мен күндер бойынша бұғатталған сайттар",
  },
  [PRB_M_CHART_NOTE] = {
    [PRB_LANG_EN] = "One bar per day (UTC): the websites blocked on the "
      "network that day; the dark part, those confirmed.",
    [PRB_LANG_RU] = "Один столбец — один день (UTC): сколько сайтов было "
      "заблокировано в этой сети в этот день; тёмная часть — "
      "подтверждённые блокировки.",
    [PRB_LANG_KK] = "Бір баған — бір күн (UTC): сол күні сол желіде "
      "бұғатталған сайттар саны; қою бөлігі — расталған бұғаттаулар.",
  },
  [PRB_M_UNKNOWN_NET] = {
    [PRB_LANG_EN] = "unknown network",
    [PRB_LANG_RU] = "неизвестная сеть",
    [PRB_LANG_KK] = "белгісіз желі",
  },
  [PRB_M_NAMES_NOTE] = {
    [PRB_LANG_EN] = "Network names marked * are those the control's IP "
      "address database (MaxMind) gives; the others come from the records "
      "or the monitor's list.",
    [PRB_LANG_RU] = "Названия сетей со знаком * взяты из базы IP-адресов "
      "контрольного сервера (MaxMind); остальные — из записей или из "
      "списка мониторинга.",
    [PRB_LANG_KK] = "* белгісі бар желі атаулары бақылау серверінің "
      "IP-мекенжай дерекқорынан (MaxMind) алынған; қалғандары — "
      "жазбалардан немесе мониторинг тізімінен.",
  },
  [PRB_M_CONFIRMED_HEAD] = {
    [PRB_LANG_EN] = "Confirmed",
    [PRB_LANG_RU] = "Подтверждено",
    [PRB_LANG_KK] = "Расталған",
  },
  [PRB_M_NONE_THIS_NET] = {
    [PRB_LANG_EN] = "No access problem on this network.",
    [PRB_LANG_RU] = "В этой сети проблем с доступом нет.",
    [PRB_LANG_KK] = "Бұл желіде қолжетімділік проблемасы жоқ.",
  },
};

const char *prb_i18n(enum prb_lang lang, enum prb_msg msg)
{
  if((unsigned)lang >= PRB_LANG_COUNT || (unsigned)msg >= PRB_M_COUNT)
    return "";
  const char *s = msgs[msg][lang];
  return s ? s : msgs[msg][PRB_LANG_EN] ? msgs[msg][PRB_LANG_EN] : "";
}

#define U(x) ((unsigned long long)(x))

/* ---- who measured, and what was set apart (issue 11) --------------------- */

/* The software that made the records, most records first: "accessprobe",
 * "ooniprobe-cli and accessprobe", "a, b, c and others". */
static bool software_names(enum prb_lang lang, const struct prb_rep_totals *t,
                           char *out, size_t outlen)
{
  static const char *const and_[PRB_LANG_COUNT] = {" and ", " и ",
                                                   " және "};
  static const char *const others[PRB_LANG_COUNT] = {"others", "другие",
                                                     "басқалары"};
  uint32_t shown = t->n_software < 3 ? t->n_software : 3;
  bool more = t->n_software > shown || t->software_other;
  size_t used = 0;
  out[0] = '\0';
  if(!shown) {
    snprintf(out, outlen, "accessprobe");
    return false;
  }
  for(uint32_t i = 0; i < shown && used < outlen; i++) {
    const char *sep = !i ? "" : (i + 1 == shown && !more) ? and_[lang] : ", ";
    used += (size_t)snprintf(out + used, outlen - used, "%s%s", sep,
                             t->software[i]);
  }
  if(more && used < outlen)
    snprintf(out + used, outlen - used, "%s%s", and_[lang], others[lang]);
  return shown > 1 || more;
}

/* Duplicates and failed measurements, when there were any, appended to
 * the summary paragraph. */
static void input_note(enum prb_lang lang, const struct prb_rep_totals *t,
                       char *out, size_t outlen)
{
  size_t used = strlen(out);
  if(t->duplicates && used < outlen)
    used += (size_t)snprintf(out + used, outlen - used,
      lang == PRB_LANG_RU ? " Повторы одних и тех же записей учтены один "
                            "раз (повторов: %llu)." :
      lang == PRB_LANG_KK ? " Бір жазбаның қайталанулары бір рет "
                            "саналды (қайталану: %llu)." :
      " Records seen more than once were counted once (%llu repeats).",
      U(t->duplicates));
  if(t->failed && used < outlen)
    snprintf(out + used, outlen - used,
      lang == PRB_LANG_RU ? " Неудавшиеся измерения (ничего не измерено, "
                            "сбой контроля или ошибка самой программы) "
                            "считаются неясными: %llu." :
      lang == PRB_LANG_KK ? " Сәтсіз өлшеулер (ештеңе өлшенбеген, бақылау "
                            "істен шыққан немесе бағдарламаның өз қатесі) "
                            "анық емес деп саналды: %llu." :
      " Failed measurements (nothing measured, the control failed or the "
      "probe's own error) count as inconclusive: %llu.", U(t->failed));
}

void prb_i18n_summary(enum prb_lang lang, const struct prb_rep_totals *t,
                      const char *from, const char *to, char *out,
                      size_t outlen)
{
  char names[3 * PRB_SCAN_SOFTWARE_MAX + 64];
  bool several = software_names(lang, t, names, sizeof(names));
  uint64_t n = t->measured.sites, m = t->measured.measurements;
  uint32_t k = t->networks;
  uint64_t p = t->problems.sites;
  switch(lang) {
  case PRB_LANG_RU:
    snprintf(out, outlen,
             "С %s по %s (UTC) %s %s %llu %s в %lu %s "
             "(%llu %s). Проблемы с доступом: %llu %s; из них "
             "заблокированы — %llu (подтверждено сигнатурой блокировки — %llu), "
             "замедлены — %llu, недоступны отовсюду (сбой или атака, не "
             "блокировка) — %llu, результат неясен — %llu.",
             from, to, names, several ? "проверили" : "проверил", U(n),
             prb_i18n_noun(lang, PRB_N_SITE_ACC, n),
             (unsigned long)k, prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k),
             U(m), prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             prb_i18n_noun(lang, PRB_N_SITE, p), U(t->blocked.sites),
             U(t->blocked_confirmed.sites), U(t->throttled.sites),
             U(t->down.sites), U(t->inconclusive.sites));
    break;
  case PRB_LANG_KK:
    snprintf(out, outlen,
             "%s – %s (UTC) аралығында %s %lu %s %llu %s "
             "тексерді (%llu %s). Қолжетімділік проблемасы бар сайттар: "
             "%llu; оның ішінде бұғатталғаны — %llu (сигнатурамен расталғаны — "
             "%llu), баяулатылғаны — %llu, барлық жерден қолжетімсізі "
             "(іркіліс немесе шабуыл, бұғаттау емес) — %llu, нәтижесі анық "
             "еместері — %llu.",
             from, to, names, (unsigned long)k,
             prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k), U(n),
             prb_i18n_noun(lang, PRB_N_SITE_ACC, n), U(m),
             prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             U(t->blocked.sites), U(t->blocked_confirmed.sites),
             U(t->throttled.sites), U(t->down.sites),
             U(t->inconclusive.sites));
    break;
  default:
    snprintf(out, outlen,
             "From %s to %s (UTC), %s measured %llu %s on %lu %s "
             "(%llu %s). %llu %s had access problems: %llu blocked (%llu "
             "confirmed by a fingerprint), %llu throttled, %llu down "
             "everywhere (an outage or attack, not blocking), %llu "
             "inconclusive.",
             from, to, names, U(n), prb_i18n_noun(lang, PRB_N_SITE_ACC, n),
             (unsigned long)k, prb_i18n_noun(lang, PRB_N_NETWORK_LOC, k),
             U(m), prb_i18n_noun(lang, PRB_N_MEASUREMENT, m), U(p),
             prb_i18n_noun(lang, PRB_N_SITE, p), U(t->blocked.sites),
             U(t->blocked_confirmed.sites), U(t->throttled.sites),
             U(t->down.sites), U(t->inconclusive.sites));
    break;
  }
  input_note(lang, t, out, outlen);
}
