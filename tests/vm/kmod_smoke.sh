# shellcheck shell=sh
# Runs inside the VM as /vb/payload.sh (busybox sh, cwd /vb), with no enforcer loaded: the test
# driver modules built by kmod/build.sh are real and load on this kernel, by every path a module
# can take into the kernel. Payload layout (kmod/smoke.sh): /vb/modload, /vb/<uname -r>/*.ko*.
# The expected errno of each case follows from what this kernel offers (decompression,
# module.sig_enforce), read from /sys; the facts are printed first.
kver=$(uname -r)
dir=/vb/$kver
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

# The verdict of a modload call: "ok" or the errno's name.
verdict() {
	out=$(/vb/modload "$@" 2>&1)
	case $? in
	0) echo ok ;;
	1) echo "$out" | sed -n 's/^errno [0-9]* (\(.*\))$/\1/p' ;;
	*) echo "error: $out" ;;
	esac
}

# check DESC EXPECTED MODLOAD-ARGS...
check() {
	desc=$1 want=$2
	shift 2
	got=$(verdict "$@")
	if [ "$got" = "$want" ]; then ok "$desc: $got"; else not_ok "$desc: got $got, want $want"; fi
}

# The driver really runs: /dev/vbtestdrv says which module it is; then it unloads cleanly.
check_running_and_unload() {
	mod=$1 desc=$2
	msg=$(cat /dev/vbtestdrv 2>&1)
	if [ "$msg" = "vbtestdrv $mod ok" ]; then ok "$desc: /dev/vbtestdrv reads '$msg'"
	else not_ok "$desc: /dev/vbtestdrv reads '$msg'"; fi
	check "$desc: unload $mod" ok --unload "$mod"
	if [ -e /dev/vbtestdrv ] || [ -e "/sys/module/$mod" ]; then not_ok "$desc: $mod gone after unload"
	else ok "$desc: $mod gone after unload"; fi
}

# load DESC EXPECTED MODULE MODLOAD-ARGS...: load, and when it loaded, use and unload it.
load() {
	desc=$1 want=$2 mod=$3
	shift 3
	check "$desc" "$want" "$@"
	[ "$got" = ok ] && check_running_and_unload "$mod" "$desc"
}

comp=$(cat /sys/module/compression 2>/dev/null)
enforce=$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)
echo "# kmod smoke: kernel $kver; in-kernel decompression: ${comp:-none}; sig_enforce: ${enforce:-?}"
[ -d "$dir" ] || { echo "not ok 1 - no modules for $kver in the payload"; exit 1; }

# Our test CA is not in the kernel's keyrings: with sig_enforce off the kernel loads the
# modules and taints; with it on, it refuses signed (ENOKEY inside) and unsigned alike.
# The signature is checked before the ELF header: under sig_enforce a compressed file handed over
# as is fails as an unsigned module, not as a bad ELF.
signed_want=ok
raw_compressed_want=ENOEXEC
if [ "$enforce" = Y ]; then
	signed_want=EKEYREJECTED
	raw_compressed_want=EKEYREJECTED
fi

# Each file by finit_module and by init_module from a buffer.
for f in vb_banned_drv.ko vb_banned_drv-skid.ko vb_banned_drv-renewed.ko vb_allowed_drv.ko \
	 vb_named_drv.ko vb_unsigned_drv.ko; do
	mod=${f%%.ko*}
	mod=${mod%-skid}
	mod=${mod%-renewed}
	load "finit_module $f" "$signed_want" "$mod" "$dir/$f"
	load "init_module $f" "$signed_want" "$mod" --buffer "$dir/$f"
done

# Compressed files: only with MODULE_INIT_COMPRESSED_FILE, and only in the kernel's own format.
for m in vb_banned_drv vb_allowed_drv; do
	for c in xz zst gz; do
		f=$m.ko.$c
		if [ -z "$comp" ]; then want=EOPNOTSUPP
		elif [ "$c" = "$comp" ]; then want=$signed_want
		else want=EINVAL
		fi
		load "finit_module(COMPRESSED_FILE) $f" "$want" "$m" --compressed "$dir/$f"
		load "finit_module $f" $raw_compressed_want "$m" "$dir/$f"
		load "init_module $f" $raw_compressed_want "$m" --buffer "$dir/$f"
	done
done
# The flag on an uncompressed file.
if [ -z "$comp" ]; then want=EOPNOTSUPP; else want=EINVAL; fi
load "finit_module(COMPRESSED_FILE) vb_allowed_drv.ko" "$want" vb_allowed_drv \
	--compressed "$dir/vb_allowed_drv.ko"

if [ "$signed_want" = ok ]; then
	# A module is loaded once (EEXIST from the module loader); and two of them cannot both own
	# /dev/vbtestdrv (EEXIST from sysfs, which also logs a warning with a stack trace).
	check "load vb_banned_drv" ok "$dir/vb_banned_drv.ko"
	check "load vb_banned_drv again" EEXIST "$dir/vb_banned_drv.ko"
	check "load vb_banned_drv-renewed.ko while vb_banned_drv is loaded" EEXIST \
		"$dir/vb_banned_drv-renewed.ko"
	check "load vb_allowed_drv while vb_banned_drv holds /dev/vbtestdrv" EEXIST \
		"$dir/vb_allowed_drv.ko"
	check "unload vb_banned_drv" ok --unload vb_banned_drv
	check "unload a module that is not loaded" ENOENT --unload vb_banned_drv

	tainted=$(cat /proc/sys/kernel/tainted)
	# 4096 (O): out-of-tree module; 8192 (E): unsigned module (or a key the kernel lacks).
	if [ $((tainted & 8192)) -ne 0 ] && [ $((tainted & 4096)) -ne 0 ]; then
		ok "kernel tainted O and E ($tainted)"
	else
		not_ok "kernel tainted O and E (tainted=$tainted)"
	fi

	# busybox depmod + modprobe, with the modules where modprobe looks for them.
	extra=/lib/modules/$kver/extra
	mkdir -p "$extra"
	cp "$dir/vb_allowed_drv.ko" "$dir/vb_banned_drv.ko.$comp" "$extra/" 2>/dev/null ||
		cp "$dir/vb_allowed_drv.ko" "$extra/"
	depmod 2>&1 | sed 's/^/# depmod: /'
	sed 's/^/# modules.dep: /' "/lib/modules/$kver/modules.dep"
	if modprobe vb_allowed_drv 2> /tmp/modprobe.err; then
		ok "modprobe vb_allowed_drv"
		check_running_and_unload vb_allowed_drv "modprobe vb_allowed_drv"
	else
		not_ok "modprobe vb_allowed_drv: $(cat /tmp/modprobe.err)"
	fi
	if [ -n "$comp" ]; then
		# busybox tries finit_module on the file, then decompresses it itself for init_module.
		if modprobe vb_banned_drv 2> /tmp/modprobe.err; then
			ok "modprobe vb_banned_drv (vb_banned_drv.ko.$comp)"
			check_running_and_unload vb_banned_drv "modprobe vb_banned_drv"
		else
			not_ok "modprobe vb_banned_drv (.ko.$comp): $(cat /tmp/modprobe.err)"
		fi
	fi
	if insmod "$dir/vb_named_drv.ko" 2> /tmp/insmod.err; then
		ok "busybox insmod vb_named_drv.ko"
		check_running_and_unload vb_named_drv "insmod vb_named_drv"
	else
		not_ok "busybox insmod vb_named_drv.ko: $(cat /tmp/insmod.err)"
	fi

	# Debian's own kmod (30, copied from the host as /vb/kmod-tools), as a real system loads
	# modules: finit_module for a plain .ko; a compressed one it decompresses itself (XZ and
	# ZSTD built in, not zlib) and hands to init_module, whatever the kernel supports.
	kt=/vb/kmod-tools
	if [ -x $kt/kmod ]; then
		for f in vb_allowed_drv.ko vb_allowed_drv.ko.xz vb_allowed_drv.ko.zst; do
			if $kt/insmod "$dir/$f" 2> /tmp/insmod.err; then
				ok "kmod insmod $f"
				check_running_and_unload vb_allowed_drv "kmod insmod $f"
			else
				not_ok "kmod insmod $f: $(cat /tmp/insmod.err)"
			fi
		done
		if $kt/insmod "$dir/vb_allowed_drv.ko.gz" 2> /tmp/insmod.err; then
			not_ok "kmod insmod vb_allowed_drv.ko.gz loaded (Debian's kmod has no zlib)"
			/vb/modload --unload vb_allowed_drv
		else
			ok "kmod insmod vb_allowed_drv.ko.gz fails: $(cat /tmp/insmod.err)"
		fi
		kroot=/tmp/kroot
		kmods=$kroot/lib/modules/$kver
		mkdir -p "$kmods/extra"
		touch "$kmods/modules.order" "$kmods/modules.builtin" "$kmods/modules.builtin.modinfo"
		cp "$dir/vb_banned_drv.ko.xz" "$dir/vb_named_drv.ko" "$kmods/extra/"
		$kt/depmod -b $kroot "$kver" 2>&1 | sed 's/^/# kmod depmod: /'
		for m in vb_banned_drv vb_named_drv; do
			if $kt/modprobe -d $kroot "$m" 2> /tmp/modprobe.err; then
				ok "kmod modprobe $m"
				check_running_and_unload "$m" "kmod modprobe $m"
			else
				not_ok "kmod modprobe $m: $(cat /tmp/modprobe.err)"
			fi
		done
	else
		echo "# no /vb/kmod-tools/kmod in the payload: Debian's kmod not tried"
	fi
fi

echo "# kernel log:"
dmesg | grep -E 'vb_|vbtestdrv|module verification|signature|compress|Loading of|BTF' | sed 's/^/#   /'
echo "1..$n"
[ $fails -eq 0 ]
