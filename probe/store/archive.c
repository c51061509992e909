/* archive.c: the collector's gzip JSON Lines archive in OONI's layout (see
 * archive.h): placing a record, reading a folder's uids back (cutting off a
 * torn last member), appending a batch as one synced gzip member. */
#include "store/archive.h"
#include "common/buf.h"
#include "common/digest.h"
#include "common/files.h"
#include "common/hashtab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MARKER ".collector-running"  /* present while a collector runs */
#define LOCKFILE ".collector.lock"
#define READ_CHUNK (256u * 1024)
#define UID_PREFIX "{\"measurement_uid\":\""
#define PATH_LEN 4096

/* One folder's uids, kept while it is among the most recently used. */
struct adir {
  char rel[64];                 /* "YYYYMMDD/HH/CC/TEST" */
  char prefix[64];              /* "YYYYMMDDHH_CC_TEST" */
  struct prb_hashtab uids;      /* the uid's hash part; items unused */
  unsigned seq;                 /* the file batches append to */
  unsigned long long used;      /* last use, for eviction */
};

struct prb_archive {
  char root[PATH_LEN];
  unsigned collector;
  int lock_fd;
  struct adir *dirs;
  size_t n_dirs;
  unsigned long long clock, stored;
};

bool prb_archive_place(const char *uid, char *dir, size_t dirlen,
                       char *prefix, size_t prefixlen)
{
  /* "YYYYmmddHHMMSS.ffffff_CC_TEST_hex16" */
  const char *cc = strchr(uid, '_');
  if(!cc || cc - uid != 21)
    return false;
  const char *test = cc + 4;
  const char *last = strrchr(uid, '_');
  if(cc[3] != '_' || last <= test || last - test > 30)
    return false;
  for(int i = 0; i < 14; i++)
    if(uid[i] < '0' || uid[i] > '9')
      return false;
  for(const char *p = test; p < last; p++)
    if(!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
      return false;
  if(cc[1] < 'A' || cc[1] > 'Z' || cc[2] < 'A' || cc[2] > 'Z')
    return false;
  int tl = (int)(last - test);
  int a = snprintf(dir, dirlen, "%.8s/%.2s/%.2s/%.*s", uid, uid + 8, cc + 1,
                   tl, test);
  int b = snprintf(prefix, prefixlen, "%.10s_%.2s_%.*s", uid, cc + 1, tl,
                   test);
  return a > 0 && (size_t)a < dirlen && b > 0 && (size_t)b < prefixlen;
}

/* The hash part of a uid as the folder's key: 64 bits of SHA-512, which a
 * client cannot aim at another record's uid. */
static bool uid_key(const char *uid, size_t len, uint64_t *key)
{
  const char *last = memrchr(uid, '_', len);
  unsigned char b[8];
  if(!last || (size_t)(uid + len - last - 1) != 16 ||
     prb_hex_decode(last + 1, 16, b, 8) < 0)
    return false;
  uint64_t k = 0;
  for(int i = 0; i < 8; i++)
    k = k << 8 | b[i];
  *key = k;
  return true;
}

/* root/rel into path; false when too long. */
static bool join(char path[PATH_LEN], const char *root, const char *rel)
{
  int n = snprintf(path, PATH_LEN, "%s/%s", root, rel);
  return n > 0 && n < PATH_LEN;
}

/* ---- reading a file back -------------------------------------------- */

/* What reading one archive file found. */
struct scan {
  struct prb_hashtab *uids;     /* NULL: only check the file */
  uint64_t pending[4096];       /* uids of the member being read */
  size_t n_pending;
  bool overflow;                /* more lines in a member than pending */
  char head[80];                /* the start of the current line */
  size_t head_len;
  bool in_line;
  unsigned long long good_end;  /* file offset after the last whole member */
  const char *error;            /* why the tail is torn, or NULL */
};

static void line_done(struct scan *s)
{
  size_t pl = sizeof(UID_PREFIX) - 1;
  if(s->head_len > pl && !memcmp(s->head, UID_PREFIX, pl)) {
    const char *u = s->head + pl;
    const char *q = memchr(u, '"', s->head_len - pl);
    uint64_t key;
    if(q && uid_key(u, (size_t)(q - u), &key)) {
      if(s->n_pending < sizeof(s->pending) / sizeof(s->pending[0]))
        s->pending[s->n_pending++] = key;
      else
        s->overflow = true;
    }
  }
  s->head_len = 0;
  s->in_line = false;
}

static void take_output(struct scan *s, const unsigned char *p, size_t n)
{
  while(n) {
    const unsigned char *nl = memchr(p, '\n', n);
    size_t run = nl ? (size_t)(nl - p) : n;
    size_t room = sizeof(s->head) - s->head_len;
    size_t k = run < room ? run : room;
    memcpy(s->head + s->head_len, p, k);
    s->head_len += k;
    s->in_line = true;
    if(!nl)
      return;
    line_done(s);
    p += run + 1;
    n -= run + 1;
  }
}

/* A member ended: its uids count. */
static bool member_done(struct scan *s, unsigned long long end)
{
  if(s->in_line)
    line_done(s);             /* a last line without '\n' */
  for(size_t i = 0; s->uids && i < s->n_pending; i++)
    if(prb_hashtab_find(s->uids, s->pending[i], NULL, NULL) ==
         PRB_HASH_NONE && !prb_hashtab_add(s->uids, s->pending[i], 0))
      return false;
  s->n_pending = 0;
  s->good_end = end;
  return true;
}

/* Reads path member by member. A member too big for the pending list is
 * flushed early: its uids count even if its end is torn, which can only
 * make a re-sent record look stored when its first copy was cut off;
 * members we write hold one batch, far below that. -1 out of memory or
 * unreadable. */
static int scan_file(int fd, struct scan *s)
{
  z_stream z;
  memset(&z, 0, sizeof(z));
  if(inflateInit2(&z, 15 + 16) != Z_OK)
    return -1;
  unsigned char *in = malloc(READ_CHUNK), *out = malloc(READ_CHUNK);
  int rc = 0;
  unsigned long long offset = 0;   /* compressed bytes read */
  bool mid = false;                /* inside a member */
  if(!in || !out)
    rc = -1;
  while(!rc) {
    ssize_t got = read(fd, in, READ_CHUNK);
    if(got < 0 && errno == EINTR)
      continue;
    if(got < 0) {
      rc = -1;
      break;
    }
    if(got == 0)
      break;
    z.next_in = in;
    z.avail_in = (uInt)got;
    offset += (unsigned long long)got;
    while(z.avail_in && !rc) {
      z.next_out = out;
      z.avail_out = READ_CHUNK;
      int zr = inflate(&z, Z_NO_FLUSH);
      mid = true;
      take_output(s, out, READ_CHUNK - z.avail_out);
      if(s->overflow) {
        s->overflow = false;
        if(!member_done(s, s->good_end))
          rc = -1;
      }
      if(zr == Z_STREAM_END) {
        if(!member_done(s, offset - z.avail_in))
          rc = -1;
        inflateReset(&z);
        mid = false;
      } else if(zr != Z_OK && zr != Z_BUF_ERROR) {
        s->error = "corrupt gzip data";
        goto done;
      }
    }
  }
  if(!rc && mid)
    s->error = "a gzip member cut short";
done:
  inflateEnd(&z);
  free(in);
  free(out);
  s->n_pending = 0;
  return rc;
}

/* Reads one file; a torn tail of a file this collector writes is cut off.
 * -1 when it cannot be read or out of memory. */
static int read_back(const char *path, bool ours, struct prb_hashtab *uids,
                     FILE *log)
{
  int fd = open(path, (ours ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
  if(fd < 0)
    return -1;
  struct scan *s = calloc(1, sizeof(*s));
  if(!s) {
    close(fd);
    return -1;
  }
  s->uids = uids;
  int rc = scan_file(fd, s);
  struct stat st;
  if(!rc && s->error && fstat(fd, &st) == 0) {
    unsigned long long cut = (unsigned long long)st.st_size - s->good_end;
    if(ours && ftruncate(fd, (off_t)s->good_end) == 0 && fsync(fd) == 0) {
      if(log)
        fprintf(log, "accessprobe collector: %s: cut off %llu bytes of %s "
                "(written when the collector stopped; never acknowledged)\n",
                path, cut, s->error);
    } else if(log) {
      fprintf(log, "accessprobe collector: %s: %s in its last %llu bytes\n",
              path, s->error, cut);
    }
  }
  free(s);
  close(fd);
  return rc;
}

/* "<prefix>.n<C>.<S>.jsonl.gz" for this collector: S into *seq. */
static bool our_file(const struct prb_archive *a, const char *prefix,
                     const char *name, unsigned *seq)
{
  char head[96];
  int n = snprintf(head, sizeof(head), "%s.n%u.", prefix, a->collector);
  if(n < 0 || strncmp(name, head, (size_t)n))
    return false;
  char *end;
  unsigned long v = strtoul(name + n, &end, 10);
  if(end == name + n || strcmp(end, ".jsonl.gz") || v > 1000000)
    return false;
  *seq = (unsigned)v;
  return true;
}

static bool ends_with(const char *s, const char *tail)
{
  size_t n = strlen(s), t = strlen(tail);
  return n >= t && !strcmp(s + n - t, tail);
}

/* Reads every archive file of a folder into d's uid set. */
static int load_dir(struct prb_archive *a, struct adir *d, FILE *log)
{
  char path[PATH_LEN];
  DIR *dir = join(path, a->root, d->rel) ? opendir(path) : NULL;
  if(!dir)
    return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  int rc = 0;
  while(!rc && (e = readdir(dir))) {
    unsigned seq;
    if(e->d_name[0] == '.' || !ends_with(e->d_name, ".jsonl.gz"))
      continue;
    bool ours = our_file(a, d->prefix, e->d_name, &seq);
    char file[PATH_LEN];
    if(snprintf(file, sizeof(file), "%s/%s", path, e->d_name) >=
       (int)sizeof(file))
      continue;
    if(read_back(file, ours, &d->uids, log) < 0) {
      if(log)
        fprintf(log, "accessprobe collector: %s: cannot read it: %s\n", file,
                strerror(errno));
      rc = -1;
    }
    if(ours && seq > d->seq)
      d->seq = seq;
  }
  closedir(dir);
  return rc;
}

/* The cached folder rel, loaded when missing (evicting the least recently
 * used when full). NULL when it cannot be read. */
static struct adir *get_dir(struct prb_archive *a, const char *rel,
                            const char *prefix, FILE *log)
{
  a->clock++;
  for(size_t i = 0; i < a->n_dirs; i++)
    if(!strcmp(a->dirs[i].rel, rel)) {
      a->dirs[i].used = a->clock;
      return &a->dirs[i];
    }
  struct adir *d;
  if(a->n_dirs < PRB_ARCHIVE_DIRS_CACHED) {
    d = &a->dirs[a->n_dirs++];
  } else {
    d = &a->dirs[0];
    for(size_t i = 1; i < a->n_dirs; i++)
      if(a->dirs[i].used < d->used)
        d = &a->dirs[i];
    prb_hashtab_free(&d->uids);
  }
  memset(d, 0, sizeof(*d));
  prb_hashtab_init(&d->uids);
  snprintf(d->rel, sizeof(d->rel), "%s", rel);
  snprintf(d->prefix, sizeof(d->prefix), "%s", prefix);
  d->used = a->clock;
  if(load_dir(a, d, log) < 0) {
    prb_hashtab_free(&d->uids);
    d->rel[0] = '\0';           /* read again next time */
    return NULL;
  }
  return d;
}

/* ---- opening: the lock, and files an unclean stop may have torn ------ */

static void check_tree(const char *path, int depth, time_t since, FILE *log)
{
  DIR *dir = opendir(path);
  if(!dir)
    return;
  struct dirent *e;
  while((e = readdir(dir))) {
    if(e->d_name[0] == '.')
      continue;
    char sub[PATH_LEN];
    struct stat st;
    if(snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >=
       (int)sizeof(sub) || lstat(sub, &st) < 0)
      continue;
    if(S_ISDIR(st.st_mode) && depth < 4)
      check_tree(sub, depth + 1, since, log);
    else if(S_ISREG(st.st_mode) && depth == 4 && st.st_mtime >= since &&
            ends_with(e->d_name, ".jsonl.gz"))
      read_back(sub, true, NULL, log);
  }
  closedir(dir);
}

struct prb_archive *prb_archive_open(const char *root, unsigned collector,
                                     FILE *log, char *why, size_t whylen)
{
  struct prb_archive *a = calloc(1, sizeof(*a));
  if(a)
    a->dirs = calloc(PRB_ARCHIVE_DIRS_CACHED, sizeof(*a->dirs));
  if(!a || !a->dirs) {
    if(a)
      free(a);
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  a->lock_fd = -1;
  a->collector = collector;
  char path[PATH_LEN];
  if(snprintf(a->root, sizeof(a->root), "%s", root) >= (int)sizeof(a->root) ||
     !join(path, root, LOCKFILE)) {
    snprintf(why, whylen, "%s: path too long", root);
    goto fail;
  }
  if(prb_mkdirs(root, 0755, false) < 0) {
    snprintf(why, whylen, "%s: %s", root, strerror(errno));
    goto fail;
  }
  a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if(a->lock_fd < 0 || flock(a->lock_fd, LOCK_EX | LOCK_NB) < 0) {
    snprintf(why, whylen, "%s: %s", path, errno == EWOULDBLOCK ?
             "another collector uses this archive" : strerror(errno));
    goto fail;
  }
  join(path, root, MARKER);     /* shorter than LOCKFILE */
  struct stat st;
  if(stat(path, &st) == 0) {
    /* The last collector did not stop cleanly: its last members may be
     * torn. Files it wrote are at least as new as its marker. */
    if(log)
      fprintf(log, "accessprobe collector: %s: the last run did not stop "
              "cleanly; checking the files it wrote\n", root);
    check_tree(root, 0, st.st_mtime - 2, log);
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if(fd < 0 || fsync(fd) < 0) {
    snprintf(why, whylen, "%s: %s", path, strerror(errno));
    if(fd >= 0)
      close(fd);
    goto fail;
  }
  close(fd);
  prb_sync_dir_of(path);
  return a;
fail:
  if(a->lock_fd >= 0)
    close(a->lock_fd);
  free(a->dirs);
  free(a);
  return NULL;
}

void prb_archive_close(struct prb_archive *a)
{
  if(!a)
    return;
  char path[PATH_LEN];
  if(join(path, a->root, MARKER) && unlink(path) == 0)
    prb_sync_dir_of(path);
  for(size_t i = 0; i < a->n_dirs; i++)
    prb_hashtab_free(&a->dirs[i].uids);
  free(a->dirs);
  close(a->lock_fd);
  free(a);
}

unsigned long long prb_archive_stored(const struct prb_archive *a)
{
  return a->stored;
}

/* ---- appending -------------------------------------------------------- */

/* The lines of items[idx[0..n)] (each with '\n') as one gzip member. */
static unsigned char *deflate_member(struct prb_archive_item *items,
                                     const size_t *idx, size_t n,
                                     size_t *outlen)
{
  size_t raw = 0;
  for(size_t i = 0; i < n; i++)
    raw += items[idx[i]].len + 1;
  z_stream z;
  memset(&z, 0, sizeof(z));
  if(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  size_t cap = deflateBound(&z, (uLong)raw) + 64;
  unsigned char *out = malloc(cap);
  if(!out) {
    deflateEnd(&z);
    return NULL;
  }
  z.next_out = out;
  z.avail_out = (uInt)cap;
  for(size_t i = 0; i < n; i++) {
    struct prb_archive_item *it = &items[idx[i]];
    z.next_in = (unsigned char *)(uintptr_t)it->line;
    z.avail_in = (uInt)it->len;
    deflate(&z, Z_NO_FLUSH);
    z.next_in = (unsigned char *)(uintptr_t)"\n";
    z.avail_in = 1;
    deflate(&z, Z_NO_FLUSH);
  }
  int zr = deflate(&z, Z_FINISH);
  *outlen = cap - z.avail_out;
  deflateEnd(&z);
  if(zr != Z_STREAM_END) {
    free(out);
    return NULL;
  }
  return out;
}

/* Makes the folder (and syncs the new entries up to the root). */
static int make_dir(const struct prb_archive *a, const char *rel)
{
  char path[PATH_LEN];
  struct stat st;
  if(!join(path, a->root, rel)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if(stat(path, &st) == 0)
    return 0;
  if(prb_mkdirs(path, 0755, false) < 0)
    return -1;
  /* rel has four levels: sync each new entry's parent. */
  for(int level = 0; level < 4; level++) {
    prb_sync_dir_of(path);
    char *slash = strrchr(path, '/');
    if(!slash)
      break;
    *slash = '\0';
  }
  return 0;
}

/* Appends the member to the folder's current file and syncs it. 0, or -1
 * with errno (nothing of the member left in the file). */
static int append(struct prb_archive *a, struct adir *d,
                  const unsigned char *member, size_t len)
{
  char path[PATH_LEN];
  for(;;) {
    int pl = snprintf(path, sizeof(path), "%s/%s/%s.n%u.%u.jsonl.gz",
                      a->root, d->rel, d->prefix, a->collector, d->seq);
    if(pl < 0 || pl >= (int)sizeof(path)) {
      errno = ENAMETOOLONG;
      return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                  O_NOFOLLOW, 0644);
    if(fd < 0)
      return -1;
    struct stat st;
    if(fstat(fd, &st) < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if((unsigned long long)st.st_size >= PRB_ARCHIVE_FILE_MAX) {
      close(fd);
      d->seq++;
      continue;
    }
    if(prb_write_all(fd, member, len) < 0 || fdatasync(fd) < 0) {
      int e = errno;
      /* No partial member stays behind; a file whose sync failed is not
       * trusted again (its pages may be lost): the next batch starts a
       * new one. */
      if(ftruncate(fd, st.st_size) == 0)
        fsync(fd);
      if(e != ENOSPC && e != EDQUOT)
        d->seq++;
      close(fd);
      errno = e;
      return -1;
    }
    close(fd);
    if(st.st_size == 0)
      prb_sync_dir_of(path);
    return 0;
  }
}

static int cmp_rel(const void *x, const void *y, void *arg)
{
  char (*rels)[64] = arg;
  return strcmp(rels[*(const size_t *)x], rels[*(const size_t *)y]);
}

/* One folder's items (idx[0..n)): duplicates marked, the rest appended. */
static size_t store_group(struct prb_archive *a, struct prb_archive_item *items,
                          size_t *idx, size_t n, const char *rel,
                          const char *prefix, FILE *log)
{
  struct adir *d = make_dir(a, rel) < 0 ? NULL :
                   get_dir(a, rel, prefix, log);
  size_t fresh = 0;
  uint64_t *keys = d ? malloc(n * sizeof(*keys)) : NULL;
  if(!d || !keys) {
    enum prb_archive_result fail = errno == ENOSPC || errno == EDQUOT ?
                                   PRB_ARCHIVE_FULL : PRB_ARCHIVE_FAILED;
    if(log)
      fprintf(log, "accessprobe collector: %s/%s: %s\n", a->root, rel,
              strerror(errno));
    for(size_t i = 0; i < n; i++)
      items[idx[i]].result = fail;
    free(keys);
    return n;
  }
  for(size_t i = 0; i < n; i++) {
    struct prb_archive_item *it = &items[idx[i]];
    uint64_t k;
    bool dup = !uid_key(it->uid, strlen(it->uid), &k) ||
               prb_hashtab_find(&d->uids, k, NULL, NULL) != PRB_HASH_NONE;
    for(size_t j = 0; !dup && j < fresh; j++)
      dup = keys[j] == k;
    it->result = PRB_ARCHIVE_DUPLICATE;
    if(!dup) {
      keys[fresh] = k;
      idx[fresh++] = idx[i];
    }
  }
  size_t failed = 0, mlen = 0;
  unsigned char *member = fresh ? deflate_member(items, idx, fresh, &mlen) :
                          NULL;
  int rc = !fresh ? 0 : member ? append(a, d, member, mlen) : -1;
  enum prb_archive_result res = !rc ? PRB_ARCHIVE_STORED :
                                errno == ENOSPC || errno == EDQUOT ?
                                PRB_ARCHIVE_FULL : PRB_ARCHIVE_FAILED;
  if(rc && log)
    fprintf(log, "accessprobe collector: %s/%s: cannot store %zu records: "
            "%s\n", a->root, rel, fresh, member ? strerror(errno) :
            "out of memory");
  for(size_t i = 0; i < fresh; i++) {
    items[idx[i]].result = res;
    if(!rc && !prb_hashtab_add(&d->uids, keys[i], 0))
      d->rel[0] = '\0';         /* no memory: read the folder again */
  }
  if(rc)
    failed = fresh;
  else
    a->stored += fresh;
  free(member);
  free(keys);
  return failed;
}

size_t prb_archive_store(struct prb_archive *a, struct prb_archive_item *items,
                         size_t n, FILE *log)
{
  size_t failed = 0;
  size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
  char (*rels)[64] = malloc((n ? n : 1) * sizeof(*rels));
  char (*prefixes)[64] = malloc((n ? n : 1) * sizeof(*prefixes));
  if(!idx || !rels || !prefixes) {
    for(size_t i = 0; i < n; i++)
      items[i].result = PRB_ARCHIVE_FAILED;
    failed = n;
    goto out;
  }
  size_t m = 0;
  for(size_t i = 0; i < n; i++) {
    if(prb_archive_place(items[i].uid, rels[i], sizeof(rels[i]),
                         prefixes[i], sizeof(prefixes[i])))
      idx[m++] = i;
    else {
      items[i].result = PRB_ARCHIVE_FAILED;
      failed++;
    }
  }
  qsort_r(idx, m, sizeof(*idx), cmp_rel, rels);
  for(size_t i = 0; i < m;) {
    size_t j = i + 1;
    while(j < m && !strcmp(rels[idx[j]], rels[idx[i]]))
      j++;
    failed += store_group(a, items, idx + i, j - i, rels[idx[i]],
                          prefixes[idx[i]], log);
    i = j;
  }
out:
  free(idx);
  free(rels);
  free(prefixes);
  return failed;
}
