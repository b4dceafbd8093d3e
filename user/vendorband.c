// SPDX-License-Identifier: GPL-2.0
/*
 * vendorband: the enforcement daemon. It loads (or takes over) the pinned BPF programs, compiles
 * the policy into their maps, proves by a self-test that the kernel enforces, and writes every
 * denial to the log. Enforcement lives in the kernel: if this process dies, it goes on.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <systemd/sd-daemon.h>
#include "daemon/daemon.h"
#include "daemon/disable.h"
#include "daemon/notify.h"
#include "daemon/runstate.h"
#include "log/logtime.h"
#include "log/spool.h"
#include "util/msg.h"
#include "version.h"

#define VB_POLICY_DEFAULT	"/etc/vendorban/vendorban.policy"
#define VB_POLL_MS		200
#define VB_REPEAT_MS		1000	/* how often the kernel's repeat counts are handed over */

static volatile sig_atomic_t stop_requested, reload_requested, rescan_requested;
static volatile sig_atomic_t stop_signal, stop_sender;

/* With SA_SIGINFO: the stop record names who sent it. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGHUP) {
		reload_requested = 1;
	} else if (sig == SIGUSR1) {
		rescan_requested = 1;
	} else {
		stop_signal = sig;
		stop_sender = si ? si->si_pid : 0;
		stop_requested = 1;
	}
}

/*
 * Each path rule whose file exists holds an O_PATH fd while its policy is in force
 * (kernel/pathid.c), and a reload holds two policies' at once: under the soft limit systemd and
 * login shells give (1024), a policy of about 1,020 such rules was refused with EMFILE
 * (measured). The hard limit is the administrator's; nothing here uses select(2).
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		vb_warn("cannot raise the open-file limit to %llu: %s (a policy with many path "
			"rules that exist here may be refused)", (unsigned long long)rl.rlim_max,
			strerror(errno));
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGUSR1, SIGTERM, SIGINT, SIGQUIT };
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The default places a vendor's files live, those of them this host has. */
static void default_scan_paths(struct daemon *d)
{
	static char defaults[] = VB_SCAN_DEFAULT_PATHS;
	char *save = NULL;

	for (char *dir = strtok_r(defaults, ":", &save); dir && d->n_scan_paths < VB_SCAN_PATHS_MAX;
	     dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		if (!lstat(dir, &st) && S_ISDIR(st.st_mode))
			d->scan_paths[d->n_scan_paths++] = dir;
	}
}

/* Long options without a short one: values past any character, so none can collide. */
enum {
	OPT_LOG_MAX_SIZE = 0x100,
	OPT_LOG_MAX_AGE,
	OPT_LOG_KEEP,
	OPT_NO_AUDIT,
	OPT_RESCAN,
	OPT_DISABLE,
	OPT_ORDER,
	OPT_JSON,
	OPT_PRETTY,
	OPT_VERSION,
};

/* Said once per cause: a flood would otherwise repeat the complaint every second. */
static void flush_repeats(struct daemon *d, struct ring_buffer *rb)
{
	static int last_err;
	int err = daemon_flush_repeats(d, rb);

	if (err && err != last_err)
		vb_err("cannot take the kernel's repeat counts: %s (they stay counted there, "
		       "and go into the log once this works)", strerror(-err));
	last_err = err;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vendorband [OPTIONS]\n"
		"  -p, --policy FILE            policy to enforce (default " VB_POLICY_DEFAULT ")\n"
		"  -l, --log FILE               denial log (default " VB_DENYLOG_DEFAULT ")\n"
		"      --log-max-size SIZE      rotate the log before it passes SIZE (K, M, G;\n"
		"                               default 64M, at least 64K; 0: never)\n"
		"      --log-max-age AGE        rotate the log when it is AGE old (s, m, h, d, w;\n"
		"                               default 7d; 0: never)\n"
		"      --log-keep N             rotated logs kept, compressed (default 30)\n"
		"      --no-audit               do not send denials to the Linux audit subsystem\n"
		"      --path auto|lsm|fmod_ret how to hook the kernel (default auto)\n"
		"      --mprotect-unverified deny|allow\n"
		"                               mprotect(PROT_EXEC) on a file with no verdict\n"
		"                               (default: deny where the kernel hashes content)\n"
		"      --trusted-signer CERT    enforce only policies signed by CERT (PEM; repeat\n"
		"                               for more), never one older than the one in force\n"
		"      --no-syslog              do not copy messages and denials to syslog\n"
		"      --scan DIR               look for files of the policy's signers, packages and\n"
		"                               modules below DIR (repeat for more; 'none' for no\n"
		"                               scan; default " VB_SCAN_DEFAULT_PATHS ")\n"
		"      --rescan AGE             scan again this often, for software installed since\n"
		"                               (s, m, h, d; default 1h; 0: only on reload and\n"
		"                               SIGUSR1); unchanged files are not read again;\n"
		"                               running processes and loaded modules are checked\n"
		"                               then too, and at start and every reload\n"
		"      --disable                stop enforcing on purpose (what 'vendorban disable'\n"
		"                               runs): with no daemon running, record it in the log,\n"
		"                               then detach the programs\n"
		"      --order FILE             with --disable, where the programs enforce signed\n"
		"                               policies: a disable order signed like a policy\n"
		"                               (FILE.sig), not older than the policy in force\n"
		"      --json, --pretty         with --disable: the outcome and errors as JSON\n"
		"      --version\n"
		"  -h, --help\n"
		"Run by systemd (vendorband.service, Type=notify); man vendorband(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE },
		{ "log-max-age", required_argument, NULL, OPT_LOG_MAX_AGE },
		{ "log-keep", required_argument, NULL, OPT_LOG_KEEP },
		{ "no-audit", no_argument, NULL, OPT_NO_AUDIT },
		{ "rescan", required_argument, NULL, OPT_RESCAN },
		{ "path", required_argument, NULL, 'P' },
		{ "mprotect-unverified", required_argument, NULL, 'M' },
		{ "no-syslog", no_argument, NULL, 'S' },
		{ "trusted-signer", required_argument, NULL, 'T' },
		{ "scan", required_argument, NULL, 'D' },
		{ "disable", no_argument, NULL, OPT_DISABLE },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct daemon d = { .policy_path = VB_POLICY_DEFAULT, .mprotect_deny = -1,
			    .rescan_ms = VB_RESCAN_DEFAULT_MS };
	const char *log_path = VB_DENYLOG_DEFAULT;
	struct vb_denylog_opts log_opts = { VB_DENYLOG_MAX_SIZE, VB_DENYLOG_MAX_AGE,
					    VB_DENYLOG_KEEP };
	bool no_audit = false;
	char *end;
	struct ring_buffer *rb = NULL;
	struct vb_policy *p;
	int c, use_syslog = 1, err;
	bool scan_given = false, disable = false;
	const char *order = NULL;
	int json = 0;
	__u64 last_scan_ms, last_repeat_ms;

	while ((c = getopt_long(argc, argv, "p:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			d.policy_path = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case OPT_LOG_MAX_SIZE:
			if (vb_size_parse(optarg, &log_opts.max_size) ||
			    (log_opts.max_size && log_opts.max_size < VB_DENYLOG_MIN_SIZE)) {
				fprintf(stderr, "vendorband: --log-max-size '%s': want a size of at "
					"least 64K (K, M or G), or 0 for no limit\n", optarg);
				goto bad_usage;
			}
			break;
		case OPT_LOG_MAX_AGE:
			if (vb_duration_parse(optarg, &log_opts.max_age)) {
				fprintf(stderr, "vendorband: --log-max-age '%s': want an age such "
					"as 7d, 12h or 30m\n", optarg);
				goto bad_usage;
			}
			break;
		case OPT_LOG_KEEP:
			log_opts.keep = strtoul(optarg, &end, 10);
			if (*end || end == optarg || !log_opts.keep ||
			    log_opts.keep > VB_DENYLOG_KEEP_MAX) {
				fprintf(stderr, "vendorband: --log-keep '%s': want a count from 1 to "
					"%d\n", optarg, VB_DENYLOG_KEEP_MAX);
				goto bad_usage;
			}
			break;
		case OPT_NO_AUDIT:
			no_audit = true;
			break;
		case OPT_DISABLE:
			disable = true;
			break;
		case OPT_ORDER:
			order = optarg;
			break;
		case OPT_RESCAN: {
			uint64_t secs;

			if (vb_duration_parse(optarg, &secs))
				goto bad_usage;
			d.rescan_ms = secs * 1000;
			break;
		}
		case 'P':
			if (!strcmp(optarg, "lsm"))
				d.want_path = VB_PATH_LSM;
			else if (!strcmp(optarg, "fmod_ret"))
				d.want_path = VB_PATH_FMOD_RET;
			else if (strcmp(optarg, "auto"))
				goto bad_usage;
			break;
		case 'M':
			if (strcmp(optarg, "deny") && strcmp(optarg, "allow"))
				goto bad_usage;
			d.mprotect_deny = !strcmp(optarg, "deny");
			break;
		case 'S':
			use_syslog = 0;
			break;
		case 'T':
			if (d.n_signers == VB_MAX_SIGNERS)
				goto bad_usage;
			d.signer_files[d.n_signers++] = optarg;
			break;
		case 'D':
			scan_given = true;
			if (!strcmp(optarg, "none"))
				break;
			if (d.n_scan_paths == VB_SCAN_PATHS_MAX)
				goto bad_usage;
			d.scan_paths[d.n_scan_paths++] = optarg;
			break;
		case OPT_JSON:
			json = json ? json : JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
			break;
		case OPT_PRETTY:
			json = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			       JSON_C_TO_STRING_NOSLASHESCAPE;
			break;
		case OPT_VERSION:
			printf("vendorband %s\n", VB_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad_usage;
		}
	}
	if (optind != argc)
		goto bad_usage;
	if (!scan_given)
		default_scan_paths(&d);
	vb_msg_init("vendorband", use_syslog);
	if (disable && json)
		vb_msg_json(json);
	if (geteuid()) {
		vb_err("must run as root (it loads BPF programs)");
		return 1;
	}
	gethostname(d.ectx.host, sizeof(d.ectx.host) - 1);
	d.ectx.scanned_path = daemon_scanned_path;
	d.ectx.scanned_arg = &d;
	if (d.n_signers && vb_trust_load(&d.trust, d.signer_files, d.n_signers))
		return 1;
	if (disable) {
		struct vb_disable_opts dopts = { log_path, &log_opts,
						 d.n_signers ? &d.trust : NULL, order, json };

		return vb_disable(&dopts);
	}
	p = NULL;
	if (access(d.policy_path, F_OK) && errno == ENOENT) {
		vb_err("no policy at %s: write one (man 5 vendorban.policy; samples in "
		       "/usr/share/vendorban/policies) or give --policy FILE. Nothing is enforced.",
		       d.policy_path);
		sd_notifyf(0, "STATUS=not started: no policy at %s", d.policy_path);
		return 1;
	}
	raise_fd_limit();
	if (daemon_load_policy(&d, d.policy_path, &p) || daemon_check_rollback_at_start(&d, p)) {
		sd_notifyf(0, "STATUS=not started: policy %s refused (see the journal)",
			   d.policy_path);
		return 1;
	}
	if (vb_denylog_open(&d.log, log_path, &log_opts))
		return 1;
	vb_forward_open(&d.fwd, (use_syslog ? VB_FWD_SYSLOG : 0) | (no_audit ? 0 : VB_FWD_AUDIT),
			d.ectx.host);
	catch_signals();

	err = daemon_start(&d, p);
	if (err == -EKEYREJECTED || err == -EPERM) {
		vb_err("refusing to take over: the programs in the kernel go on enforcing the policy "
		       "in force, unchanged");
		return 1;
	}
	if (err) {
		vb_err("NOT ENFORCING: cannot make this kernel deny anything (%s). Check that the "
		       "kernel has CONFIG_BPF_LSM=y and BTF, and see the messages above.",
		       strerror(-err));
		sd_notifyf(0, "STATUS=NOT ENFORCING: %s", strerror(-err));
		return 1;
	}
	vb_info("enforcing: path %s%s, content hashing in kernel: %s, policy %s version %llu",
		vb_path_name(d.k.settings.path), d.k.took_over ? " (taken over)" : "",
		d.k.settings.can_hash ? "yes" : "no", d.policy_path,
		(unsigned long long)d.policy->version);

	daemon_judge_content(&d);
	rb = ring_buffer__new(d.k.map_fd[VB_MAP_EVENTS], daemon_on_event, &d, NULL);
	if (!rb) {
		vb_err("cannot read denial events: %s (enforcement goes on)", strerror(errno));
		return 1;
	}
	daemon_watch_policy(&d);
	if (vb_watch_start(&d.watch, &d.k))
		vb_warn("cannot watch the pins under %s: tampering the guard cannot refuse goes "
			"unseen", VB_PIN_DIR);
	unlink(VB_WATCH_REPORT);
	daemon_write_reload_report(&d, true, NULL);
	err = vb_daemon_write_pidfile();
	if (err)
		vb_err("cannot write %s: %s (the CLI will not find this daemon)", VB_PIDFILE,
		       strerror(-err));
	/* Install refusals made while no daemon ran (log/spool.h). */
	vb_spool_drain(VB_SPOOL_DIR, daemon_on_spooled, &d);
	daemon_record_start(&d);
	daemon_check_running(&d, "start");
	vb_denylog_flush(&d.log);
	/* Only now: the programs are attached, the self-test refused its canary, banned processes
	 * found running are dealt with, and the start is on record. Units ordered After= this one
	 * start into an enforcing kernel. */
	daemon_notify_ready(&d);
	last_scan_ms = last_repeat_ms = daemon_now_ms();
	while (!stop_requested) {
		err = ring_buffer__poll(rb, d.fan ? daemon_watch_pending(&d, VB_POLL_MS) : VB_POLL_MS);
		if (err < 0 && err != -EINTR) {
			vb_err("reading events failed: %s", strerror(-err));
			break;
		}
		if (d.fan) {
			vb_fan_drain(d.fan, daemon_on_own_event, &d);
			vb_fan_report(d.fan);
		}
		/* Idle ticks too: a pending gap record goes in as soon as the disk takes it. */
		vb_spool_drain(VB_SPOOL_DIR, daemon_on_spooled, &d);
		vb_denylog_flush(&d.log);
		daemon_report_drops(&d);
		if (daemon_now_ms() - last_repeat_ms >= VB_REPEAT_MS) {
			flush_repeats(&d, rb);
			last_repeat_ms = daemon_now_ms();
		}
		if (daemon_policy_changed(&d))
			reload_requested = 1;
		vb_watch_check(&d.watch, &d.k, d.ectx.policy_seq, daemon_now_ms(), daemon_on_tamper,
			       &d);
		daemon_watchdog_tick(&d, daemon_now_ms());
		if (reload_requested) {
			reload_requested = 0;
			daemon_policy_change_taken(&d);
			daemon_reload(&d);
			daemon_check_running(&d, "reload");
			last_scan_ms = daemon_now_ms();
		}
		if (rescan_requested ||
		    (d.rescan_ms && daemon_now_ms() - last_scan_ms >= d.rescan_ms)) {
			rescan_requested = 0;
			daemon_rescan(&d);
			daemon_check_running(&d, "rescan");
			last_scan_ms = daemon_now_ms();
		}
	}
	/* Whatever is already in the ring buffer is written before we go, and then why. */
	daemon_notify_stopping();
	ring_buffer__consume(rb);
	flush_repeats(&d, rb);
	if (d.fan)
		vb_fan_drain(d.fan, daemon_on_own_event, &d);
	daemon_record_stop(&d, stop_signal, stop_sender);
	vb_denylog_flush(&d.log);
	ring_buffer__free(rb);
	vb_info("stopping; the kernel goes on enforcing policy version %llu",
		(unsigned long long)d.policy->version);
	unlink(VB_PIDFILE);
	unlink(VB_INSTALLED);
	vb_watch_stop(&d.watch);
	daemon_stop_judging_content(&d);
	vb_kernel_close(&d.k);
	vb_denylog_close(&d.log);
	vb_forward_close(&d.fwd);
	return 0;

bad_usage:
	usage(stderr);
	return 2;
}
