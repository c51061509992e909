/* upload_cursor.c: the per-file, per-collector upload cursor, an
 * append-only log synced entry by entry (see upload_cursor.h). */
#include "volunteer/upload_cursor.h"
#include "common/buf.h"
#include "common/digest.h"
#include "common/files.h"
#include "common/url.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURSOR_MAX (64u * 1024 * 1024)   /* a cursor larger is damaged */

/* 8 hex digits of SHA-256 of the n bytes at s. */
static void short_hash(const char *s, size_t n, char out[9])
{
  char hex[65];
  if(!prb_sha256_hex(s, n, hex))
    memset(hex, '0', 8);
  memcpy(out, hex, 8);
  out[8] = '\0';
}

bool prb_upload_collector_dir(const char *state, const char *url, char *out,
                              size_t outlen)
{
  size_t n = strlen(url);
  while(n && url[n - 1] == '/')
    n--;
  char host[64] = "collector", hash[9];
  struct prb_url u;
  if(prb_url_parse(url, &u, NULL) == 0) {
    size_t k = 0;
    for(const char *p = u.host; *p && k + 1 < sizeof(host); p++)
      host[k++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                  *p == '.' || *p == '-' ? *p : '_';
    host[k] = '\0';
  }
  short_hash(url, n, hash);
  int w = snprintf(out, outlen, "%s/%s/%s-%s", state, PRB_UPLOAD_DIR, host,
                   hash);
  return w > 0 && (size_t)w < outlen;
}

bool prb_upload_cursor_key(const char *file, char *out, size_t outlen)
{
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t bl = strlen(base);
  int w;
  if(bl > 6 && !strcmp(base + bl - 6, ".jsonl"))
    bl -= 6;
  if(!strncmp(file, "results/", 8)) {
    w = snprintf(out, outlen, "%.*s", (int)(bl > 250 ? 250 : bl), base);
  } else {
    char hash[9];
    short_hash(file, strlen(file), hash);
    w = snprintf(out, outlen, "%.*s-%s", (int)(bl > 200 ? 200 : bl), base,
                 hash);
  }
  return w > 0 && (size_t)w < outlen;
}

bool prb_upload_cursor_path(const char *state, const char *url,
                            const char *file, char *out, size_t outlen)
{
  char dir[4096], key[300];
  if(!prb_upload_cursor_key(file, key, sizeof(key)) ||
     !prb_upload_collector_dir(state, url, dir, sizeof(dir)))
    return false;
  int w = snprintf(out, outlen, "%s/%s.cursor", dir, key);
  return w > 0 && (size_t)w < outlen;
}

void prb_upload_forget(const char *state, const char *file)
{
  char top[4096], key[300];
  if(snprintf(top, sizeof(top), "%s/%s", state, PRB_UPLOAD_DIR) >=
     (int)sizeof(top) || !prb_upload_cursor_key(file, key, sizeof(key)))
    return;
  DIR *d = opendir(top);
  struct dirent *e;
  while(d && (e = readdir(d))) {
    char path[4700];
    if(e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s/%s.cursor", top, e->d_name, key);
    unlink(path);
  }
  if(d)
    closedir(d);
}

static void cursor_init(struct prb_ucursor *c)
{
  memset(c, 0, sizeof(*c));
  c->fd = -1;
}

static bool add_done(struct prb_ucursor *c, uint64_t line, uint64_t end)
{
  if(line <= c->through || prb_ucursor_is_done(c, line))
    return true;
  if(!prb_array_reserve(&c->done, &c->cap_done, c->n_done + 1,
                        sizeof(*c->done), SIZE_MAX))
    return false;
  c->done[c->n_done].line = line;
  c->done[c->n_done++].end = end;
  return true;
}

/* Moves "through" over the done lines that follow it. */
static void advance(struct prb_ucursor *c)
{
  for(bool moved = true; moved;) {
    moved = false;
    for(size_t i = 0; i < c->n_done; i++)
      if(c->done[i].line == c->through + 1) {
        c->through++;
        c->offset = c->done[i].end;
        c->done[i] = c->done[--c->n_done];
        moved = true;
        break;
      }
  }
}

bool prb_ucursor_is_done(const struct prb_ucursor *c, uint64_t line)
{
  if(line <= c->through)
    return true;
  for(size_t i = 0; i < c->n_done; i++)
    if(c->done[i].line == line)
      return true;
  return false;
}

uint64_t prb_ucursor_total(const struct prb_ucursor *c)
{
  return c->acked + c->refused + c->skipped;
}

static uint64_t num(json_t *o, const char *key)
{
  json_int_t v = json_integer_value(json_object_get(o, key));
  return v > 0 ? (uint64_t)v : 0;
}

/* One entry of the log; false when it is not one. */
static bool take_entry(struct prb_ucursor *c, json_t *e)
{
  if(!json_is_object(e))
    return false;
  if(json_object_get(e, "v"))
    return json_integer_value(json_object_get(e, "v")) == 1;
  if(json_object_get(e, "through")) {
    c->through = num(e, "through");
    c->offset = num(e, "end");
    c->acked = num(e, "acked");
    c->refused = num(e, "refused");
    c->skipped = num(e, "skipped");
    c->n_done = 0;
    return true;
  }
  uint64_t line = num(e, "line");
  if(!line)
    return false;
  if(json_is_string(json_object_get(e, "uid")))
    c->acked++;
  else if(json_is_string(json_object_get(e, "refused")))
    c->refused++;
  else if(json_is_string(json_object_get(e, "skipped")))
    c->skipped++;
  else if(!json_object_get(e, "done"))  /* compacted: counted already */
    return false;
  return add_done(c, line, num(e, "end"));
}

/* Loads the log at fd; *good gets the length of its whole entries. 0, -1
 * when damaged (why says where) or out of memory. */
static int load(struct prb_ucursor *c, int fd, off_t *good, char *why,
                size_t whylen)
{
  struct stat st;
  if(fstat(fd, &st) < 0 || (unsigned long long)st.st_size > CURSOR_MAX) {
    snprintf(why, whylen, "%s: unreadable or too large", c->path);
    return -1;
  }
  char *text = malloc((size_t)st.st_size + 1);
  ssize_t got = text ? pread(fd, text, (size_t)st.st_size, 0) : -1;
  if(got != st.st_size) {
    free(text);
    snprintf(why, whylen, "%s: cannot be read", c->path);
    return -1;
  }
  text[got] = '\0';
  size_t pos = 0, lineno = 0;
  *good = 0;
  int rc = 0;
  while(pos < (size_t)got) {
    char *nl = memchr(text + pos, '\n', (size_t)got - pos);
    lineno++;
    if(!nl)
      break;                    /* a torn last entry: not counted */
    json_t *e = json_loadb(text + pos, (size_t)(nl - text - pos), 0, NULL);
    bool ok = take_entry(c, e);
    json_decref(e);
    if(!ok) {
      snprintf(why, whylen, "%s:%zu: not a cursor entry", c->path, lineno);
      rc = -1;
      break;
    }
    pos = (size_t)(nl - text) + 1;
    *good = (off_t)pos;
  }
  free(text);
  advance(c);
  return rc;
}

int prb_ucursor_peek(struct prb_ucursor *c, const char *path)
{
  char why[512];
  off_t good;
  cursor_init(c);
  snprintf(c->path, sizeof(c->path), "%s", path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if(fd < 0)
    return errno == ENOENT ? 0 : -1;
  int rc = load(c, fd, &good, why, sizeof(why));
  close(fd);
  return rc;
}

static int append(struct prb_ucursor *c, const char *text, size_t len)
{
  if(prb_write_all(c->fd, text, len) < 0 || fdatasync(c->fd) < 0)
    return -1;
  return 0;
}

/* collector.json beside the cursors: which URL the folder is for. */
static void name_collector(const char *path, const char *url)
{
  char dir[4096], file[4200], why[256];
  if(!prb_dir_of(path, dir, sizeof(dir)))
    return;
  snprintf(file, sizeof(file), "%s/collector.json", dir);
  if(access(file, F_OK) == 0)
    return;
  json_t *o = json_pack("{s:s}", "url", url);
  char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if(t)
    prb_write_atomic(file, t, strlen(t), why, sizeof(why));
  free(t);
  json_decref(o);
}

int prb_ucursor_open(struct prb_ucursor *c, const char *path,
                     const char *url, const char *label, char *why,
                     size_t whylen)
{
  char dir[4096];
  cursor_init(c);
  snprintf(c->path, sizeof(c->path), "%s", path);
  if(!prb_dir_of(path, dir, sizeof(dir)) || prb_mkdirs(dir, 0750, true) < 0) {
    snprintf(why, whylen, "%s: %s", dir, strerror(errno));
    return -1;
  }
  name_collector(path, url);
  c->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
               0640);
  if(c->fd < 0) {
    snprintf(why, whylen, "%s: %s", path, strerror(errno));
    return -1;
  }
  prb_inherit_owner(c->fd, path);
  off_t good;
  struct stat st;
  if(load(c, c->fd, &good, why, whylen) < 0 || fstat(c->fd, &st) < 0) {
    prb_ucursor_close(c);
    return -1;
  }
  if(st.st_size > good && ftruncate(c->fd, good) == 0)
    fdatasync(c->fd);           /* the torn entry of a killed upload */
  if(good == 0) {
    json_t *h = json_pack("{s:i, s:s}", "v", 1, "file", label);
    char *t = h ? json_dumps(h, JSON_COMPACT) : NULL;
    json_decref(h);
    int rc = t ? append(c, t, strlen(t)) : -1;
    rc = rc < 0 ? rc : append(c, "\n", 1);
    free(t);
    if(rc < 0) {
      snprintf(why, whylen, "%s: %s", path, strerror(errno));
      prb_ucursor_close(c);
      return -1;
    }
    prb_sync_dir_of(path);
  }
  return 0;
}

int prb_ucursor_mark(struct prb_ucursor *c, uint64_t line, uint64_t end,
                     enum prb_ucursor_kind kind, const char *text)
{
  static const char *const key[] = {"uid", "refused", "skipped"};
  json_t *e = json_pack("{s:I, s:I, s:s}", "line", (json_int_t)line, "end",
                        (json_int_t)end, key[kind], text);
  char *t = e ? json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(e);
  if(!t) {
    errno = ENOMEM;
    return -1;
  }
  size_t n = strlen(t);
  t[n] = '\n';                  /* json_dumps left room for the NUL */
  int rc = append(c, t, n + 1);
  free(t);
  if(rc < 0)
    return -1;
  if(kind == PRB_UC_ACKED)
    c->acked++;
  else if(kind == PRB_UC_REFUSED)
    c->refused++;
  else
    c->skipped++;
  if(!add_done(c, line, end)) {
    errno = ENOMEM;
    return -1;
  }
  advance(c);
  return 0;
}

int prb_ucursor_compact(struct prb_ucursor *c, const char *label, char *why,
                        size_t whylen)
{
  if(c->fd < 0)
    return 0;
  json_t *h = json_pack("{s:i, s:s}", "v", 1, "file", label);
  json_t *t = json_pack("{s:I, s:I, s:I, s:I, s:I}", "through",
                        (json_int_t)c->through, "end", (json_int_t)c->offset,
                        "acked", (json_int_t)c->acked, "refused",
                        (json_int_t)c->refused, "skipped",
                        (json_int_t)c->skipped);
  char *hs = h ? json_dumps(h, JSON_COMPACT) : NULL;
  char *ts = t ? json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(h);
  json_decref(t);
  struct prb_buf b;
  prb_buf_init(&b, SIZE_MAX);
  bool ok = hs && ts && prb_buf_add(&b, hs, strlen(hs)) == PRB_BUF_OK &&
            prb_buf_add(&b, "\n", 1) == PRB_BUF_OK &&
            prb_buf_add(&b, ts, strlen(ts)) == PRB_BUF_OK &&
            prb_buf_add(&b, "\n", 1) == PRB_BUF_OK;
  free(hs);
  free(ts);
  /* Lines done beyond "through" keep their entries (as acked: their
   * counts are in the "through" line already; only "done" matters). */
  for(size_t i = 0; ok && i < c->n_done; i++) {
    char e[96];
    int n = snprintf(e, sizeof(e), "{\"line\":%llu,\"end\":%llu,\"done\":1}\n",
                     (unsigned long long)c->done[i].line,
                     (unsigned long long)c->done[i].end);
    ok = prb_buf_add(&b, e, (size_t)n) == PRB_BUF_OK;
  }
  int rc = -1;
  if(!ok)
    snprintf(why, whylen, "out of memory");
  else
    rc = prb_write_atomic(c->path, b.p, b.len, why, whylen);
  prb_buf_free(&b);
  if(rc == 0) {
    /* The old file is gone: append to the new one from here. */
    close(c->fd);
    c->fd = open(c->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  }
  return rc;
}

void prb_ucursor_close(struct prb_ucursor *c)
{
  if(c->fd >= 0)
    close(c->fd);
  c->fd = -1;
  free(c->done);
  c->done = NULL;
  c->n_done = c->cap_done = 0;
}
