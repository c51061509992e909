/* report_names.c: network names from the control and the monitor's list
 * (report_names.h). The list is read with the CSV table loader the
 * evidence lists use. */
#include "report/report_names.h"
#include "common/buf.h"
#include "common/csvtable.h"
#include "common/hashtab.h"
#include "common/textclean.h"

#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 127   /* as a configured network.name */

struct row {                 /* a row of the monitor's list */
  char asn[16];              /* "AS" and digits */
  char *name;
};

/* What the control said about an AS number: the best word so far. */
enum { FROM_CONTROL = 0, FROM_ANSWER = 1 };
struct hint {
  uint32_t asn;
  uint8_t from;
  char name[PRB_SCAN_SHORT_MAX];
};

struct prb_rep_names {
  struct prb_csvtable_rows rows;
  struct hint *hints;
  size_t n_hints, cap_hints;
  struct prb_hashtab index;  /* AS number -> hint */
};

/* ---- the monitor's list --------------------------------------------------- */

static const char *const columns[] = {"asn", "name"};

static void free_row(void *p)
{
  free(((struct row *)p)->name);
}

static int parse_row(const struct prb_csvtable_rows *kept,
                     const struct prb_csv *c, const char *path, long line,
                     FILE *err, void *out)
{
  struct row *row = out;
  const char *asn = prb_csv_field(c, 0), *name = prb_csv_field(c, 1);
  size_t name_len = prb_csv_field_len(c, 1);
  memset(row, 0, sizeof(*row));
  if(prb_csv_nfields(c) != 2) {
    prb_csvtable_say(err, path, line, "expected 2 fields (asn,name), got %zu",
                     prb_csv_nfields(c));
    return 1;
  }
  const char *digits = (asn[0] == 'A' || asn[0] == 'a') &&
                       (asn[1] == 'S' || asn[1] == 's') ? asn + 2 : asn;
  size_t nd = strlen(digits);
  if(!nd || nd > 10 || strspn(digits, "0123456789") != nd) {
    prb_csvtable_say(err, path, line, "asn: expected AS and digits, e.g. "
                     "AS9198, not \"%.40s\"", asn);
    return 1;
  }
  if(!name_len || name_len > NAME_MAX_BYTES ||
     !prb_utf8_valid(name, name_len)) {
    prb_csvtable_say(err, path, line, "name: expected 1 to %d bytes of "
                     "UTF-8", NAME_MAX_BYTES);
    return 1;
  }
  snprintf(row->asn, sizeof(row->asn), "AS%s", digits);
  const struct row *have = kept->items;
  for(size_t i = 0; i < kept->n; i++)
    if(!strcmp(have[i].asn, row->asn)) {
      prb_csvtable_say(err, path, line, "%s is named twice: the first "
                       "name stays", row->asn);
      return 1;
    }
  row->name = strdup(name);
  return row->name ? 0 : -1;
}

static const struct prb_csvtable table = {
  .columns = columns,
  .n_columns = 2,
  .kind = "a network names file (asn,name)",
  .row_size = sizeof(struct row),
  .parse = parse_row,
  .free_row = free_row,
};

struct prb_rep_names *prb_rep_names_new(void)
{
  return calloc(1, sizeof(struct prb_rep_names));
}

void prb_rep_names_free(struct prb_rep_names *n)
{
  if(!n)
    return;
  struct row *rows = n->rows.items;
  for(size_t i = 0; i < n->rows.n; i++)
    free_row(&rows[i]);
  free(rows);
  free(n->hints);
  prb_hashtab_free(&n->index);
  free(n);
}

int prb_rep_names_load(struct prb_rep_names *n, const char *path, FILE *err,
                       const char **why)
{
  switch(prb_csvtable_load(&table, &n->rows, path, err, NULL)) {
  case PRB_LOAD_OK: return 0;
  case PRB_LOAD_EREAD: *why = "cannot be read"; break;
  case PRB_LOAD_ENOMEM: *why = "out of memory"; break;
  default: *why = "not an asn,name file"; break;
  }
  return -1;
}

/* ---- the control's word ---------------------------------------------------- */

/* "AS9198" to 9198; 0 when it is not "AS" and digits. */
static uint32_t asn_number(const char *s)
{
  uint64_t v = 0;
  if(strncmp(s, "AS", 2) || !s[2] || strlen(s + 2) > 10)
    return 0;
  for(const char *p = s + 2; *p; p++) {
    if(*p < '0' || *p > '9')
      return 0;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static int hint(struct prb_rep_names *n, uint32_t asn, uint8_t from,
                const char *name)
{
  if(!asn || !name[0])
    return 0;
  size_t i = prb_hashtab_find(&n->index, asn, NULL, NULL);
  if(i != PRB_HASH_NONE) {
    if(from < n->hints[i].from) {     /* a better word than the one kept */
      n->hints[i].from = from;
      snprintf(n->hints[i].name, sizeof(n->hints[i].name), "%s", name);
    }
    return 0;
  }
  if(!prb_array_reserve(&n->hints, &n->cap_hints, n->n_hints + 1,
                        sizeof(*n->hints), SIZE_MAX) ||
     !prb_hashtab_add(&n->index, asn, n->n_hints))
    return -1;
  struct hint *h = &n->hints[n->n_hints++];
  h->asn = asn;
  h->from = from;
  snprintf(h->name, sizeof(h->name), "%s", name);
  return 0;
}

int prb_rep_names_note(struct prb_rep_names *n, const struct prb_scan_rec *rec)
{
  if(rec->control_network_name[0] && !strcmp(rec->control_asn, rec->asn) &&
     hint(n, asn_number(rec->asn), FROM_CONTROL, rec->control_network_name))
    return -1;
  for(uint32_t i = 0; i < rec->n_orgs; i++)
    if(hint(n, rec->orgs[i].asn, FROM_ANSWER, rec->orgs[i].name))
      return -1;
  return 0;
}

int prb_rep_names_apply(const struct prb_rep_names *n, struct prb_rep *r)
{
  char asn[16];
  for(size_t i = 0; i < n->n_hints; i++) {
    snprintf(asn, sizeof(asn), "AS%lu", (unsigned long)n->hints[i].asn);
    if(prb_rep_name_network(r, asn, n->hints[i].name, PRB_REP_NAME_CONTROL))
      return -1;
  }
  const struct row *rows = n->rows.items;
  for(size_t i = 0; i < n->rows.n; i++)
    if(prb_rep_name_network(r, rows[i].asn, rows[i].name, PRB_REP_NAME_LIST))
      return -1;
  return 0;
}
