/* The config's cgroup keys (sandboxd.conf(5)): the VM's limits, parsed by
 * the table that serves profiles too (cgroup_limits.c), cgroup_parent and
 * cgroup_version. */
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
	p->cfg->cgroup_lines[CGL_PARENT] = p->line;
	return config_store(p, config_field(p, k), v);
bad:
	return config_expected(p, "an absolute cgroup path (/machines) of at most 256 bytes, "
			       "without '.', '..', empty components or a trailing /", v);
}

/* auto, 1 or 2; its line for the plan's "not usable here" error. */
int config_parse_cgroup_version(struct parser *p, const struct key *k, const char *v)
{
	if (config_parse_choice(p, k, v) < 0)
		return -1;
	p->cfg->cgroup_lines[CGL_VERSION] = p->line;
	return 0;
}
