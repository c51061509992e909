/* inputs.c: building the run's URL list from arguments and list files. */
#include "lists/inputs.h"
#include "common/caps.h"
#include "common/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/textclean.h"
#include "common/url.h"

static const char cl_header[] =
  "url,category_code,category_description,date_added,source,notes";

void prb_inputs_init(struct prb_inputs *in)
{
  memset(in, 0, sizeof *in);
}

void prb_inputs_free(struct prb_inputs *in)
{
  if(!in)
    return;
  for(size_t i = 0; i < in->n; i++) {
    free(in->items[i].url);
    free(in->items[i].origin);
  }
  free(in->items);
  prb_hashtab_free(&in->index);
  memset(in, 0, sizeof *in);
}

static bool url_is(const void *ctx, size_t item)
{
  const struct prb_inputs *in = ((const void *const *)ctx)[0];
  return !strcmp(in->items[item].url, ((const char *const *)ctx)[1]);
}

/* Index of url in the list, or PRB_HASH_NONE. */
static size_t find(const struct prb_inputs *in, const char *url)
{
  const void *ctx[2] = {in, url};
  return prb_hashtab_find(&in->index, prb_hash_bytes(url, strlen(url)),
                          url_is, ctx);
}

const struct prb_input *prb_inputs_find(const struct prb_inputs *in,
                                        const char *url)
{
  size_t i = find(in, url);
  return i == PRB_HASH_NONE ? NULL : &in->items[i];
}

static int valid_code(const char *c)
{
  size_t n = strlen(c);
  if(n >= PRB_CATEGORY_MAX)
    return 0;
  for(size_t i = 0; i < n; i++)
    if(!((c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= '0' && c[i] <= '9')))
      return 0;
  return 1;
}

enum prb_load prb_inputs_add_url(struct prb_inputs *in, const char *url,
                                 const char *category_code,
                                 const char *origin, FILE *err)
{
  char canon[PRB_URL_MAX];
  const char *why = "bad URL";
  size_t dup;

  if(!origin)
    origin = "argument";
  if(!category_code)
    category_code = "";
  if(prb_url_canonical(url, canon, sizeof canon, &why) < 0) {
    /* Named, so that the volunteer sees which one (cut and made
     * printable: it may be long, and anything). */
    char shown[160];
    prb_log_excerpt(shown, sizeof(shown), url, strlen(url));
    if(err)
      fprintf(err, "%s: %s: %s\n", origin, shown, why);
    in->n_bad++;
    return PRB_LOAD_BAD;
  }
  if(!valid_code(category_code)) {
    if(err)
      fprintf(err, "%s: malformed category code\n", origin);
    in->n_bad++;
    return PRB_LOAD_BAD;
  }
  dup = find(in, canon);
  if(dup != PRB_HASH_NONE) {
    if(err)
      fprintf(err, "%s: note: %s already listed at %s, dropped\n", origin,
              canon, in->items[dup].origin);
    in->n_dup++;
    return PRB_LOAD_DUP;
  }
  if(in->n >= PRB_INPUTS_MAX) {
    if(err)
      fprintf(err, "%s: more than %d URLs, the rest is ignored\n", origin,
              PRB_INPUTS_MAX);
    return PRB_LOAD_EFULL;
  }
  if(!prb_array_reserve(&in->items, &in->cap, in->n + 1, sizeof(*in->items),
                        PRB_INPUTS_MAX))
    return PRB_LOAD_ENOMEM;
  struct prb_input *it = &in->items[in->n];
  it->url = strdup(canon);
  it->origin = strdup(origin);
  if(!it->url || !it->origin) {
    free(it->url);
    free(it->origin);
    return PRB_LOAD_ENOMEM;
  }
  memcpy(it->category_code, category_code, strlen(category_code) + 1);
  if(!prb_hashtab_add(&in->index, prb_hash_bytes(it->url, strlen(it->url)),
                      in->n)) {
    free(it->url);
    free(it->origin);
    return PRB_LOAD_ENOMEM;
  }
  in->n++;
  return PRB_LOAD_OK;
}

/* One physical line into buf (without its LF or CRLF). Returns 0, or -1 at
 * end of input. A line longer than the buffer is consumed and flagged. */
static int read_line(FILE *fp, char *buf, size_t size, int *too_long,
                     int *has_nul)
{
  size_t n = 0;
  int c, any = 0;
  *too_long = 0;
  *has_nul = 0;
  while((c = getc(fp)) != EOF) {
    any = 1;
    if(c == '\n')
      break;
    if(c == 0)
      *has_nul = 1;
    if(n + 1 < size)
      buf[n++] = (char)c;
    else
      *too_long = 1;
  }
  if(!any)
    return -1;
  if(n > 0 && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';
  return 0;
}

static char *make_origin(const char *path, long line)
{
  int n = snprintf(NULL, 0, "%s:%ld", path, line);
  char *s;
  if(n < 0)
    return NULL;
  s = malloc((size_t)n + 1);
  if(s)
    snprintf(s, (size_t)n + 1, "%s:%ld", path, line);
  return s;
}

static int is_blank(int c)
{
  return c == ' ' || c == '\t';
}

/* add_url with origin FILE:LINE; only fatal results are returned. */
static int add_at(struct prb_inputs *in, const char *path, long line,
                  const char *url, const char *code, FILE *err)
{
  char *origin = make_origin(path, line);
  int rc;
  if(!origin)
    return PRB_LOAD_ENOMEM;
  rc = prb_inputs_add_url(in, url, code, origin, err);
  free(origin);
  return rc < 0 ? rc : PRB_LOAD_OK;
}

static int bad_at(struct prb_inputs *in, const char *path, long line,
                  const char *why, FILE *err)
{
  if(err)
    fprintf(err, "%s:%ld: %s\n", path, line, why);
  in->n_bad++;
  return PRB_LOAD_OK;
}

static int read_citizenlab(struct prb_inputs *in, FILE *fp, const char *path,
                           FILE *err)
{
  struct prb_csv *r = prb_csv_open(fp, 0);
  int st, rc = PRB_LOAD_OK;
  if(!r)
    return PRB_LOAD_ENOMEM;
  while(rc == PRB_LOAD_OK && (st = prb_csv_read(r)) != PRB_CSV_EOF) {
    long line = prb_csv_line(r) + 1; /* the header was line 1 */
    char why[64];
    if(st == PRB_CSV_ERROR) {
      if(err)
        fprintf(err, "%s: read error: %s\n", path, strerror(errno));
      rc = PRB_LOAD_EREAD;
    } else if(st == PRB_CSV_BAD) {
      rc = bad_at(in, path, line, prb_csv_reason(r), err);
    } else if(prb_csv_nfields(r) != 6) {
      snprintf(why, sizeof why, "expected 6 fields, got %zu",
               prb_csv_nfields(r));
      rc = bad_at(in, path, line, why, err);
    } else {
      rc = add_at(in, path, line, prb_csv_field(r, 0), prb_csv_field(r, 1),
                  err);
    }
  }
  prb_csv_close(r);
  return rc;
}

enum prb_load prb_inputs_add_file(struct prb_inputs *in, const char *path,
                                  FILE *err)
{
  FILE *fp;
  char *buf;
  int too_long, has_nul, rc = PRB_LOAD_OK;
  long line = 0;
  int is_stdin = strcmp(path, "-") == 0;

  fp = is_stdin ? stdin : fopen(path, "rb");
  if(!fp) {
    if(err)
      fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
    return PRB_LOAD_EREAD;
  }
  buf = malloc(PRB_INPUT_LINE_MAX);
  if(!buf) {
    if(!is_stdin)
      fclose(fp);
    return PRB_LOAD_ENOMEM;
  }

  while(rc == PRB_LOAD_OK &&
        read_line(fp, buf, PRB_INPUT_LINE_MAX, &too_long, &has_nul) == 0) {
    char *s = buf, *e;
    line++;
    if(line == 1 && (unsigned char)s[0] == 0xEF &&
       (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
      s += 3;
    if(line == 1 && !too_long && !has_nul && strcmp(s, cl_header) == 0) {
      rc = read_citizenlab(in, fp, path, err);
      break;
    }
    if(too_long) {
      rc = bad_at(in, path, line, "line too long", err);
      continue;
    }
    if(has_nul) {
      rc = bad_at(in, path, line, "NUL byte in line", err);
      continue;
    }
    while(is_blank(*s))
      s++;
    e = s + strlen(s);
    while(e > s && is_blank(e[-1]))
      e--;
    *e = '\0';
    if(*s == '\0' || *s == '#')
      continue;
    rc = add_at(in, path, line, s, NULL, err);
  }
  if(rc == PRB_LOAD_OK && ferror(fp)) {
    if(err)
      fprintf(err, "%s: read error: %s\n", path, strerror(errno));
    rc = PRB_LOAD_EREAD;
  }
  free(buf);
  if(!is_stdin)
    fclose(fp);
  return rc;
}
