# vendorban: the libbpf-bootstrap pipeline, nothing hidden.
#   vmlinux.h (host BTF) -> bpf/*.bpf.c (clang -target bpf) -> bpftool gen skeleton -> user/*.c
BUILD     ?= build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= gcc
# The kernel's name for the build machine's architecture (x86_64 -> x86), as libbpf-bootstrap does.
ARCH      := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/; s/ppc64le/powerpc/; s/riscv64/riscv/; s/s390x/s390/')

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
             -D_GNU_SOURCE -DLIBDPKG_VOLATILE_API -I$(BUILD) -Ibpf -Iuser -I$(BUILD)/include
# Deferred (=), not :=: librpm-dev and libdpkg-dev come from `make setup`, which runs after make
# has read this file on a fresh machine; pkg-config must be asked when the link runs.
LDLIBS    = -lbpf -lelf -lz -llzma -lzstd -lcrypto -ljson-c -laudit -lsystemd -larchive -lkmod \
            $(shell pkg-config --libs rpm) $(shell pkg-config --static --libs libdpkg)
DEPFLAGS  := -MMD -MP
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJ   := $(BUILD)/vendorban.bpf.o
SKEL      := $(BUILD)/vendorban.skel.h
MAINS     := user/vendorband.c user/vendorban.c
LIB_SRCS  := $(filter-out $(MAINS),$(wildcard user/*.c user/*/*.c))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/%.o,$(LIB_SRCS))
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/tests/host/%,$(wildcard tests/host/test_*.c))
# One source of truth for the version: debian/changelog, read by make, dpkg and --version.
VERSION    = $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
MANS      := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(wildcard docs/man/*.scd))
DEB        = $(BUILD)/vendorban_$(VERSION)_amd64.deb

# A recipe that fails leaves no half-written target behind for the next make to trust.
.DELETE_ON_ERROR:
.PHONY: all setup check check-host check-vm demo bench fuzz install install-files man deb clean \
	compile_commands.json
all: $(BUILD)/vendorband $(BUILD)/vendorban $(BUILD)/rpm-plugins/vendorban.so man

# Test driver modules, built against each VM kernel's headers (kmod/README.md).
include kmod/kmod.mk

# The rpm transaction plugin (dist/rpm): loaded into rpm itself, so it links librpm and nothing
# of vendorban's; it hands what rpm installs to `vendorban install-check --rpm-hook`.
$(BUILD)/rpm-plugins/vendorban.so: dist/rpm/plugin.c | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared $< $(shell pkg-config --cflags --libs rpm) -o $@

setup $(BUILD)/.setup-done:
	@bash scripts/setup.sh

$(BUILD)/vmlinux.h: | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BPF_OBJ): $(BPF_SRCS) $(wildcard bpf/*.h) $(BUILD)/vmlinux.h
	$(CLANG) -g -O2 -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Ibpf \
		-c bpf/vendorban.bpf.c -o $@

$(SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name vendorban > $@.tmp && mv $@.tmp $@

# Header dependencies come from the compiler (-MMD -MP); the skeleton is generated, so it is
# ordered first by hand.
$(BUILD)/obj/%.o: %.c | $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzzobj/%.o: %.c | $(SKEL)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZFLAGS) $(DEPFLAGS) -c $< -o $@

-include $(shell find $(BUILD)/obj $(BUILD)/san $(BUILD)/fuzzobj $(BUILD)/tests/host -name '*.d' 2>/dev/null)

# Rewritten only when the version changes, so nothing rebuilds for nothing.
$(BUILD)/version.h: debian/changelog
	@mkdir -p $(@D)
	@echo '#define VB_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
$(BUILD)/obj/user/vendorban.o $(BUILD)/obj/user/vendorband.o: $(BUILD)/version.h

# Man pages: scdoc source in docs/man, roff in $(BUILD)/man.
man: $(MANS)
$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

$(BUILD)/libvendorban.a: $(LIB_OBJS)
	ar rcs $@ $^

$(BUILD)/libvendorban-san.a: $(SAN_OBJS)
	ar rcs $@ $^

$(BUILD)/vendorband: $(BUILD)/obj/user/vendorband.o $(BUILD)/libvendorban.a
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/vendorban: $(BUILD)/obj/user/vendorban.o $(BUILD)/libvendorban.a
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Host tests: kselftest harness, run under ASan and UBSan.
$(BUILD)/tests/host/%: tests/host/%.c tests/host/hostutil.c tests/host/hostutil.h \
		$(BUILD)/libvendorban-san.a $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(DEPFLAGS) -Itests/host $< tests/host/hostutil.c $(BUILD)/libvendorban-san.a \
		$(LDLIBS) -o $@

check-host: $(HOST_TESTS) all $(DEB)
	@bash tests/host/run.sh $(HOST_TESTS)

# VM tests: the kernel decides, so they run in qemu on Debian's 6.1 and 6.12 kernels.
VM_TESTS   := $(patsubst tests/vm/%.c,$(BUILD)/tests/vm/%,$(wildcard tests/vm/test_*.c))
VM_TARGETS := $(addprefix $(BUILD)/tests/vm/,banned_prog allowed_prog audited_prog signed_prog \
		banned_lib.so allowed_lib.so dlopen_probe) $(VM_TESTS)

$(BUILD)/tests/vm/%_prog: tests/vm/targets/target.c
	@mkdir -p $(@D)
	$(CC) -O2 -DMARK='"$(shell echo $* | tr a-z A-Z | sed 's/ALLOWED/ALLOWD/; s/AUDITED/AUDITD/')"' $< -o $@

$(BUILD)/tests/vm/%_lib.so: tests/vm/targets/lib.c
	@mkdir -p $(@D)
	$(CC) -O2 -fPIC -shared -DMARK='"$(shell echo $* | tr a-z A-Z | sed 's/ALLOWED/ALLOWD/')"' $< -o $@

$(BUILD)/tests/vm/dlopen_probe: tests/vm/targets/dlopen_probe.c
	@mkdir -p $(@D)
	$(CC) -O2 $< -o $@ -ldl

$(BUILD)/tests/vm/test_%: tests/vm/test_%.c tests/vm/probe.c tests/vm/probe.h tests/vm/vmutil.c tests/vm/vmutil.h $(BUILD)/libvendorban.a $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/vm $< tests/vm/probe.c tests/vm/vmutil.c $(BUILD)/libvendorban.a $(LDLIBS) -o $@

check-vm: all $(VM_TARGETS) $(KMOD_STAMP)
	@bash tests/vm/check.sh

check:
	@bash tests/totals.sh reset
	@$(MAKE) --no-print-directory check-host; h=$$?; \
	 $(MAKE) --no-print-directory check-vm; v=$$?; \
	 bash tests/totals.sh summary && [ $$h -eq 0 ] && [ $$v -eq 0 ]

# Benchmarks run in the VM (the kernel decides) and print ratios measured side by side: one
# boot per kernel (VB_BENCH_KERNELS, default "6.1 6.12"), qemu -icount by default
# (BENCH_CLOCK=wall for the wall clock): see tests/bench/clock.sh. Never part of `make check`.
bench: all $(KMOD_STAMP)
	@bash tests/bench/run.sh
	@bash tests/bench/reload.sh
	@bash tests/bench/module.sh
	@bash tests/bench/scan.sh
	@bash tests/bench/log.sh

demo: all $(BUILD)/tests/vm/banned_prog $(BUILD)/tests/vm/allowed_prog $(KMOD_STAMP)
	@bash demo/run.sh

# libFuzzer targets, one per parser, each linked against the library built once with the fuzzer's
# instrumentation. Seeds come from the test fixtures (tests/fuzz/seeds.sh); every target runs
# FUZZ_SECONDS, and a crashing one does not stop the others: all crashes are listed at the end.
FUZZ_SECONDS ?= 60
FUZZFLAGS  = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -std=gnu11 -D_GNU_SOURCE \
	     -DLIBDPKG_VOLATILE_API -I$(BUILD) -Ibpf -Iuser -I$(BUILD)/include
FUZZ_LIB_SRCS := $(filter-out user/cli/%.c,$(LIB_SRCS))
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(FUZZ_LIB_SRCS))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/libvendorban-fuzz.a: $(FUZZ_OBJS)
	ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libvendorban-fuzz.a
	@mkdir -p $(@D)
	$(CLANG) $(FUZZFLAGS) -fsanitize=fuzzer $< $(BUILD)/libvendorban-fuzz.a $(LDLIBS) -o $@

fuzz: $(FUZZERS) $(BUILD)/.setup-done
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# make install: under /usr/local, the unit in /etc/systemd/system. The .deb (make deb) installs
# the same files under /usr, the unit in /lib/systemd/system (debian/rules).
PREFIX  ?= /usr/local
UNITDIR ?= /etc/systemd/system
DOCDIR  ?= $(PREFIX)/share/doc/vendorban
install: all install-files
	install -d -m 0750 $(DESTDIR)/var/log/vendorban

install-files:
	install -D -m 0755 $(BUILD)/vendorband $(DESTDIR)$(PREFIX)/sbin/vendorband
	install -D -m 0755 $(BUILD)/vendorban $(DESTDIR)$(PREFIX)/sbin/vendorban
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g; s|@DOCDIR@|$(DOCDIR)|g' dist/vendorband.service \
		> $(DESTDIR)$(UNITDIR)/vendorband.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vendorband.service
	install -D -m 0644 policy/README.md $(DESTDIR)$(DOCDIR)/policy.md
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 docs/denial-log.md $(DESTDIR)$(DOCDIR)/denial-log.md
	install -D -m 0644 docs/design.md $(DESTDIR)$(DOCDIR)/design.md
	install -D -m 0644 policy/kaspersky.policy \
		$(DESTDIR)$(PREFIX)/share/vendorban/policies/kaspersky.policy
	install -D -m 0644 policy/examples/sample.policy \
		$(DESTDIR)$(PREFIX)/share/vendorban/policies/sample.policy
	install -D -m 0644 dist/bash-completion/vendorban \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vendorban
	# The install-time hooks are shipped inactive: an operator copies them into place.
	install -D -m 0644 dist/apt/99vendorban $(DESTDIR)$(DOCDIR)/apt/99vendorban
	install -D -m 0644 dist/dpkg/vendorban $(DESTDIR)$(DOCDIR)/dpkg/vendorban
	install -D -m 0644 $(BUILD)/rpm-plugins/vendorban.so \
		$(DESTDIR)$(PREFIX)/lib/vendorban/rpm-plugins/vendorban.so
	install -D -m 0644 dist/rpm/macros.vendorban $(DESTDIR)$(DOCDIR)/rpm/macros.vendorban
	for m in $(MANS); do \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; \
	done
	install -d -m 0750 $(DESTDIR)/etc/vendorban
	# The default policy is audit-only, and never replaces one an operator wrote.
	[ -e $(DESTDIR)/etc/vendorban/vendorban.policy ] || \
		install -m 0644 dist/vendorban.policy $(DESTDIR)/etc/vendorban/vendorban.policy

# The Debian package, built from debian/ by dpkg-buildpackage; the .deb and its .buildinfo and
# .changes land in $(BUILD), not in the directory above the tree.
DEB_DEPS = $(LIB_SRCS) $(MAINS) $(BPF_SRCS) $(wildcard bpf/*.h user/*/*.h docs/man/*.scd) \
	   debian/control debian/rules debian/changelog debian/copyright debian/source/format \
	   dist/vendorband.service dist/vendorban.policy dist/bash-completion/vendorban Makefile \
	   dist/rpm/plugin.c
deb: $(DEB)
$(DEB): $(DEB_DEPS)
	dpkg-buildpackage -b -us -uc --no-sign \
		--buildinfo-option=-u$(BUILD) --buildinfo-file=$(BUILD)/vendorban_$(VERSION)_amd64.buildinfo \
		--changes-option=-u$(BUILD) --changes-file=$(BUILD)/vendorban_$(VERSION)_amd64.changes
	@echo "built $@"

# For editors (clangd): the exact command that compiles each user-space file.
compile_commands.json: | $(SKEL)
	@bash scripts/compile-commands.sh "$(CC) $(CFLAGS)" $(LIB_SRCS) $(MAINS) > $@.tmp && mv $@.tmp $@
	@echo "wrote $@"

clean:
	rm -rf $(BUILD)/obj $(BUILD)/san $(BUILD)/fuzzobj $(BUILD)/fuzz $(BUILD)/tests $(BUILD)/*.o $(BUILD)/*.a \
		$(BUILD)/vendorban $(BUILD)/vendorband $(BUILD)/*.skel.h $(BUILD)/vmlinux.h
