/* The landlock directives: paths by access class, scopes, TCP ports. */
#include "profile_loader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The paths of one class; WHAT names the directive in messages. */
static int add_paths(struct loader *l, char **w, size_t n, enum ll_class class, const char *what)
{
	struct profile *p = l->p;

	if (class != LL_VIEW && p->unhandled_fs)
		return fail(l, "%s: the filesystem is unhandled (line %u): a path rule would grant "
			    "nothing; `view PATH` puts a path in the view", what, l->seen.unhandled_fs);
	for (size_t k = 0; k < n; k++) {
		if (w[k][0] != '/')
			return fail(l, "%s: '%s' is not an absolute path", what, w[k]);
		if (strlen(w[k]) >= 4096)
			return fail(l, "%s: path too long", what);
		for (size_t i = 0; i < p->npaths; i++)
			if (p->paths[i].class == class && !strcmp(p->paths[i].path, w[k])
			    && !HIDDEN(l, i, npaths))
				return fail(l, "%s: '%s' is already listed on line %u",
					    what, w[k], p->paths[i].line);
		if (loader_grow(l, &p->paths, p->npaths, sizeof *p->paths) < 0)
			return -1;
		p->paths[p->npaths] = (struct ll_path){ class, strdup(w[k]), l->line };
		if (!p->paths[p->npaths].path)
			return fail(l, "out of memory");
		p->npaths++;
	}
	return 0;
}

int directive_ll_paths(struct loader *l, char **w, size_t n)
{
	char what[32];

	snprintf(what, sizeof what, "landlock %s", l->sub);
	return add_paths(l, w, n, (enum ll_class)l->sub_value, what);
}

/* `view PATH...`: in the service's view (view.c), no Landlock right. */
int directive_view(struct loader *l, char **w, size_t n)
{
	return add_paths(l, w, n, LL_VIEW, "view");
}

int directive_ll_scope(struct loader *l, char **w, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(w[k], "signal")) {
			if (loader_set_once(l, &l->seen.scope_signal, "landlock scope", w[k]) < 0)
				return -1;
			l->p->scope_signal = true;
		} else if (!strcmp(w[k], "abstract-unix-socket")) {
			if (loader_set_once(l, &l->seen.scope_unix, "landlock scope", w[k]) < 0)
				return -1;
			l->p->scope_abstract_unix = true;
		} else {
			return fail(l, "landlock scope: expected signal or abstract-unix-socket, got '%s'",
				    w[k]);
		}
	}
	return 0;
}

int directive_ll_net(struct loader *l, char **w, size_t n)
{
	struct profile *p = l->p;
	const char *end;
	uint64_t port;
	bool connect = !strcmp(w[0], "connect");

	if (!connect && strcmp(w[0], "bind"))
		return fail(l, "landlock net: expected bind or connect, got '%s'", w[0]);
	/* No port after a parameter that expands to none (${forward_ports}
	 * of a VM without forwards): the right stays handled, nothing granted. */
	for (size_t k = 1; k < n; k++) {
		if (!isdigit((unsigned char)w[k][0]) || !loader_scan_number(w[k], &port, &end) || *end
		    || port > 65535)
			return fail(l, "landlock net %s: expected a port 0..65535, got '%s'", w[0], w[k]);
		for (size_t i = 0; i < p->nports; i++)
			if (p->ports[i].connect == connect && p->ports[i].port == port
			    && !HIDDEN(l, i, nports))
				return fail(l, "landlock net %s %s is already on line %u", w[0], w[k],
					    p->ports[i].line);
		if (connect && p->unhandled_connect)
			return fail(l, "landlock net connect: tcp-connect is unhandled (line %u): a rule "
				    "would grant nothing", l->seen.unhandled_connect);
		if (loader_grow(l, &p->ports, p->nports, sizeof *p->ports) < 0)
			return -1;
		p->ports[p->nports++] = (struct ll_port){ connect, (uint16_t)port, l->line };
	}
	return 0;
}

/* `landlock unhandled filesystem tcp-connect`: the domain leaves these
 * rights alone (landlock.c), said in the profile with its reason. */
int directive_ll_unhandled(struct loader *l, char **w, size_t n)
{
	struct profile *p = l->p;

	for (size_t k = 0; k < n; k++) {
		if (!strcmp(w[k], "filesystem")) {
			for (size_t i = 0; i < p->npaths; i++)
				if (p->paths[i].class != LL_VIEW && !HIDDEN(l, i, npaths))
					return fail(l, "landlock unhandled filesystem: line %u grants a "
						    "Landlock path right", p->paths[i].line);
			if (loader_set_once(l, &l->seen.unhandled_fs, "landlock unhandled", w[k]) < 0)
				return -1;
			p->unhandled_fs = true;
		} else if (!strcmp(w[k], "tcp-connect")) {
			for (size_t i = 0; i < p->nports; i++)
				if (p->ports[i].connect && !HIDDEN(l, i, nports))
					return fail(l, "landlock unhandled tcp-connect: line %u grants "
						    "connect rights", p->ports[i].line);
			if (loader_set_once(l, &l->seen.unhandled_connect, "landlock unhandled",
					    w[k]) < 0)
				return -1;
			p->unhandled_connect = true;
		} else
			return fail(l, "landlock unhandled: expected filesystem or tcp-connect, got "
				    "'%s'", w[k]);
	}
	return 0;
}
