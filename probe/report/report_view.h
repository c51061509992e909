/* report_view.h: what the Markdown and HTML reports show beyond the
 * counts, derived from a finished report (report_count.h) the same way for
 * both: network names, the per-category table, the change against the
 * previous period, status words. Presentation only: nothing here changes
 * a count. */
#ifndef PRB_REPORT_VIEW_H
#define PRB_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/report_count.h"
#include "report/report_i18n.h"

/* How a report is shown: its language and title, and the previous
 * period's report (the same filters, read in the same pass) when it has
 * measurements. */
struct prb_report_view {
  enum prb_lang lang;
  const char *title;              /* NULL: the language's default */
  const struct prb_rep *prev;     /* NULL: no comparison */
};

/* A table's column: its heading, and whether it holds numbers (aligned
 * right). */
struct prb_view_col {
  enum prb_msg label;
  bool num;
};

#define PRB_VIEW_BLOCKED_COLS 9
#define PRB_VIEW_CATEGORY_COLS 6
#define PRB_VIEW_CHANGE_COLS 4
#define PRB_VIEW_NETWORK_COLS 5
extern const struct prb_view_col prb_view_blocked_cols[PRB_VIEW_BLOCKED_COLS];
extern const struct prb_view_col
  prb_view_category_cols[PRB_VIEW_CATEGORY_COLS];
extern const struct prb_view_col prb_view_change_cols[PRB_VIEW_CHANGE_COLS];
extern const struct prb_view_col prb_view_network_cols[PRB_VIEW_NETWORK_COLS];

/* A site's category in words ("no category" when it has none). */
const char *prb_view_category(const struct prb_rep *r,
                              const struct prb_rep_site *s,
                              enum prb_lang lang);

/* The methods that blocked site s, in words: "DNS, TLS handshake". */
void prb_view_methods(const struct prb_rep_site *s, enum prb_lang lang,
                      char *out, size_t outlen);

/* The title: the caller's, else the language's. */
const char *prb_view_title(const struct prb_report_view *v);

/* The period's first and last day in the language's date form; "" for
 * both when the report has no period (nothing read, no --month). */
bool prb_view_period(const struct prb_rep *r, enum prb_lang lang,
                     char *from, char *to, size_t len);

/* A network's name ("" when none is known; the words for "unknown
 * network" for AS0); *control tells whether the control's MaxMind
 * database gave it. */
const char *prb_view_net_name(const struct prb_rep *r,
                              const struct prb_rep_net *n,
                              enum prb_lang lang, bool *control);

/* A network as people name it: "JSC Kazakhtelecom (AS9198)", a "*"
 * after a name the control's MaxMind database gave; the bare AS number
 * without a name. */
void prb_view_net_label(const struct prb_rep *r, const struct prb_rep_net *n,
                        enum prb_lang lang, char *out, size_t outlen);

/* The blocked-websites table names the networks that blocked a site by
 * name up to this many; past it, their number and AS numbers (the
 * network cards name them all). */
#define PRB_VIEW_NAMED_NETS 3

/* How many networks blocked site s. */
size_t prb_view_nets_blocked(const struct prb_rep *r,
                             const struct prb_rep_site *s);

/* One row of the blocked-websites table, in the report's words; the
 * networks of its "blocked on" cell come from prb_view_each_blocking_net. */
struct prb_view_blocked_row {
  const char *site, *category, *confirmed;
  char methods[160];
  char nets_count[64];  /* "8 networks: " past PRB_VIEW_NAMED_NETS, else "" */
  bool asn_only;        /* past PRB_VIEW_NAMED_NETS: AS numbers, no names */
  char first[16], last[16];
  unsigned long days;
  unsigned long long measurements;
};

/* Fills row for site s; false (row untouched) when s is not blocked. */
bool prb_view_blocked_row(const struct prb_rep *r,
                          const struct prb_rep_site *s, enum prb_lang lang,
                          struct prb_view_blocked_row *row);

/* Calls fn(ctx, net, first) for each network that blocked site s, in
 * order; first: the first call. */
void prb_view_each_blocking_net(const struct prb_rep *r,
                                const struct prb_rep_site *s,
                                void (*fn)(void *ctx,
                                           const struct prb_rep_net *net,
                                           bool first),
                                void *ctx);

/* Whether some network's name came from the control's database (the
 * reports then say what "*" means). */
bool prb_view_names_from_control(const struct prb_rep *r);

/* The word for a status: of a (site, network, day) cell or pair, or
 * (site true) of a site over the period, where anomaly reads
 * "inconclusive". */
enum prb_msg prb_view_status_msg(uint8_t status, bool confirmed, bool site);

/* Measurements behind a count: every verdict but probe_offline. */
uint64_t prb_view_total(const struct prb_rep_counts *c);

/* One row of the per-category table. */
struct prb_view_cat {
  const char *code;               /* the category code; "": none */
  uint64_t sites, blocked, other_problems, ok, measurements;
};

/* The categories of the report's sites, most blocked sites first (then
 * most sites, then by code). *rows is malloc'd (the caller frees it).
 * Returns their number, or -1 when out of memory. */
long prb_view_categories(const struct prb_rep *r, struct prb_view_cat **rows);

/* The site named name in r (sites are sorted by name), or NULL. */
const struct prb_rep_site *prb_view_find_site(const struct prb_rep *r,
                                              const char *name);

/* Calls fn(ctx, site, measured) for each site blocked in a and not in b,
 * by name; measured: b measured it at all. Returns how many. */
size_t prb_view_blocked_not_in(const struct prb_rep *a,
                               const struct prb_rep *b,
                               void (*fn)(void *ctx, const char *site,
                                          bool measured),
                               void *ctx);

/* One row of the change table: a figure now and in the previous period. */
struct prb_view_change {
  enum prb_msg label;
  bool indent;                    /* a part of the row before */
  uint64_t now, before;
};

#define PRB_VIEW_CHANGES 8

/* The change table's rows (PRB_VIEW_CHANGES of them) into rows. */
void prb_view_changes(const struct prb_rep *r, const struct prb_rep *prev,
                      struct prb_view_change rows[PRB_VIEW_CHANGES]);

/* "+3", "−2" (a real minus sign) or "0". */
void prb_view_delta(uint64_t now, uint64_t before, char *out, size_t outlen);

#endif
