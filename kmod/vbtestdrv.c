// SPDX-License-Identifier: GPL-2.0
/*
 * vbtestdrv: a small but real "driver" for vendorban's VM tests. It registers the misc device
 * /dev/vbtestdrv, whose read returns a fixed string, so a test can tell that the module really
 * loaded and ran. The same source is built under several module names (vb_banned_drv,
 * vb_allowed_drv, ...; see kmod/Kbuild); KBUILD_MODNAME says which one this is.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#define VBTESTDRV_DEVNAME "vbtestdrv"
/* Tests compare against this exact text: keep it in step with kmod/smoke.sh and tests/vm. */
#define VBTESTDRV_MESSAGE "vbtestdrv " KBUILD_MODNAME " ok\n"

static ssize_t vbtestdrv_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	static const char msg[] = VBTESTDRV_MESSAGE;

	return simple_read_from_buffer(buf, count, ppos, msg, sizeof(msg) - 1);
}

static const struct file_operations vbtestdrv_fops = {
	.owner = THIS_MODULE,
	.read = vbtestdrv_read,
	.llseek = default_llseek,
};

static struct miscdevice vbtestdrv_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VBTESTDRV_DEVNAME,
	.fops = &vbtestdrv_fops,
	.mode = 0444,
};

static int __init vbtestdrv_init(void)
{
	int err = misc_register(&vbtestdrv_dev);

	if (err) {
		pr_err(KBUILD_MODNAME ": misc_register failed: %d\n", err);
		return err;
	}
	pr_info(KBUILD_MODNAME ": /dev/" VBTESTDRV_DEVNAME " registered\n");
	return 0;
}

static void __exit vbtestdrv_exit(void)
{
	misc_deregister(&vbtestdrv_dev);
}

module_init(vbtestdrv_init);
module_exit(vbtestdrv_exit);

MODULE_AUTHOR("vendorban test suite");
MODULE_DESCRIPTION("vendorban test driver (" KBUILD_MODNAME "): /dev/vbtestdrv returns a fixed string");
MODULE_LICENSE("GPL");
