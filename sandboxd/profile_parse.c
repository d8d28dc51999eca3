/* The service profile parser (profiles(5)): one table of directives, one
 * small parser per directive, parameters expanded from the VM config, and
 * everything validated before profile_load returns, so that a bad profile
 * is a FILE:LINE message and never a half-confined service. This file
 * reads the lines and dispatches them; the directives live beside it
 * (profile_loader.h names them). */
#include "profile_loader.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int loader_grow(const struct loader *l, void *array, size_t n, size_t size)
{
	void **a = array;
	void *bigger;

	if (n & (n - 1))	/* full at 0, 1, 2, 4, 8...: double */
		return 0;
	bigger = realloc(*a, (n ? 2 * n : 1) * size);
	if (!bigger)
		return fail(l, "out of memory");
	*a = bigger;
	return 0;
}

int loader_set_once(const struct loader *l, unsigned *seen, const char *what, const char *name)
{
	if (*seen)
		return fail(l, "%s '%s' is already on line %u", what, name, *seen);
	*seen = l->line;
	return 0;
}

/* --- values --------------------------------------------------------------- */

/* Decimal, or hexadecimal after 0x; no sign, no spaces. */
bool loader_scan_number(const char *s, uint64_t *out, const char **end)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	return textfile_scan_u64(s + (hex ? 2 : 0), hex ? 16 : 10, out, end);
}

/* NUMBER or CONSTANT, or several joined with | (CLONE_VM|CLONE_FS). */
int loader_value(const struct loader *l, const char *word, uint64_t *out)
{
	char buf[MAX_WORD], *part, *save;
	const char *end;
	uint64_t v;

	snprintf(buf, sizeof buf, "%s", word);
	*out = 0;
	if (!*word || *word == '|' || word[strlen(word) - 1] == '|' || strstr(word, "||"))
		return fail(l, "expected a number or constants joined by |, got '%s'", word);
	for (part = strtok_r(buf, "|", &save); part; part = strtok_r(NULL, "|", &save)) {
		if (isdigit((unsigned char)*part) || *part == '-') {
			if (!loader_scan_number(part, &v, &end) || *end)
				return fail(l, "bad number '%s' (decimal or 0x hex, at most 64 bits)", part);
		} else if (!profile_const_value(part, &v)) {
			return fail(l, "unknown constant '%s'", part);
		}
		*out |= v;
	}
	return 0;
}

/* A size in bytes with an optional K, M, G or T suffix (powers of 1024). */
bool loader_scan_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *end, *suffix;
	uint64_t v;

	if (!isdigit((unsigned char)*s) || !loader_scan_number(s, &v, &end))
		return false;
	if (*end && (suffix = strchr(suffixes, toupper((unsigned char)*end))) && !end[1]) {
		for (const char *c = suffixes; c <= suffix; c++) {
			if (v > UINT64_MAX / 1024)
				return false;
			v *= 1024;
		}
		end++;
	}
	*out = v;
	return !*end;
}

/* "CAP_SYS_ADMIN", "sys_admin", "SECBIT_NOROOT": the lower-case name
 * without PREFIX, into buf. */
const char *loader_bare_name(const char *word, const char *prefix, char buf[64])
{
	size_t n = strlen(prefix), i;

	if (!strncasecmp(word, prefix, n))
		word += n;
	for (i = 0; word[i] && i < 63; i++)
		buf[i] = (char)tolower((unsigned char)word[i]);
	buf[i] = '\0';
	return buf;
}

/* --- lines ---------------------------------------------------------------- */

static const struct directive directives[] = {
	{ "syscall",    NULL,    directive_syscall,    1, 0, "NAME... or NAME if COND [and COND]...",
	  NULL },
	{ "landlock",   NULL,    directive_ll_paths,   1, 0, "PATH...", ll_class_names },
	{ "view",       NULL,    directive_view,       1, 0, "PATH...", NULL },
	{ "landlock",   "scope", directive_ll_scope,   1, 0, "signal|abstract-unix-socket...", NULL },
	{ "landlock",   "net",   directive_ll_net,     2, 0, "bind|connect PORT...", NULL },
	{ "landlock",   "unhandled", directive_ll_unhandled, 1, 0, "filesystem|tcp-connect...", NULL },
	{ "capability", NULL,    directive_capability, 1, 0, "CAP_NAME...", NULL },
	{ "securebits", NULL,    directive_securebits, 1, 0, "NAME...", NULL },
	{ "rlimit",     NULL,    directive_rlimit,     2, 3, "NAME SOFT [HARD]", NULL },
	{ "tmpfs",      NULL,    directive_tmpfs,      2, 2, "/tmp|/dev/shm SIZE", NULL },
	{ "env",        NULL,    directive_env,        1, 0, "NAME...", NULL },
	{ "cgroup",     NULL,    directive_cgroup,     2, 3, "memory_max|pids_max|cpu_weight|cpu_max VALUE",
	  NULL },
	{ "if",         NULL,    directive_if,         1, 0, "FLAG... (kvm, tcg, shares, disks, network, "
	  "tap, user, asan)", NULL },
	{ "else",       NULL,    directive_else,       0, 0, "nothing after it", NULL },
	{ "end",        NULL,    directive_end,        0, 0, "nothing after it", NULL },
};
#define NDIRECTIVES (sizeof directives / sizeof *directives)

/* The words after `landlock`: ll_class_names, then the two directives. */
#define LANDLOCK_WORDS "read, read-exec, read-write, device, make-device, scope, net or unhandled"

/* The directive of the line W, and the word after its name (l->sub) where
 * it takes one. */
static const struct directive *find_directive(struct loader *l, char **w, size_t n)
{
	bool name_known = false;

	for (size_t i = 0; i < NDIRECTIVES; i++) {
		const struct directive *d = &directives[i];
		const struct name_value *sub = d->subs && n > 1 ? name_lookup(d->subs, w[1]) : NULL;

		if (strcmp(w[0], d->name))
			continue;
		if (sub || (!d->subs && (!d->sub || (n > 1 && !strcmp(w[1], d->sub))))) {
			l->sub = sub ? sub->name : d->sub;
			l->sub_value = sub ? sub->value : 0;
			return d;
		}
		name_known = true;
	}
	if (name_known && n == 1)
		return fail(l, "%s: expected " LANDLOCK_WORDS, w[0]), NULL;
	if (name_known)
		return fail(l, "%s: expected " LANDLOCK_WORDS ", got '%s'", w[0], w[1]), NULL;
	return fail(l, "unknown directive '%s'", w[0]), NULL;
}

/* Splits LINE into words at blanks; a word that starts with # starts a comment. */
static int split(const struct loader *l, char *line, char **w, size_t *n)
{
	char *save, *word;

	*n = 0;
	for (word = strtok_r(line, " \t", &save); word && *word != '#';
	     word = strtok_r(NULL, " \t", &save)) {
		if (*n == MAX_WORDS)
			return fail(l, "too many words (at most %d)", MAX_WORDS);
		w[(*n)++] = word;
	}
	return 0;
}

static int parse_line(char *line, unsigned number, void *arg)
{
	struct loader *l = arg;
	char *raw[MAX_WORDS];
	struct words ws = { .n = 0 };
	size_t nraw, nargs;
	int r;

	l->line = number;
	if (split(l, line, raw, &nraw) < 0)
		return -1;
	if (nraw == 0)
		return 0;
	if (!(l->d = find_directive(l, raw, nraw)))
		return -1;
	nargs = nraw - (l->sub ? 2 : 1);
	if (nargs < l->d->min || (l->d->max && nargs > l->d->max) || (!l->d->max && !l->d->min && nargs))
		return fail(l, "%s%s%s: expected %s", l->d->name, l->sub ? " " : "",
			    l->sub ? l->sub : "", l->d->usage);
	r = loader_expand(l, raw + nraw - nargs, nargs, &ws);
	if (r == 0)
		r = l->d->parse(l, ws.w, ws.n);
	loader_words_free(&ws);
	return r;
}

int profile_load(const char *file, const struct profile_params *params, struct profile *out)
{
	struct loader l = { .params = params, .cfg = params->cfg, .p = out, .file = file };
	int r;

	memset(out, 0, sizeof *out);
	loader_set_memory(&l);
	if (!(out->file = strdup(file)))
		return fail(&l, "out of memory");
	r = textfile_each_line(file, "profile", parse_line, &l);
	if (r == TEXTFILE_READ_ERROR)
		r = fail(&l, "cannot read profile: %s", strerror(errno));
	if (r == 0 && l.if_line) {
		l.line = l.if_line;
		r = fail(&l, "'if' without 'end'");
	}
	if (r < 0)
		profile_free(out);
	return r;
}

void profile_free(struct profile *p)
{
	free(p->file);
	free(p->syscalls);
	for (size_t i = 0; i < p->npaths; i++)
		free(p->paths[i].path);
	free(p->paths);
	free(p->ports);
	memset(p, 0, sizeof *p);
}
