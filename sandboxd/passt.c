/* passt, the user-mode network (network = user): its command line and
 * its start as the VM's third kind of service. */
#include "passt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* The fd passt finds its end of the link on (its first inherited fd). */
#define PASST_FD 3

/* --fd: the link is open already (no socket path, no listening socket);
 * with it passt exits 0 once the VMM closes the link (--one-off is implied),
 * which the VMM does as it ends: its exit is the end of the VM, not a
 * failure;
 * --foreground: PID 1 reaps it. IPv4 only, the guest's address contract
 * (sandboxd.conf(5)): the gateway is host_address, whose traffic passt
 * maps to the caller's loopback; the guest has the next address, on its
 * command line (sbx.ip=) and by passt's DHCP alike. Forwards listen on
 * their host address, 127.0.0.1 unless the config says otherwise. */
void passt_argv(const struct plan *plan, struct argv *a)
{
	const struct net_config *net = &plan->cfg.net;
	char gw[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];
	const struct in_addr g = { net->host_addr }, h = { htonl(ntohl(net->host_addr) + 1) };

	inet_ntop(AF_INET, &g, gw, sizeof gw);
	inet_ntop(AF_INET, &h, guest, sizeof guest);
	argv_add(a, "%s", plan->passt.binary);
	argv_add(a, "--fd");
	argv_add(a, "%d", PASST_FD);
	argv_add(a, "--foreground");
	argv_add(a, "--quiet");
	argv_add(a, "--stderr");
	argv_add(a, "--ipv4-only");
	argv_add(a, "--address");
	argv_add(a, "%s", guest);
	argv_add(a, "--netmask");
	argv_add(a, "%u", net->host_prefix);
	argv_add(a, "--gateway");
	argv_add(a, "%s", gw);
	for (size_t i = 0; i < net->nforwards; i++) {
		const struct net_forward *f = &net->forwards[i];
		const struct in_addr in = { f->addr };
		inet_ntop(AF_INET, &in, addr, sizeof addr);
		argv_add(a, "--tcp-ports");
		argv_add(a, "%s/%u:%u", addr, (unsigned)f->host_port, (unsigned)f->guest_port);
	}
}

void passt_start(const struct plan *plan, struct passt_service *out, int err_fd)
{
	struct service *svc = &out->svc;
	int link[2];

	service_init(svc, &plan->passt);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, link) < 0)
		die_errno(EXIT_TEMPORARY, svc->name, "create the guest's link (socketpair)");
	passt_argv(plan, &out->argv);
	svc->argv = out->argv.v;
	svc->fds[0] = link[0];
	svc->nfds = 1;
	svc->netns_fd = plan->net.host_netns_fd;
	svc->err_fd = err_fd;
	if (service_start(svc, plan) < 0)
		die_errno(EXIT_TEMPORARY, svc->name, "fork");
	close(link[0]);
	/* Only passt holds the caller's namespace from here. */
	close(plan->net.host_netns_fd);
	out->vmm_fd = link[1];
}
