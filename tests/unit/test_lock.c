/* test_lock.c: one holder per folder; the lock dies with its holder. */
#include "check.h"
#include "lock.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
