/* The profile loader's insides, shared by its files (profile_parse.c and
 * the directive files beside it); nothing outside the loader includes it. */
#ifndef SANDBOXD_PROFILE_LOADER_H
#define SANDBOXD_PROFILE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "profile.h"
#include "profile_const.h"
#include "textfile.h"

#define MAX_WORDS 256
#define MAX_WORD (TEXTFILE_MAX_LINE + 4096)	/* one word after parameter expansion */

/* Where a directive was first seen, for "first on line N"; 0: not yet. */
struct seen {
	unsigned cap[64];
	unsigned secbit[32];
	unsigned rlimit[RLIM_NLIMITS];
	unsigned tmp, shm, scope_signal, scope_unix, unhandled_fs, unhandled_connect;
	unsigned cgroup[4];		/* per enum cgroup_key */
};

/* What an inactive branch of an `if` is rolled back to at its end: it is
 * parsed and checked like any other line, then forgotten. */
struct mark {
	struct profile p;
	struct seen seen;
};

struct loader {
	const struct profile_params *params;
	const struct config *cfg;	/* params->cfg, or NULL */
	struct profile *p;
	const char *file;
	unsigned line;
	const struct directive *d;	/* the directive being parsed */
	const char *sub;		/* the word after its name, if it takes one */
	int sub_value;			/* that word's value in d->subs */
	struct seen seen;
	unsigned if_line, else_line;	/* of the open block; 0: none */
	bool active;			/* the branch being read applies */
	/* The state before the `if`, and after its branch when that one is
	 * active and the `else` is not: the else branch is checked against
	 * `pre`, with what the if branch added (up to `back`) hidden. */
	struct mark pre, back;
	bool hiding;
	char memory[24];		/* ${memory}, in bytes */
};

/* "FILE:LINE: message" for the line being parsed; -1. */
#define fail(l, ...) textfile_fail((l)->file, (l)->line, __VA_ARGS__)

struct directive;
typedef int directive_fn(struct loader *l, char **w, size_t n);

struct directive {
	const char *name, *sub;		/* "landlock" "scope" */
	directive_fn *parse;
	size_t min, max;		/* words after the name, before expansion; max 0: any */
	const char *usage;
	const struct name_value *subs;	/* or any of these after the name: "landlock" "read" */
};

#define HIDDEN(l, i, count) \
	((l)->hiding && (i) >= (l)->pre.p.count && (i) < (l)->back.p.count)

/* --- profile_parse.c: the loader's helpers and the values of words ------- */

/* Makes room in *ARRAY (N elements of SIZE) for one more. */
int loader_grow(const struct loader *l, void *array, size_t n, size_t size);
/* *SEEN is 0, and becomes this line: else "WHAT 'NAME' is already on line N". */
int loader_set_once(const struct loader *l, unsigned *seen, const char *what, const char *name);
bool loader_scan_number(const char *s, uint64_t *out, const char **end);
int loader_value(const struct loader *l, const char *word, uint64_t *out);
bool loader_scan_size(const char *s, uint64_t *out);
const char *loader_bare_name(const char *word, const char *prefix, char buf[64]);

/* --- profile_params.c: ${...} parameters --------------------------------- */

struct words {
	char *w[MAX_WORDS];
	size_t n;
};

void loader_set_memory(struct loader *l);
/* RAW's words with their parameters expanded, appended to OUT (free with
 * loader_words_free, also on error). */
int loader_expand(const struct loader *l, char *const *raw, size_t nraw, struct words *out);
void loader_words_free(struct words *ws);

/* --- the directives: W holds the N words after the directive's name ------ */

directive_fn directive_syscall;						/* profile_syscall.c */
directive_fn directive_ll_paths, directive_view, directive_ll_scope, directive_ll_net,
	directive_ll_unhandled;						/* profile_landlock.c */
directive_fn directive_capability, directive_securebits, directive_rlimit,
	directive_tmpfs, directive_env, directive_cgroup;		/* profile_process.c */
directive_fn directive_if, directive_else, directive_end;		/* profile_blocks.c */

#endif
