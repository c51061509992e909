/* report_count.h: the access counts behind `accessprobe report`.
 *
 * Memory is bounded by what is counted: state is kept per (site,
 * network, day) "cell", per (site, network) "pair" (plus at most max_refs
 * references to the lines the pair rests on) and per distinct string
 * (site, network, file, report_id, input); the one cost per measurement
 * is its identity for de-duplication, a 64-bit hash in a set (16 to 32
 * bytes each).
 *
 * The counting rule (also in results/README.md). A record counts once: a
 * second one with the same identity (measurement_uid, else report_id,
 * input, measurement_start_time and network, else, without a report_id,
 * the record's bytes) is a duplicate, counted apart. Measurements whose verdict is probe_offline say nothing about
 * the site: they are counted apart and ignored below. Failed measurements
 * are inconclusive ones, counted apart as well as there. For one site on one network on one UTC day, let
 * C = ok + blocked + throttled + down measurements (inconclusive ones have
 * no say). The day is
 *   no verdict  C = 0 (only inconclusive measurements);
 *   blocked     blocked > C/2 (a strict majority) and either at least
 *               min_blocked (default 2) measurements say blocked or one of
 *               them is confirmed (a fingerprint, a known interception
 *               certificate, the SNI test): a confirmed block stands
 *               alone, an unconfirmed one needs company; confirmed when
 *               one is;
 *               its method is the one most of its blocked measurements
 *               name (ties: dns, tcp, tls, http, in that order);
 *   anomaly     blocked > C/2 without that support (one unconfirmed
 *               measurement), or no verdict has a strict majority;
 *   throttled / down / ok   that verdict has the strict majority.
 * A pair's status over the period is the first that applies: blocked (a
 * blocked day), throttled, down, anomaly (a day of each), ok (an ok day),
 * no verdict. A site's status: blocked (blocked on some network), throttled,
 * down (an outage: it failed from the control too), inconclusive (an
 * anomaly day, or no ok day at all), else ok. These five are disjoint and
 * add up to the sites measured; "access problems" are all but ok.
 * A site's days blocked are the days it was blocked on some network, each
 * day counted once however many networks blocked it.
 *
 * A network's name is the first non-empty probe_network_name of its
 * records; report_names.h adds the control's and the monitor's.
 */
#ifndef PRB_REPORT_COUNT_H
#define PRB_REPORT_COUNT_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/report_scan.h"

#define PRB_REP_REFS_DEFAULT 100   /* references kept per (site, network) */
#define PRB_REP_SKIPPED_KEPT 100   /* malformed lines kept for the JSON */
#define PRB_REP_SOFTWARE_MAX 8     /* software names told apart */

/* Ordered by severity: a grid cell shows the worst of its networks. */
enum prb_rep_status {
  PRB_REP_S_NONE = 0,        /* not measured */
  PRB_REP_S_NOVERDICT,
  PRB_REP_S_OK,
  PRB_REP_S_DOWN,
  PRB_REP_S_ANOMALY,
  PRB_REP_S_THROTTLED,
  PRB_REP_S_BLOCKED,
  PRB_REP_S_COUNT
};

struct prb_rep_opts {
  int32_t from, to;                 /* inclusive days; INT32_MIN/MAX: open */
  bool period_set;
  const char *cc[PRB_REP_FILTER_MAX];   size_t n_cc;
  const char *asn[PRB_REP_FILTER_MAX];  size_t n_asn;
  const char *cat[PRB_REP_FILTER_MAX];  size_t n_cat;
  unsigned min_blocked;             /* 0 means 2 */
  unsigned max_refs;                /* 0 means PRB_REP_REFS_DEFAULT */
};

/* Measurement counts: by verdict, blocked ones by method, confirmed. */
struct prb_rep_counts {
  uint64_t v[PRB_VERDICT_COUNT];
  uint64_t m[PRB_METHOD_COUNT];
  uint64_t confirmed;
};

struct prb_rep_cell {
  uint32_t site, net;               /* indexes into sites / nets */
  int32_t day;
  uint32_t v[PRB_VERDICT_COUNT];
  uint32_t m[PRB_METHOD_COUNT];
  uint32_t confirmed;
  uint8_t status;                   /* enum prb_rep_status */
  uint8_t method;                   /* enum prb_method, when blocked */
  bool conf;                        /* a confirmed blocked day */
};

struct prb_rep_ref {
  uint32_t file, report, input;     /* string ids; report UINT32_MAX: none */
  uint64_t line;
};

struct prb_rep_pair {
  uint32_t site, net;
  struct prb_rep_counts c;
  uint8_t status, method;
  bool confirmed;
  uint32_t days[PRB_REP_S_COUNT];   /* days by status */
  uint32_t method_days[PRB_METHOD_COUNT];
  int32_t first_blocked, last_blocked;   /* INT32_MAX/MIN when never */
  struct prb_rep_ref *refs;         /* first nrefs, in reading order */
  uint32_t nrefs, refcap;
  uint64_t refs_total;              /* every measurement of the pair */
  size_t cell_begin, cell_end;      /* its cells, by day */
};

struct prb_rep_site {
  uint32_t name, category;          /* string ids; category UINT32_MAX */
  struct prb_rep_counts c;
  uint8_t status;                   /* OK, BLOCKED, THROTTLED, DOWN, or
                                       ANOMALY: "inconclusive" */
  bool confirmed;
  uint32_t method_days[PRB_METHOD_COUNT]; /* blocked (network, day)s */
  uint32_t days_blocked;            /* days blocked on any network: each
                                       day once, however many networks */
  int32_t first_blocked, last_blocked;
  uint32_t nets, nets_blocked;
  size_t pair_begin, pair_end;      /* its pairs, by network */
};

/* Where a network's name comes from, most trusted first. */
enum prb_rep_name_src {
  PRB_REP_NAME_NONE = 0,
  PRB_REP_NAME_LIST,                /* the monitor's list (--network-names) */
  PRB_REP_NAME_RECORDS,             /* probe_network_name */
  PRB_REP_NAME_CONTROL              /* the control's MaxMind database
                                       (report_names.h) */
};

struct prb_rep_net {
  uint32_t asn, name, cc;           /* string ids; name "" when unknown */
  uint8_t name_src;                 /* enum prb_rep_name_src */
  struct prb_rep_counts c;
  uint32_t sites, sites_blocked;
};

/* A headline figure: how many sites, and the measurements behind it. */
struct prb_rep_figure {
  uint64_t sites, measurements;
};

struct prb_rep_totals {
  uint64_t files, files_unreadable, lines, bytes;
  uint64_t records;        /* web_connectivity records in the period and
                              filters, probe_offline ones included */
  uint64_t malformed;      /* lines skipped: bad JSON, bad fields, too long */
  uint64_t other_tests, filtered;
  uint64_t offline;        /* probe_offline measurements, not counted */
  uint64_t derived;        /* records without x_analysis, judged here */
  uint64_t duplicates;     /* records seen before (report_count.c's
                              identity): counted once */
  uint64_t failed;         /* failed measurements (nothing measured, the
                              control failed, the probe's own error):
                              inconclusive, neither blocked nor ok */
  /* The software that made the records, most records first. */
  char software[PRB_REP_SOFTWARE_MAX][PRB_SCAN_SOFTWARE_MAX];
  uint64_t software_records[PRB_REP_SOFTWARE_MAX];
  uint32_t n_software;
  uint64_t software_other; /* records of software past the first few */
  struct prb_rep_figure measured, problems, blocked, blocked_confirmed,
    blocked_unconfirmed, blocked_method[PRB_METHOD_COUNT], throttled, down,
    inconclusive, ok;
  uint64_t blocked_measurements;  /* measurements saying blocked */
  uint32_t networks, networks_blocked;
  int32_t first_day, last_day;    /* the period shown */
  int32_t data_first, data_last;  /* the days of every record read, in the
                                     period or not (INT32_MAX/MIN: none):
                                     what to suggest when it is empty */
};

struct prb_rep;

/* A new, empty report; NULL when out of memory. opts is copied (its
 * strings are borrowed and must outlive the report). */
struct prb_rep *prb_rep_new(const struct prb_rep_opts *opts);
void prb_rep_free(struct prb_rep *r);

/* Registers an input file name; returns its id, UINT32_MAX on no memory. */
uint32_t prb_rep_file(struct prb_rep *r, const char *name);

/* Counts one scanned record (filters applied here). 0, or -1 when out of
 * memory. */
int prb_rep_add(struct prb_rep *r, const struct prb_scan_rec *rec,
                uint32_t file, uint64_t line);

/* Notes a skipped line (kept for the JSON output up to
 * PRB_REP_SKIPPED_KEPT); reason must be a static string. Always 0. */
int prb_rep_skip(struct prb_rep *r, uint32_t file, uint64_t line,
                 const char *reason);
/* Adds one input file's line and byte counts to the totals. */
void prb_rep_note(struct prb_rep *r, uint64_t lines, uint64_t bytes,
                  uint64_t other_tests, bool unreadable);

/* Sorts and derives every status and figure; call once, after the last
 * add. -1 when out of memory. */
int prb_rep_finish(struct prb_rep *r);

/* After prb_rep_finish: names network asn ("AS9198") name, from src,
 * unless a source ranked above src named it already. 0, -1 out of memory;
 * a network not in the report is left alone. */
int prb_rep_name_network(struct prb_rep *r, const char *asn,
                         const char *name, enum prb_rep_name_src src);

/* Read access after prb_rep_finish. Returned pointers stay valid until
 * prb_rep_free. */
const struct prb_rep_totals *prb_rep_totals(const struct prb_rep *r);
const struct prb_rep_opts *prb_rep_options(const struct prb_rep *r);
const struct prb_rep_site *prb_rep_sites(const struct prb_rep *r, size_t *n);
const struct prb_rep_pair *prb_rep_pairs(const struct prb_rep *r, size_t *n);
const struct prb_rep_cell *prb_rep_cells(const struct prb_rep *r, size_t *n);
const struct prb_rep_net *prb_rep_nets(const struct prb_rep *r, size_t *n);
const char *prb_rep_str(const struct prb_rep *r, uint32_t id); /* "" if none */
/* Skipped lines kept: i < *n; file id, line and reason. */
size_t prb_rep_skipped(const struct prb_rep *r, size_t i, uint32_t *file,
                       uint64_t *line, const char **reason);

/* The grid row of site s: row[d] for day first + d (ndays entries) is the
 * worst day status over its networks; conf[d] whether a confirmed blocked
 * day is among them. Neither may be NULL. */
void prb_rep_site_row(const struct prb_rep *r, size_t s, int32_t first,
                      uint8_t *row, bool *conf, size_t ndays);

/* The last day with a counted measurement; INT32_MIN when none. */
int32_t prb_rep_last_data_day(const struct prb_rep *r);

const char *prb_rep_status_name(enum prb_rep_status s);

#endif
