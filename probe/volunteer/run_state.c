/* run_state.c: `accessprobe run` in a state folder (--scheduled,
 * --state-dir): consent and the clock for the timer, the lock, the run
 * index, resuming the last run, retention, free space, and a loud word in
 * the journal when runs keep finding the network down. */
#include "volunteer/run_cli.h"
#include "volunteer/onboard.h"
#include "volunteer/lock.h"
#include "volunteer/state.h"
#include "volunteer/upload.h"
#include "volunteer/words.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#define SCHEDULED_BUDGET 7200   /* seconds, when none is configured */
#define UPLOAD_BUDGET 600       /* seconds of uploading after a run */
#define MIN_FREE_BYTES (1024 * 1024) /* below this, a run cannot start */
/* 2025-01-01: a clock before this is wrong (a Raspberry Pi without a clock
 * battery boots in the past), and every TLS handshake would fail. */
#define CLOCK_FLOOR 1735689600L

static unsigned long long free_bytes(const char *dir)
{
  struct statvfs sv;
  if(statvfs(dir, &sv) < 0)
    return ~0ULL;               /* unknown: do not claim the disk is full */
  return (unsigned long long)sv.f_bavail * sv.f_frsize;
}

static const char *status_for(int rc, size_t left)
{
  switch(rc) {
  case PRB_EXIT_OK:
    return left ? "budget" : "complete";
  case PRB_EXIT_INTERRUPTED:
    return "interrupted";
  case PRB_EXIT_DISK_FULL:
    return "disk_full";
  case PRB_EXIT_OFFLINE:
    return "offline";
  default:
    return "failed";
  }
}

/* A nameserver on this machine other than systemd-resolved's stub, which
 * the unit's IPAddressDeny=localhost blocks unless install-schedule added
 * a drop-in for it. */
static bool loopback_resolver(char *out, size_t outlen)
{
  FILE *f = fopen("/etc/resolv.conf", "re");
  if(!f)
    return false;
  char line[512], addr[128];
  bool found = false;
  while(!found && fgets(line, sizeof(line), f))
    if(sscanf(line, " nameserver %127s", addr) == 1 &&
       ((!strncmp(addr, "127.", 4) && strcmp(addr, "127.0.0.53")) ||
        !strcmp(addr, "::1"))) {
      snprintf(out, outlen, "%s", addr);
      found = true;
    }
  fclose(f);
  return found;
}

/* An offline run exits 5, which systemd counts as success: say loudly in
 * the journal how long nothing has been measured, and the likely cause. */
static void offline_notice(const struct prb_index *ix)
{
  const char *since = NULL;
  size_t streak = prb_state_offline_streak(ix, &since);
  if(streak > 1)
    fprintf(stderr, prb_tr("accessprobe: WARNING: %zu runs in a row measured "
                           "nothing (offline); the last run that measured was "
                           "%s\n"), streak, since ? since : prb_tr("never"));
  char addr[128];
  if(loopback_resolver(addr, sizeof(addr)))
    fprintf(stderr, prb_tr("accessprobe: this machine's resolver is %s (in "
                           "/etc/resolv.conf), on this machine: the scheduled "
                           "service may not reach it unless "
                           "scripts/install-schedule allowed it; run `sudo "
                           "scripts/install-schedule` again (see "
                           "docs/volunteers.md)\n"), addr);
}

/* After measuring: every record not yet taken by a configured collector
 * goes now (this run's and what earlier runs left); what cannot go waits
 * for the next run. The run's exit status stays the measurement's. */
static void upload_after(const char *dir, const struct prb_config *cf)
{
  struct prb_upload_opts o;
  memset(&o, 0, sizeof(o));
  o.n_collectors = prb_upload_collectors(cf, o.collectors);
  if(!o.n_collectors)
    return;
  o.state_dir = dir;
  o.budget = UPLOAD_BUDGET;
  o.timeout = 60;
  o.retry_base = 15;
  o.parallel = PRB_UPLOAD_PARALLEL;
  o.log = stderr;
  enum prb_exit rc = prb_upload(&o, NULL);
  if(rc != PRB_EXIT_OK && rc != PRB_EXIT_UPLOAD_WAITING &&
     rc != PRB_EXIT_INTERRUPTED)
    fprintf(stderr, "accessprobe: the upload failed (status %d); the records "
            "stay in %s and go next time\n", (int)rc, dir);
}

static void save_index(const char *dir, const struct prb_index *ix)
{
  char why[512];
  if(prb_state_index_save(dir, ix, why, sizeof(why)) < 0)
    fprintf(stderr, prb_tr("accessprobe: cannot update the run index: %s\n"),
            why);
}

enum prb_exit prb_run_in_state(struct prb_run_cli *c, const struct prb_config *cf,
                        struct prb_inputs *in)
{
  char dir[4096], why[512];
  if(c->state_dir)
    snprintf(dir, sizeof(dir), "%s", c->state_dir);
  else if(cf->state_dir)
    snprintf(dir, sizeof(dir), "%s", cf->state_dir);
  else if(!prb_state_default_dir(dir, sizeof(dir))) {
    fprintf(stderr, prb_tr("accessprobe: no state folder: give --state-dir "
                           "DIR\n"));
    return PRB_EXIT_USAGE;
  }
  /* From here on, the language the volunteer chose when agreeing. */
  prb_words_use_for(dir);
  if(c->scheduled) {
    enum prb_consent consent = prb_onboard_check(dir, why, sizeof(why));
    if(consent != PRB_CONSENT_YES) {
      fprintf(stderr, prb_tr("accessprobe: not measuring: %s\n"), why);
      return PRB_EXIT_NO_CONSENT;
    }
    if((long)time(NULL) < CLOCK_FLOOR) {
      fprintf(stderr, prb_tr("accessprobe: not measuring: this computer's "
                             "clock is wrong (it says before 2025), so every "
                             "TLS check would fail; wait for the time to be "
                             "synchronised (NTP) and run again\n"));
      return PRB_EXIT_OFFLINE;
    }
  }
  if(prb_state_prepare(dir, why, sizeof(why)) < 0) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  int lock = -1;
  int rc = prb_run_cli_lock(dir, &lock);
  if(rc != PRB_EXIT_OK)
    return rc;
  struct prb_index ix;
  /* Retention must see every run on disk, listed or not. */
  if(prb_state_index_open(dir, &ix, stderr) < 0) {
    prb_state_index_free(&ix);
    prb_lock_release(lock);
    return PRB_EXIT_INTERNAL;
  }
  struct prb_run_entry e;
  struct prb_run_entry *prev = (c->resume || c->scheduled) ?
                               prb_state_resumable(&ix, c->scheduled,
                                                   time(NULL)) : NULL;
  size_t already = 0;
  char path[4096];
  char report_id[96] = "";      /* a resumed run keeps its report_id */
  if(prev) {
    e = *prev;
    if(!prb_state_path(dir, e.file, path, sizeof(path))) {
      rc = PRB_EXIT_INTERNAL;
      goto out;
    }
    rc = prb_run_cli_resume(c, path, in, &already, report_id,
                            sizeof(report_id));
    if(rc != PRB_EXIT_OK)
      goto out;
    if(report_id[0])
      c->o.report_id = report_id;
    if(prb_run_cli_nothing_left(c, in)) {
      /* It had finished; only its index entry had not been updated. */
      prb_state_count(path, e.counts, &already);
      snprintf(e.status, sizeof(e.status), "complete");
      e.left = 0;
      prb_state_now(e.finished);
      prb_state_index_put(&ix, &e);
      save_index(dir, &ix);
      fprintf(stderr, prb_tr("accessprobe: run %s was already complete\n"),
              e.id);
      if(!c->scheduled)
        goto out;
      /* The timer asked for today's measurement: a new run does it. */
      c->o.report_id = NULL;
      already = 0;
      rc = prb_run_cli_inputs(c, in);
      if(rc != PRB_EXIT_OK)
        goto out;
      prev = NULL;
    } else {
      e.resumed++;
      snprintf(e.status, sizeof(e.status), "running");
      e.finished[0] = '\0';
    }
  }
  if(!prev) {
    if(c->resume)
      fprintf(stderr, prb_tr("accessprobe: nothing to resume in %s; starting "
                             "a new run\n"), dir);
    if(prb_state_new_run(dir, c->o.probe_asn, c->o.probe_cc, &e, why,
                         sizeof(why)) < 0 ||
       !prb_state_path(dir, e.file, path, sizeof(path))) {
      fprintf(stderr, "accessprobe: %s\n", why);
      rc = PRB_EXIT_OUTPUT;
      goto out;
    }
    e.inputs = in->n;
    prb_state_copy_text(e.network, sizeof(e.network),
                        c->o.probe_network_name);
  }
  /* Whether its verdicts could lean on a control (results says it). */
  snprintf(e.control, sizeof(e.control), "%s",
           c->o.n_controls && !c->o.no_control ? "with" : "without");
  if(!prb_state_index_put(&ix, &e)) {
    rc = PRB_EXIT_INTERNAL;
    goto out;
  }
  /* Old runs go first, so the SD card has room for this one; runs whose
   * records still wait for a collector stay unless room forces it. */
  const char *urls[PRB_MAX_COLLECTORS + 1];
  struct prb_upload_hold uh = {dir, urls, prb_upload_collectors(cf, urls)};
  struct prb_retain_hold hold;
  prb_upload_hold(&hold, &uh);
  prb_state_retain_hold(dir, &ix, cf->retention_days, cf->retention_max_mb,
                        e.id, &hold, stderr);
  save_index(dir, &ix);
  if(free_bytes(dir) < MIN_FREE_BYTES) {
    fprintf(stderr, prb_tr("accessprobe: the disk holding %s is full (less "
                           "than 1 MiB free): not measuring. Free some space "
                           "or lower the retention limits in the "
                           "configuration.\n"), dir);
    rc = PRB_EXIT_DISK_FULL;
    goto out;
  }
  if(c->scheduled && !c->set_budget)
    c->o.max_runtime = SCHEDULED_BUDGET;
  /* A root run (sudo ... --state-dir) writes files the service user must
   * still append to: create the results file as the folder's owner. */
  prb_state_own_file(path);
  c->o.output = path;
  struct prb_run_stats st;
  memset(&st, 0, sizeof(st));
  rc = prb_run_cli_measure(c, in, already, e.id, &st);
  struct prb_run_entry *cur = prb_state_index_find(&ix, e.id);
  if(cur) {
    size_t total = 0;
    cur->left = prb_run_cli_unmeasured(in, &st);
    snprintf(cur->status, sizeof(cur->status), "%s",
             status_for(rc, cur->left));
    prb_state_now(cur->finished);
    if(prb_state_count(path, cur->counts, &total) < 0)
      memset(cur->counts, 0, sizeof(cur->counts));
    cur->control_unreachable += st.control_unreachable;
    if(st.control_unreachable)
      snprintf(cur->control_how, sizeof(cur->control_how), "%s",
               st.control_how);
    save_index(dir, &ix);
  }
  if(rc == PRB_EXIT_OFFLINE && c->scheduled)
    offline_notice(&ix);
  /* Offline, nothing would get through: the next run uploads. */
  if(rc != PRB_EXIT_INTERRUPTED && rc != PRB_EXIT_OFFLINE)
    upload_after(dir, cf);
out:
  prb_state_index_free(&ix);
  prb_lock_release(lock);
  return rc;
}
