/* test_lock.c: one holder per folder; the lock dies with its holder. */
#include "check.h"
#include "volunteer/lock.h"
#include "common/files.h"

#include <signal.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/test_lock.XXXXXX";

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char sub[256], why[256];
  snprintf(sub, sizeof(sub), "%s/a/b", dir);
  long holder = -1;
  CHECK_INT(prb_lock_held(sub), 0);
  int fd = prb_lock_take(sub, &holder, why, sizeof(why));   /* mkdir -p */
  CHECK(fd >= 0);
  CHECK_INT(holder, 0);
  CHECK_INT(prb_lock_held(sub), 1);
  /* A second open file description conflicts, even in this process. */
  CHECK_INT(prb_lock_take(sub, &holder, why, sizeof(why)), PRB_LOCK_BUSY);
  CHECK_INT(holder, (long)getpid());
  prb_lock_release(fd);
  CHECK_INT(prb_lock_held(sub), 0);
  fd = prb_lock_take(sub, NULL, why, sizeof(why));
  CHECK(fd >= 0);
  prb_lock_release(fd);

  /* A holder killed with SIGKILL leaves no stale lock. */
  int pipefd[2];
  CHECK(pipe(pipefd) == 0);
  pid_t pid = fork();
  if(pid == 0) {
    int l = prb_lock_take(sub, NULL, why, sizeof(why));
    char c = l >= 0 ? 'y' : 'n';
    if(write(pipefd[1], &c, 1) != 1)
      _exit(2);
    pause();
    _exit(0);
  }
  char c = 0;
  CHECK(read(pipefd[0], &c, 1) == 1 && c == 'y');
  CHECK_INT(prb_lock_take(sub, &holder, why, sizeof(why)), PRB_LOCK_BUSY);
  CHECK_INT(holder, (long)pid);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  fd = prb_lock_take(sub, NULL, why, sizeof(why));
  CHECK(fd >= 0);
  prb_lock_release(fd);

  /* Not a folder. */
  char file[256];
  snprintf(file, sizeof(file), "%s/a/b/%s", dir, PRB_LOCK_NAME);
  CHECK_INT(prb_lock_take(file, NULL, why, sizeof(why)), PRB_LOCK_ERROR);
  CHECK(strstr(why, "cannot create") != NULL);

  /* A results file in a state folder is locked with the state folder,
   * whatever path names it; elsewhere with its own folder. */
  char state[256], day[300], got[4096], want[4096], rfile[4096];
  snprintf(state, sizeof(state), "%s/st", dir);
  snprintf(day, sizeof(day), "%s/st/results/2030-01-02", dir);
  CHECK_INT(prb_mkdirs(day, 0750, true), 0);
  snprintf(rfile, sizeof(rfile), "%s/a.jsonl", day);
  CHECK(prb_lock_dir_for(rfile, got, sizeof(got)));
  CHECK_STR(got, day);                  /* not a state folder (yet) */
  fd = prb_lock_take(state, NULL, why, sizeof(why));    /* now it is */
  CHECK(fd >= 0);
  CHECK(realpath(state, want) != NULL);
  CHECK(prb_lock_dir_for(rfile, got, sizeof(got)));
  CHECK_STR(got, want);
  snprintf(rfile, sizeof(rfile), "%s/st/results/../results/2030-01-02/a.jsonl",
           dir);
  CHECK(prb_lock_dir_for(rfile, got, sizeof(got)));
  CHECK_STR(got, want);
  /* So a second run writing that file finds the scheduled run's lock. */
  CHECK(prb_lock_dir_for(rfile, got, sizeof(got)));
  CHECK_INT(prb_lock_take(got, NULL, why, sizeof(why)), PRB_LOCK_BUSY);
  prb_lock_release(fd);
  CHECK(prb_lock_dir_for("x.jsonl", got, sizeof(got)));
  CHECK_STR(got, ".");

  /* Taken by root in a folder of the service user: the lock file stays
   * openable by that user. */
  if(geteuid() == 0) {
    char own[256];
    snprintf(own, sizeof(own), "%s/own", dir);
    CHECK_INT(prb_mkdirs(own, 0750, true), 0);
    CHECK(chown(own, 65534, 65534) == 0);
    char made[1024];
    snprintf(made, sizeof(made), "%s/own/new", dir);
    fd = prb_lock_take(made, NULL, why, sizeof(why));
    CHECK(fd >= 0);
    prb_lock_release(fd);
    struct stat st;
    CHECK(stat(made, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534);
    snprintf(rfile, sizeof(rfile), "%s/%s", made, PRB_LOCK_NAME);
    CHECK(stat(rfile, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534);
  } else
    printf("lock owner: skipped (not root)\n");

  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
