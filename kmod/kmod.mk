# kmod/kmod.mk: the test driver modules for the VM kernels (kmod/README.md), included by the
# top Makefile after its `all:` rule (a target here must not become the default goal).
# The scripts always write under build/kmod: headers unpacked once per kernel (a download,
# kept by `make clean`), modules, signatures, the MANIFEST, and the VM loader build/kmod/modload.
KMOD_DIR   := build/kmod
KMOD_STAMP := $(KMOD_DIR)/.built
KMOD_SRCS  := $(wildcard kmod/*.c kmod/*.sh kmod/tools/*.c) kmod/Kbuild tests/pki/mkpki.sh

.PHONY: kmod kmod-smoke kmod-clean
kmod: $(KMOD_STAMP)

# The kernels come from `make setup`; a new one there means headers and modules for it here.
$(KMOD_STAMP): $(KMOD_SRCS) $(BUILD)/.setup-done
	@bash kmod/fetch-headers.sh
	@bash kmod/build.sh
	@touch $@

# Boots both VM kernels without the enforcer: every module loads by every path (kmod/smoke.sh).
kmod-smoke: $(KMOD_STAMP)
	@bash kmod/smoke.sh

# Everything but the unpacked headers.
kmod-clean:
	rm -rf $(KMOD_DIR)/*/obj $(KMOD_DIR)/*/out $(KMOD_DIR)/smoke $(KMOD_DIR)/modload $(KMOD_STAMP)
