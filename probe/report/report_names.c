/* report_names.c: the monitor's network names file (report_names.h), read
 * with the CSV table loader the evidence lists use. */
#include "report/report_names.h"
#include "common/csvtable.h"
#include "common/textclean.h"

#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 127   /* as a configured network.name */

struct row {
  char asn[16];              /* "AS" and digits */
  char *name;
};

struct prb_rep_names {
  struct prb_csvtable_rows rows;
};

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
     !prb_utf8_valid((const unsigned char *)name, name_len)) {
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

void prb_rep_names_free(struct prb_rep_names *n)
{
  if(!n)
    return;
  struct row *rows = n->rows.items;
  for(size_t i = 0; i < n->rows.n; i++)
    free_row(&rows[i]);
  free(rows);
  free(n);
}

struct prb_rep_names *prb_rep_names_load(const char *path, FILE *err,
                                         const char **why)
{
  struct prb_rep_names *n = calloc(1, sizeof(*n));
  if(!n) {
    *why = "out of memory";
    return NULL;
  }
  switch(prb_csvtable_load(&table, &n->rows, path, err, NULL)) {
  case PRB_LOAD_OK:
    return n;
  case PRB_LOAD_EREAD: *why = "cannot be read"; break;
  case PRB_LOAD_ENOMEM: *why = "out of memory"; break;
  default: *why = "not an asn,name file"; break;
  }
  prb_rep_names_free(n);
  return NULL;
}

int prb_rep_names_apply(const struct prb_rep_names *n, struct prb_rep *r)
{
  const struct row *rows = n->rows.items;
  for(size_t i = 0; i < n->rows.n; i++)
    if(prb_rep_name_network(r, rows[i].asn, rows[i].name))
      return -1;
  return 0;
}
