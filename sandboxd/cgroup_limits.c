/* The cgroup keys and their values: one table and one parser for the
 * config's per-VM keys (sandboxd.conf(5)) and the profile's `cgroup`
 * directive (profiles(5)). */
#include "cgroup.h"

#include <stdio.h>
#include <string.h>

#include "textfile.h"

const char *const cgroup_key_names[CGK_NKEYS] = {
	[CGK_MEMORY_MAX] = "memory_max", [CGK_PIDS_MAX] = "pids_max",
	[CGK_CPU_WEIGHT] = "cpu_weight", [CGK_CPU_MAX] = "cpu_max",
};

const char *const cgroup_ctrl_names[CG_NCTRL] = { "memory", "pids", "cpu", "cpuacct" };
const enum cgroup_ctrl cgroup_key_ctrl[CGK_NKEYS] = {
	[CGK_MEMORY_MAX] = CG_MEMORY, [CGK_PIDS_MAX] = CG_PIDS,
	[CGK_CPU_WEIGHT] = CG_CPU, [CGK_CPU_MAX] = CG_CPU,
};

#define MEMORY_MIN_MIB 4
#define MEMORY_MAX_MIB (1u << 20)	/* 1T */
#define PIDS_MAX 4194304		/* the kernel's PID_MAX_LIMIT */
#define PERIOD_MIN_US 1000		/* cgroup v2's bounds for cpu.max */
#define PERIOD_MAX_US 1000000
#define PERIOD_DEFAULT_US 100000

int cgroup_key_lookup(const char *name)
{
	for (int k = 0; k < CGK_NKEYS; k++)
		if (!strcmp(name, cgroup_key_names[k]))
			return k;
	return -1;
}

void cgroup_limits_text(const struct cgroup_limits *l, char *buf, size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (l->memory_mib)
		n += snprintf(buf + n, len - (size_t)n, " memory_max %lluM",
			      (unsigned long long)l->memory_mib);
	if (l->pids_max && n < (int)len)
		n += snprintf(buf + n, len - (size_t)n, " pids_max %u", (unsigned)l->pids_max);
	if (l->cpu_weight && n < (int)len)
		n += snprintf(buf + n, len - (size_t)n, " cpu_weight %u", (unsigned)l->cpu_weight);
	if (l->cpu_quota_us && n < (int)len)
		snprintf(buf + n, len - (size_t)n, " cpu_max %u %u", (unsigned)l->cpu_quota_us,
			 (unsigned)l->cpu_period_us);
}

/* "512M", "2G", "1T", or a bare number of MiB. */
static int parse_memory(const char *v, uint64_t *mib)
{
	const char *end;
	uint64_t n;

	if (!textfile_scan_u64(v, 10, &n, &end) || n > MEMORY_MAX_MIB)
		return -1;
	if (*end == 'G' || *end == 'g')
		n <<= 10, end++;
	else if (*end == 'T' || *end == 't')
		n <<= 20, end++;
	else if (*end == 'M' || *end == 'm')
		end++;
	if (*end || n < MEMORY_MIN_MIB || n > MEMORY_MAX_MIB)
		return -1;
	*mib = n;
	return 0;
}

static int parse_u32(const char *v, uint64_t min, uint64_t max, uint32_t *out, const char **rest)
{
	uint64_t n;

	if (!textfile_scan_u64(v, 10, &n, rest) || n < min || n > max)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

/* cgroup v2's cpu.max: "QUOTA [PERIOD]" in microseconds, or "max". */
static int parse_cpu_max(const char *v, struct cgroup_limits *l)
{
	const char *end;

	if (!strcmp(v, "max")) {
		l->cpu_quota_us = l->cpu_period_us = 0;
		return 0;
	}
	l->cpu_period_us = PERIOD_DEFAULT_US;
	if (parse_u32(v, PERIOD_MIN_US, UINT32_MAX, &l->cpu_quota_us, &end) < 0)
		return -1;
	if (*end == ' ' || *end == '\t')
		if (parse_u32(end + strspn(end, " \t"), PERIOD_MIN_US, PERIOD_MAX_US,
			      &l->cpu_period_us, &end) < 0)
			return -1;
	return *end ? -1 : 0;
}

int cgroup_limit_parse(struct cgroup_limits *l, enum cgroup_key key, const char *value,
		       char *why, size_t len)
{
	const char *end = "";
	int r = -1;

	switch (key) {
	case CGK_MEMORY_MAX:
		r = parse_memory(value, &l->memory_mib);
		snprintf(why, len, "a size 4M..1T (512M, 2G; a bare number is MiB)");
		break;
	case CGK_PIDS_MAX:
		r = parse_u32(value, 1, PIDS_MAX, &l->pids_max, &end);
		snprintf(why, len, "a number of processes and threads 1..%d", PIDS_MAX);
		break;
	case CGK_CPU_WEIGHT:
		r = parse_u32(value, 1, 10000, &l->cpu_weight, &end);
		snprintf(why, len, "a weight 1..10000 (the kernel's default is 100)");
		break;
	case CGK_CPU_MAX:
		r = parse_cpu_max(value, l);
		snprintf(why, len, "QUOTA [PERIOD] in microseconds (50000 100000: half a CPU; "
			 "QUOTA >= 1000, PERIOD 1000..1000000, default 100000), or max");
		break;
	case CGK_NKEYS:
		break;
	}
	return r < 0 || *end ? -1 : 0;
}
