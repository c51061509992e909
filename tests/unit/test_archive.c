/* test_archive.c: the collector's archive: OONI's layout, a record stored
 * once however often it comes (in one batch, in later batches, after a
 * restart), whole gzip members readable as one file, a torn last member cut
 * off after an unclean stop and never counted. */
#include "check.h"
#include "store/archive.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char root[] = "/tmp/test_archive.XXXXXX";

#define UID1 "20240201101445.123456_KZ_webconnectivity_0123456789abcdef"
#define UID2 "20240201105959.000001_KZ_webconnectivity_fedcba9876543210"
#define UID3 "20240201110000.000001_KZ_webconnectivity_00000000000000aa"
#define FILE_10 "/20240201/10/KZ/webconnectivity/" \
  "2024020110_KZ_webconnectivity.n1.0.jsonl.gz"

static void item(struct prb_archive_item *it, const char *uid, char *buf,
                 size_t buflen)
{
  snprintf(buf, buflen, "{\"measurement_uid\":\"%s\",\"x\":1}", uid);
  it->uid = uid;
  it->line = buf;
  it->len = strlen(buf);
  it->result = PRB_ARCHIVE_FAILED;
}

/* Lines in a gzip file read whole (concatenated members too); -1 when
 * the file cannot be read to its end. */
static int count_lines(const char *path)
{
  gzFile f = gzopen(path, "rb");
  if(!f)
    return -1;
  char buf[4096];
  int n = 0;
  while(gzgets(f, buf, sizeof(buf)))
    if(strchr(buf, '\n'))
      n++;
  int err;
  gzerror(f, &err);
  gzclose(f);
  return err == Z_OK || err == Z_STREAM_END ? n : -1;
}

static void test_place(void)
{
  char dir[64], prefix[64];
  CHECK(prb_archive_place(UID1, dir, sizeof(dir), prefix, sizeof(prefix)));
  CHECK_STR(dir, "20240201/10/KZ/webconnectivity");
  CHECK_STR(prefix, "2024020110_KZ_webconnectivity");
  CHECK(!prb_archive_place("2024020110_KZ_../../x_0123456789abcdef", dir,
                           sizeof(dir), prefix, sizeof(prefix)));
  CHECK(!prb_archive_place("x", dir, sizeof(dir), prefix, sizeof(prefix)));
}

static void test_store(void)
{
  char why[256], b[4][128], path[512];
  struct prb_archive *a = prb_archive_open(root, 1, stderr, why, sizeof(why));
  CHECK(a != NULL);
  if(!a)
    return;
  struct prb_archive_item it[4];
  item(&it[0], UID1, b[0], sizeof(b[0]));
  item(&it[1], UID2, b[1], sizeof(b[1]));
  item(&it[2], UID1, b[2], sizeof(b[2]));      /* twice in one batch */
  item(&it[3], UID3, b[3], sizeof(b[3]));      /* the next hour */
  CHECK_INT(prb_archive_store(a, it, 4, stderr), 0);
  CHECK_INT(it[0].result, PRB_ARCHIVE_STORED);
  CHECK_INT(it[1].result, PRB_ARCHIVE_STORED);
  CHECK_INT(it[2].result, PRB_ARCHIVE_DUPLICATE);
  CHECK_INT(it[3].result, PRB_ARCHIVE_STORED);
  snprintf(path, sizeof(path), "%s%s", root, FILE_10);
  CHECK_INT(count_lines(path), 2);
  /* Sent again later: nothing written. */
  item(&it[0], UID2, b[0], sizeof(b[0]));
  CHECK_INT(prb_archive_store(a, it, 1, stderr), 0);
  CHECK_INT(it[0].result, PRB_ARCHIVE_DUPLICATE);
  CHECK_INT(prb_archive_stored(a), 3);
  prb_archive_close(a);
  /* After a restart the folder is read back: still a duplicate; a new
   * record is a second member of the same file. */
  a = prb_archive_open(root, 1, stderr, why, sizeof(why));
  CHECK(a != NULL);
  if(!a)
    return;
  item(&it[0], UID1, b[0], sizeof(b[0]));
  item(&it[1], "20240201101000.000000_KZ_webconnectivity_1111111111111111",
       b[1], sizeof(b[1]));
  CHECK_INT(prb_archive_store(a, it, 2, stderr), 0);
  CHECK_INT(it[0].result, PRB_ARCHIVE_DUPLICATE);
  CHECK_INT(it[1].result, PRB_ARCHIVE_STORED);
  CHECK_INT(count_lines(path), 3);
  /* A second archive on the same folder is refused while this one runs. */
  struct prb_archive *other = prb_archive_open(root, 1, NULL, why,
                                               sizeof(why));
  CHECK(other == NULL);
  CHECK(strstr(why, "another collector") != NULL);
  prb_archive_close(a);
}

/* A crash in the middle of an append leaves half a member: the next start
 * cuts it off; its records count as never stored. */
static void test_torn(void)
{
  char why[256], b[128], path[512], marker[512];
  snprintf(path, sizeof(path), "%s%s", root, FILE_10);
  struct stat before;
  CHECK(stat(path, &before) == 0);
  /* Half of a real member holding UID_TORN. */
  const char *uid = "20240201103000.000000_KZ_webconnectivity_2222222222222222";
  char line[128];
  snprintf(line, sizeof(line), "{\"measurement_uid\":\"%s\",\"x\":2}\n", uid);
  unsigned char member[256];
  z_stream z;
  memset(&z, 0, sizeof(z));
  deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  z.next_in = (unsigned char *)line;
  z.avail_in = (uInt)strlen(line);
  z.next_out = member;
  z.avail_out = sizeof(member);
  deflate(&z, Z_FINISH);
  size_t mlen = sizeof(member) - z.avail_out;
  deflateEnd(&z);
  int fd = open(path, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, member, mlen - 6) == (ssize_t)(mlen - 6));
  close(fd);
  /* The unclean stop left its marker. */
  snprintf(marker, sizeof(marker), "%s/.collector-running", root);
  fd = open(marker, O_WRONLY | O_CREAT, 0644);
  close(fd);
  CHECK_INT(count_lines(path), -1);
  struct prb_archive *a = prb_archive_open(root, 1, stderr, why, sizeof(why));
  CHECK(a != NULL);
  if(!a)
    return;
  struct stat after;
  CHECK(stat(path, &after) == 0 && after.st_size == before.st_size);
  CHECK_INT(count_lines(path), 3);
  /* Its record was never stored: sent again, it is stored now. */
  struct prb_archive_item it;
  item(&it, uid, b, sizeof(b));
  CHECK_INT(prb_archive_store(a, &it, 1, stderr), 0);
  CHECK_INT(it.result, PRB_ARCHIVE_STORED);
  CHECK_INT(count_lines(path), 4);
  prb_archive_close(a);
  CHECK(access(marker, F_OK) != 0);
}

int main(void)
{
  if(!mkdtemp(root)) {
    perror("mkdtemp");
    return 1;
  }
  test_place();
  test_store();
  test_torn();
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", root);
  return test_summary();
}
