/* The config's cgroup keys (sandboxd.conf(5)): the VM's limits, parsed by
 * the table that serves profiles too (cgroup_limits.c), and cgroup_parent. */
#include <string.h>

#include "cgroup.h"
#include "config_parser.h"
#include "textfile.h"

int config_parse_cgroup_limit(struct parser *p, const struct key *k, const char *value)
{
	int key = cgroup_key_lookup(k->name);
	char why[160];

	if (cgroup_limit_parse(&p->cfg->vm_limits, (enum cgroup_key)key, value, why, sizeof why) < 0)
		return config_expected(p, why, value);
	p->cfg->cgroup_lines[key] = p->line;
	return 0;
}

/* A cgroup path below each hierarchy's root, made of plain names: the VM's
 * cgroup is created and removed beneath it. */
int config_parse_cgroup_parent(struct parser *p, const struct key *k, const char *v)
{
	size_t n;

	if (*v != '/' || strlen(v) > 256)
		goto bad;
	for (const char *c = v + 1; *c; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (!n || (c[n] == '/' && !c[n + 1]) || !strncmp(c, ".", n) || !strncmp(c, "..", n))
			goto bad;
	}
	p->cfg->cgroup_lines[CGK_NKEYS] = p->line;
	return config_store(p, config_field(p, k), v);
bad:
	return config_expected(p, "an absolute cgroup path (/machines) of at most 256 bytes, "
			       "without '.', '..', empty components or a trailing /", v);
}
