/* The config parser's insides, shared by config.c (the key table, scalar
 * keys, loading) and config_paths.c (the keys naming host paths). */
#ifndef SANDBOXD_CONFIG_PARSER_H
#define SANDBOXD_CONFIG_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "textfile.h"

#define MAX_LINE TEXTFILE_MAX_LINE	/* a value fits in a line */
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

struct parser {
	struct config *cfg;
	const char *file;
	char *dir;		/* relative paths resolve against this */
	unsigned line;
	const char *key;	/* the key being parsed, for messages */
	unsigned *seen;		/* per key: the line it is first on; 0: not yet */
};

#define fail_at(p, line, ...) textfile_fail((p)->file, (line), __VA_ARGS__)
#define fail(p, ...) fail_at((p), (p)->line, __VA_ARGS__)

struct key;
typedef int parse_fn(struct parser *p, const struct key *k, const char *value);

/* One row per key. Most parsers are generic: they store into the field at
 * `offset`, range-checked by min..max. */
struct key {
	const char *name;
	parse_fn *parse;
	size_t offset;
	uint64_t min, max;
	const char *const *choices;	/* parse_choice: NULL-terminated */
	const char *what;		/* parse_choice: what is expected */
	bool required, repeatable;
};

/* "KEY: expected WHAT, got 'VALUE'" at the line; -1. */
int config_expected(const struct parser *p, const char *what, const char *value);
/* *FIELD = a copy of VALUE; -1 (said) when out of memory. */
int config_store(const struct parser *p, char **field, const char *value);
/* The config field of key K. */
void *config_field(const struct parser *p, const struct key *k);
/* An enum field: VALUE's index in K's choices. */
parse_fn config_parse_choice;

/* The keys naming host paths (config_paths.c). */
parse_fn config_parse_boot_file, config_parse_disk, config_parse_share;
/* The cgroup keys (config_cgroup.c). */
parse_fn config_parse_cgroup_limit, config_parse_cgroup_parent, config_parse_cgroup_version;

/* The network keys (config_net.c), and their checks across keys once the
 * file is read: -1 (said) on error. */
parse_fn config_parse_network, config_parse_mac, config_parse_host_address,
	 config_parse_forward;
int config_net_finish(struct parser *p);

#endif
