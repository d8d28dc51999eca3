/* guest-xattr: extended attributes from a shell, for the guest image,
 * whose busybox has no setfattr/getfattr/setcap. Static, so it runs from
 * a virtio-fs share in the guest as well as on the host (the host-side
 * check of a share reads the same attributes back with it).
 *
 *   guest-xattr set PATH NAME VALUE   setxattr, the value's bytes as given
 *   guest-xattr get PATH NAME         the value: as text if every byte is
 *                                     printable, else 0x and hex; always
 *                                     hex for security.capability
 *   guest-xattr list PATH             the names, space-separated, sorted
 *   guest-xattr remove PATH NAME      removexattr
 *   guest-xattr setcap PATH           security.capability := cap_net_raw
 *                                     permitted and effective, in the
 *                                     VFS_CAP_REVISION_2 layout
 *
 * One line per call: the result on stdout ("ok" for set, remove and
 * setcap), or on failure "guest-xattr: ACTION PATH: ENAME (message)" on
 * stderr and exit status 1; bad usage exits 2. Symbolic links are
 * followed, as setfattr does. */
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#define CAP_NAME "security.capability"

static int fail(const char *action, const char *path)
{
	const char *name = strerrorname_np(errno);

	fprintf(stderr, "guest-xattr: %s %s: %s (%s)\n", action, path, name ? name : "E?",
		strerror(errno));
	return 1;
}

static int usage(void)
{
	fputs("usage: guest-xattr set PATH NAME VALUE | get PATH NAME | list PATH |"
	      " remove PATH NAME | setcap PATH\n", stderr);
	return 2;
}

static void print_value(const char *name, const unsigned char *v, size_t len)
{
	bool text = strcmp(name, CAP_NAME) != 0;

	for (size_t i = 0; text && i < len; i++)
		text = isprint(v[i]);
	if (text) {
		printf("%.*s\n", (int)len, (const char *)v);
		return;
	}
	fputs("0x", stdout);
	for (size_t i = 0; i < len; i++)
		printf("%02x", v[i]);
	putchar('\n');
}

static int get(const char *path, const char *name)
{
	static unsigned char v[XATTR_SIZE_MAX];
	ssize_t n = getxattr(path, name, v, sizeof v);

	if (n < 0)
		return fail("get", path);
	print_value(name, v, (size_t)n);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *path)
{
	static char buf[XATTR_LIST_MAX];
	static char *names[XATTR_LIST_MAX / 2];
	ssize_t n = listxattr(path, buf, sizeof buf);
	size_t count = 0;

	if (n < 0)
		return fail("list", path);
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		names[count++] = p;
	qsort(names, count, sizeof names[0], cmp_names);
	for (size_t i = 0; i < count; i++)
		printf("%s%s", i ? " " : "", names[i]);
	putchar('\n');
	return 0;
}

/* The on-disk layout of <linux/capability.h>'s struct vfs_cap_data,
 * little-endian; revision 2 has no root uid (revision 3 adds one). */
static int setcap(const char *path)
{
	const uint32_t magic = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
	const uint32_t permitted = 1u << CAP_NET_RAW;
	unsigned char v[XATTR_CAPS_SZ_2] = { 0 };

	for (int i = 0; i < 4; i++) {
		v[i] = (unsigned char)(magic >> (8 * i));
		v[4 + i] = (unsigned char)(permitted >> (8 * i));
	}
	if (setxattr(path, CAP_NAME, v, sizeof v, 0) < 0)
		return fail("setcap", path);
	puts("ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "set")) {
		if (setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) < 0)
			return fail("set", argv[2]);
		puts("ok");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "get"))
		return get(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "list"))
		return list(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "remove")) {
		if (removexattr(argv[2], argv[3]) < 0)
			return fail("remove", argv[2]);
		puts("ok");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "setcap"))
		return setcap(argv[2]);
	return usage();
}
