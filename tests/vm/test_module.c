// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel modules from a banned vendor do not load, by any path: finit_module(2) on the file
 * (plain and, on 6.12, compressed), init_module(2) from a buffer, and modprobe after depmod.
 * Each denial is logged with the module's signer. The test modules come from kmod/ (built
 * for this kernel, signed by the test PKI's vendors); this test starts its own daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define MODULE_POLICY	"/tmp/module.policy"
#define PKI		VB "kmod/pki/"
#define MODULE_INIT_COMPRESSED_FILE 4

enum load { FINIT, FINIT_COMPRESSED, BUFFER };

static char kdir[256];	/* /vb/kmod/<uname -r>/ */
static long log_start;	/* the log's size before the last load: older records are not its */

static const char *mod(const char *file)
{
	static char path[4][512];
	static int n;
	char *p = path[n++ & 3];

	snprintf(p, sizeof(path[0]), "%s%s", kdir, file);
	return p;
}

/* Load in a child, so the denial record names this test as the parent. Returns 0 or errno. */
static int load(const char *path, enum load how)
{
	struct stat st;
	pid_t pid;
	int status;

	if (!stat(LOG, &st))
		log_start = st.st_size;
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

		if (fd < 0)
			_exit(200);
		if (how == BUFFER) {
			static char buf[8 << 20];
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n <= 0)
				_exit(201);
			err = syscall(SYS_init_module, buf, (unsigned long)n, "") ? errno : 0;
		} else {
			err = syscall(SYS_finit_module, fd, "",
				      how == FINIT_COMPRESSED ? MODULE_INIT_COMPRESSED_FILE : 0) ?
				      errno : 0;
		}
		_exit(err);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static bool module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static const char *module_field(struct json_object *rec, const char *k)
{
	struct json_object *m;

	return json_object_object_get_ex(rec, "module", &m) && m ? field(m, k) : NULL;
}

static const char *signer_field(struct json_object *rec, const char *k)
{
	struct json_object *m, *s;

	if (!json_object_object_get_ex(rec, "module", &m) || !m ||
	    !json_object_object_get_ex(m, "signer", &s) || !s)
		return NULL;
	return field(s, k);
}

struct module_of {
	const char *name, *file, *action;
};

static bool module_match(struct json_object *rec, void *arg)
{
	const struct module_of *w = arg;
	const char *path = field(rec, "path") ?: "", *n = module_field(rec, "name");

	return record_is(rec, "module-load", w->action) &&
	       ((n && !strcmp(n, w->name)) ||
		(w->file && strlen(path) >= strlen(w->file) &&
		 !strcmp(path + strlen(path) - strlen(w->file), w->file)));
}

/* The module-load record of a child of this test for module `name` (or, when the kernel judged
 * the file before reading it, whose path ends in `file`), since the last load. */
static struct json_object *module_record_within(const char *name, const char *file,
						const char *action, int tenths)
{
	struct module_of w = { name, file, action };

	return find_record_where(module_match, &w, log_start, tenths);
}

static struct json_object *module_record(const char *name, const char *file, const char *action)
{
	return module_record_within(name, file, action, 100);
}

/* The banned certificate's SKID, as the record shows it: lower-case hex. */
static int cert_skid(const char *pem, char out[129])
{
	FILE *f = fopen(pem, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	const ASN1_OCTET_STRING *skid = x ? X509_get0_subject_key_id(x) : NULL;

	if (f)
		fclose(f);
	if (!skid) {
		X509_free(x);
		return -1;
	}
	for (int i = 0; i < ASN1_STRING_length(skid) && i < 64; i++)
		sprintf(out + 2 * i, "%02x", ASN1_STRING_get0_data(skid)[i]);
	X509_free(x);
	return 0;
}

static int write_module_policy(int version, bool options)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "version %d\n"
		 "%s"
		 "vendor banned \"Banned Test Vendor\"\n"
		 "\tcert " PKI "banned.pem\n"
		 "\tmodule name vb_named_drv\n"
		 "%s",
		 version,
		 options ? "option unsigned-modules deny\noption init-module deny\n" : "",
		 options ? "" : "vendor watch \"Watched Driver Vendor\"\n"
				"\tmode audit\n"
				"\tmodule name vb_unsigned_drv\n");
	if (write_text(MODULE_POLICY ".tmp", text))
		return -1;
	return rename(MODULE_POLICY ".tmp", MODULE_POLICY);
}

static int reload_to(int version, bool options)
{
	if (write_module_policy(version, options) || kill(daemon_pid(), SIGHUP))
		return -1;
	for (int i = 0; i < 300; i++) {
		if (status_policy_version() == version)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* A file in the scanned tree is already known by its scan verdict (and, where the kernel
 * hashes, by content) before the kernel reads its signature: any of these may decide first. */
static bool match_by_file_or(const char *match, const char *want)
{
	return match && (!strcmp(match, want) || !strcmp(match, "scan") ||
			 !strcmp(match, "sha256"));
}

static bool is_612(void)
{
	struct utsname u;

	return !uname(&u) && !strncmp(u.release, "6.12", 4);
}

#define EXPECT_LOAD(want, path, how)					\
	do {								\
		int _r = load(path, how);				\
		if (_r != (want))					\
			TH_LOG("%s: got %s, want %s", path, strerrorname_np(_r) ?: "0", \
			       strerrorname_np(want) ?: "0");		\
		EXPECT_EQ(want, _r);					\
	} while (0)

TEST(daemon_enforces_module_policy)
{
	char cmd[512];
	int rc;
	struct json_object *st;

	ASSERT_EQ(0, write_module_policy(1, false));
	/* One daemon reads the events: stop the one an earlier test left running. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	unlink(PIDFILE);
	snprintf(cmd, sizeof(cmd),
		 "/vb/vendorband --policy " MODULE_POLICY " --scan %s --no-syslog "
		 "> /tmp/vendorband-module.log 2>&1 &", kdir);
	ASSERT_EQ(0, system(cmd));
	for (int i = 0; i < 600 && !daemon_pid(); i++)
		usleep(100000);
	ASSERT_NE(0, daemon_pid());
	st = status_json(&rc);
	EXPECT_EQ(0, rc);
	json_object_put(st);
	EXPECT_TRUE(file_contains("/tmp/vendorband-module.log", "identified by signer"));
}

TEST(allowed_module_loads_and_unloads)
{
	char buf[128] = "";
	int fd;

	EXPECT_LOAD(0, mod("vb_allowed_drv.ko"), FINIT);
	fd = open("/dev/vbtestdrv", O_RDONLY);
	EXPECT_LE(0, fd);
	if (fd >= 0) {
		EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
		close(fd);
	}
	EXPECT_NE(NULL, strstr(buf, "vb_allowed_drv"));
	EXPECT_EQ(0, unload("vb_allowed_drv"));
	/* A denial would have been logged by now: the load itself was just refused or not. */
	EXPECT_EQ(NULL, module_record_within("vb_allowed_drv", "vb_allowed_drv.ko", "deny", 10));
}

TEST(banned_signer_refused_issuer_serial)
{
	struct json_object *rec;

	EXPECT_LOAD(EPERM, mod("vb_banned_drv.ko"), FINIT);
	EXPECT_FALSE(module_loaded("vb_banned_drv"));
	rec = module_record("vb_banned_drv", "/vb_banned_drv.ko", "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_TRUE(match_by_file_or(field(rec, "match"), "signer"));
	EXPECT_STREQ("banned", field(rec, "vendor"));
	EXPECT_STREQ("finit_module", module_field(rec, "load"));
	EXPECT_STREQ("4b1a2f0001", signer_field(rec, "serial"));
	EXPECT_STREQ("CN=vendorban Test Root CA,O=vendorban Test PKI,C=US",
		     signer_field(rec, "issuer"));
	EXPECT_STREQ("sha256", signer_field(rec, "hash_algo"));
	EXPECT_STREQ("EPERM", field(rec, "errno"));
	json_object_put(rec);
}

TEST(banned_signer_refused_skid)
{
	struct json_object *rec;
	char skid[129] = "";

	ASSERT_EQ(0, cert_skid(PKI "banned.pem", skid));
	EXPECT_LOAD(EPERM, mod("vb_banned_drv-skid.ko"), FINIT);
	rec = module_record("vb_banned_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_TRUE(match_by_file_or(field(rec, "match"), "signer"));
	EXPECT_STREQ(skid, signer_field(rec, "skid"));
	json_object_put(rec);

	/* From a buffer there is no file to know: the kernel reads the signer itself. */
	EXPECT_LOAD(EPERM, mod("vb_banned_drv-skid.ko"), BUFFER);
	rec = module_record("vb_banned_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("signer", field(rec, "match"));
	EXPECT_STREQ("init_module", module_field(rec, "load"));
	EXPECT_STREQ(skid, signer_field(rec, "skid"));
	json_object_put(rec);
}

TEST(banned_signer_refused_from_buffer)
{
	struct json_object *rec;

	EXPECT_LOAD(EPERM, mod("vb_banned_drv.ko"), BUFFER);
	EXPECT_FALSE(module_loaded("vb_banned_drv"));
	/* Several records for vb_banned_drv exist by now: the newest is this one. */
	rec = module_record("vb_banned_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("init_module", module_field(rec, "load"));
	EXPECT_STREQ("signer", field(rec, "match"));
	EXPECT_STREQ("4b1a2f0001", signer_field(rec, "serial"));
	json_object_put(rec);
}

/* The signature of a compressed module is inside the compressed payload: the daemon's scan
 * identified the file, and the kernel knows it by its hash and its dev/ino. */
TEST(banned_compressed_refused)
{
	struct json_object *rec;

	if (!is_612())
		SKIP(return, "this kernel has no in-kernel module decompression "
			     "(MODULE_INIT_COMPRESSED_FILE gives EOPNOTSUPP); kmod decompresses in "
			     "user space and loads from a buffer, tested above");
	EXPECT_LOAD(EPERM, mod("vb_banned_drv.ko.xz"), FINIT_COMPRESSED);
	EXPECT_FALSE(module_loaded("vb_banned_drv"));
	rec = module_record("vb_banned_drv", "vb_banned_drv.ko.xz", "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(true, !strcmp(field(rec, "match") ?: "", "scan") ||
			!strcmp(field(rec, "match") ?: "", "sha256"));
	EXPECT_STREQ("banned", field(rec, "vendor"));
	/* The kernel could not read the signer inside the xz payload; the record still says. */
	EXPECT_STREQ("4b1a2f0001", signer_field(rec, "serial"));
	EXPECT_STREQ("vb_banned_drv", module_field(rec, "name"));
	json_object_put(rec);
	/* Its allowed twin loads the same way: the kernel knows it is the file the daemon's scan
	 * read and vetted, by its hash as it reads it on the lsm path, by its identity and
	 * version on fmod_ret (which cannot hash). */
	EXPECT_LOAD(0, mod("vb_allowed_drv.ko.xz"), FINIT_COMPRESSED);
	EXPECT_EQ(0, unload("vb_allowed_drv"));
}

/* A renamed copy of the banned module's compressed file: on the lsm path the kernel hashes
 * the file; on fmod_ret it cannot, and no daemon read the module inside this copy, so it is
 * refused as compressed and unvetted. Either way it never loads, and the record says why. */
TEST(compressed_copy_refused_by_hash)
{
	struct json_object *rec;

	if (!is_612())
		SKIP(return, "no in-kernel module decompression on this kernel");
	ASSERT_EQ(0, copy_file(mod("vb_banned_drv.ko.xz"), "/tmp/renamed-driver.ko.xz"));
	EXPECT_LOAD(EPERM, "/tmp/renamed-driver.ko.xz", FINIT_COMPRESSED);
	EXPECT_FALSE(module_loaded("vb_banned_drv"));
	rec = module_record("vb_banned_drv", "renamed-driver.ko.xz", "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(lsm_path() ? "sha256" : "compressed-unvetted", field(rec, "match") ?: "");
	json_object_put(rec);
}

TEST(modprobe_after_depmod_refused)
{
	struct utsname u;
	char dir[256], cmd[768];
	int rc;

	ASSERT_EQ(0, uname(&u));
	snprintf(dir, sizeof(dir), "/lib/modules/%s/extra", u.release);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s && cp %s %s/ && depmod %s", dir,
		 mod("vb_banned_drv.ko"), dir, u.release);
	ASSERT_EQ(0, WEXITSTATUS(system(cmd)));
	rc = WEXITSTATUS(system("modprobe vb_banned_drv 2>/tmp/modprobe.err"));
	EXPECT_NE(0, rc);
	EXPECT_FALSE(module_loaded("vb_banned_drv"));
}

TEST(module_named_in_policy_refused)
{
	struct json_object *rec;

	EXPECT_LOAD(EPERM, mod("vb_named_drv.ko"), FINIT);
	rec = module_record("vb_named_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_TRUE(match_by_file_or(field(rec, "match"), "module-name"));
	EXPECT_STREQ("banned-module-1", field(rec, "rule"));
	json_object_put(rec);

	/* The kernel's own reading of the name, from a buffer. */
	EXPECT_LOAD(EPERM, mod("vb_named_drv.ko"), BUFFER);
	rec = module_record("vb_named_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("module-name", field(rec, "match"));
	EXPECT_STREQ("init_module", module_field(rec, "load"));
	json_object_put(rec);
}

/* this_module says vb_allowed_drv, .modinfo says vb_named_drv: the name modprobe's blacklist
 * and the kernel's own go by. The kernel checks both. */
TEST(module_renamed_in_modinfo_refused)
{
	struct json_object *rec;

	EXPECT_LOAD(EPERM, mod("vb_alias_drv.ko"), BUFFER);
	EXPECT_FALSE(module_loaded("vb_allowed_drv"));
	rec = module_record("vb_allowed_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("module-name", field(rec, "match"));
	EXPECT_STREQ("banned-module-1", field(rec, "rule"));
	json_object_put(rec);
	EXPECT_LOAD(EPERM, mod("vb_alias_drv.ko"), FINIT);
	EXPECT_FALSE(module_loaded("vb_allowed_drv"));
}

TEST(audit_mode_logs_and_allows)
{
	struct json_object *rec;

	EXPECT_LOAD(0, mod("vb_unsigned_drv.ko"), FINIT);
	EXPECT_TRUE(module_loaded("vb_unsigned_drv"));
	EXPECT_EQ(0, unload("vb_unsigned_drv"));
	rec = module_record("vb_unsigned_drv", NULL, "would-deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("audit", field(rec, "mode"));
	EXPECT_STREQ("watch", field(rec, "vendor"));
	json_object_put(rec);
}

TEST(options_refuse_unsigned_and_buffer_loads)
{
	struct json_object *rec;

	ASSERT_EQ(0, reload_to(2, true));
	EXPECT_LOAD(EPERM, mod("vb_unsigned_drv.ko"), FINIT);
	rec = module_record("vb_unsigned_drv", NULL, "deny");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("unsigned", field(rec, "match"));
	json_object_put(rec);
	EXPECT_LOAD(EPERM, mod("vb_allowed_drv.ko"), BUFFER);
	/* A signed, allowed module still loads from its file. */
	EXPECT_LOAD(0, mod("vb_allowed_drv.ko"), FINIT);
	EXPECT_EQ(0, unload("vb_allowed_drv"));
}

int main(int argc, char **argv)
{
	struct utsname u;

	if (uname(&u))
		return 1;
	snprintf(kdir, sizeof(kdir), VB "kmod/%s/", u.release);
	struct stat st;

	if (!stat(LOG, &st))
		log_start = st.st_size;
	return test_harness_run(argc, argv);
}
