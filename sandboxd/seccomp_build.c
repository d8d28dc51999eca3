/* Profile to seccomp filter. libseccomp resolves names and lays out the BPF;
 * what is ours is the policy around it: native arch only, a bad arch kills
 * the process, and the BPF is handed back rather than loaded, since the
 * caller installs it with TSYNC and must see that call's own result. */
#include "seccomp_build.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const enum scmp_compare cmp_ops[] = {
	[SC_EQ] = SCMP_CMP_EQ, [SC_NE] = SCMP_CMP_NE, [SC_LT] = SCMP_CMP_LT,
	[SC_LE] = SCMP_CMP_LE, [SC_GT] = SCMP_CMP_GT, [SC_GE] = SCMP_CMP_GE,
	[SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static int add_rule(scmp_filter_ctx ctx, const struct profile *p, const struct sc_rule *r)
{
	struct scmp_arg_cmp cmp[PROFILE_MAX_CONDS];
	int e;

	for (unsigned i = 0; i < r->nconds; i++) {
		const struct sc_cond *c = &r->conds[i];

		cmp[i] = (struct scmp_arg_cmp){
			.arg = c->arg,
			.op = cmp_ops[c->op],
			.datum_a = c->op == SC_MASKED_EQ ? c->mask : c->value,
			.datum_b = c->op == SC_MASKED_EQ ? c->value : 0,
		};
	}
	e = seccomp_rule_add_array(ctx, r->errno_value ? SCMP_ACT_ERRNO((uint16_t)r->errno_value)
							: SCMP_ACT_ALLOW,
				   r->nr, r->nconds, cmp);
	if (e < 0) {
		log_warn(NULL, "%s:%u: seccomp rule for '%s': %s", p->file, r->line, r->name,
			 strerror(-e));
		return -1;
	}
	return 0;
}

scmp_filter_ctx seccomp_new(uint32_t default_action, const char *what)
{
	scmp_filter_ctx ctx = seccomp_init(default_action);
	int e;

	if (!ctx) {
		log_warn(NULL, "%s: seccomp_init failed", what);
		return NULL;
	}
	/* seccomp_init holds the native arch only; a syscall made through any
	 * other (x32, or i386's int 0x80 on x86_64) kills the process. */
	e = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* A binary tree of syscall numbers: a long allowlist costs O(log n). */
	if (e == 0)
		e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (e < 0) {
		log_warn(NULL, "%s: seccomp attributes: %s", what, strerror(-e));
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

scmp_filter_ctx seccomp_build(const struct profile *p, uint32_t default_action)
{
	scmp_filter_ctx ctx = seccomp_new(default_action, p->file);

	if (!ctx)
		return NULL;
	/* Syscalls of other arches (libseccomp's negative pseudo numbers) have
	 * no place in this arch's filter: libseccomp would compare them as
	 * numbers that no real syscall has. */
	for (size_t i = 0; i < p->nsyscalls; i++)
		if (p->syscalls[i].nr >= 0 && add_rule(ctx, p, &p->syscalls[i]) < 0) {
			seccomp_release(ctx);
			return NULL;
		}
	return ctx;
}

/* libseccomp 2.5 exports to an fd only: through a memfd and back. */
int seccomp_bpf(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	void *buf = NULL;
	int e;

	out->filter = NULL;
	out->len = 0;
	if (fd < 0) {
		log_warn_errno(NULL, "export seccomp filter: memfd_create");
		return -1;
	}
	e = seccomp_export_bpf(ctx, fd);
	if (e < 0) {
		errno = -e;
		log_warn_errno(NULL, "export seccomp filter");
	} else if (fstat(fd, &st) < 0) {
		e = -1, log_warn_errno(NULL, "export seccomp filter: fstat");
	} else if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter)
		   || st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		e = -1, log_warn(NULL, "export seccomp filter: %lld bytes is no filter the kernel takes",
				 (long long)st.st_size);
	} else if (!(buf = malloc((size_t)st.st_size))) {
		e = -1, log_warn(NULL, "export seccomp filter: out of memory");
	} else if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		e = -1, log_warn_errno(NULL, "export seccomp filter: read back");
	} else {
		out->filter = buf;
		out->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	}
	close(fd);
	if (e < 0)
		free(buf);
	return e < 0 ? -1 : 0;
}

const char *seccomp_native_arch(void)
{
	static const struct {
		uint32_t token;
		const char *name;
	} arches[] = {
		{ SCMP_ARCH_X86_64, "x86_64" }, { SCMP_ARCH_X86, "x86" },
		{ SCMP_ARCH_X32, "x32" }, { SCMP_ARCH_AARCH64, "aarch64" },
		{ SCMP_ARCH_ARM, "arm" }, { SCMP_ARCH_RISCV64, "riscv64" },
		{ SCMP_ARCH_PPC64LE, "ppc64le" }, { SCMP_ARCH_S390X, "s390x" },
	};
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < sizeof arches / sizeof *arches; i++)
		if (arches[i].token == native)
			return arches[i].name;
	return "this arch";
}
