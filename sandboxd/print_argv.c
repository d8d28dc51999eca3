#include "print_argv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "passt.h"
#include "shares.h"
#include "vmm_driver.h"

/* S as one shell word: as it is when it holds only characters no shell
 * treats specially, else in single quotes. */
static void put_word(const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_@%+=:,./-";

	if (*s && strspn(s, plain) == strlen(s)) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	putchar('\'');
}

static void put_line(const char *role, char *const *argv)
{
	fputs(role, stdout);
	for (; *argv; argv++) {
		putchar(' ');
		put_word(*argv);
	}
	putchar('\n');
}

void print_argv(const struct plan *p)
{
	const struct config *cfg = &p->cfg;
	struct vmm_run run;
	char role[64];

	for (size_t i = 0; i < cfg->nshares && p->shares[i].binary[0]; i++) {
		struct argv a = { 0 };
		share_argv(p, i, &a);
		snprintf(role, sizeof role, "virtiofsd-%s", cfg->shares[i].tag);
		put_line(role, a.v);
		argv_free(&a);
	}
	if (p->passt.binary[0]) {
		struct argv a = { 0 };
		passt_argv(p, &a);
		put_line("passt", a.v);
		argv_free(&a);
	}
	vmm_run_init(&run, p, true);
	if (p->drv->prepare(&run) < 0)
		die(EXIT_TEMPORARY, "vmm", "prepare %s", p->drv->name);
	put_line("vmm", run.argv.v);
	for (size_t i = 0; i < run.svc.nfds; i++)
		if (run.file_path[i]) {
			printf("vmm fd %zu %s ", i + 3,
			       (run.file_flags[i] & O_ACCMODE) == O_RDONLY ? "read-only" : "read-write");
			put_word(run.file_path[i]);
			putchar('\n');
		}
	p->drv->release(&run);
	argv_free(&run.argv);
}
