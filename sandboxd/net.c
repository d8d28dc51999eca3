/* net.h: the plan's network step, the tap in the caller's namespace, and
 * the loopback of the VM's own. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "tap.h"

#define TAP_PATTERN "sbx%d"
#define TAP_MTU 1500

static void guest_args(const struct net_config *c, char *buf, size_t len)
{
	char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN];
	const struct in_addr h = { c->host_addr };
	const struct in_addr g = { htonl(ntohl(c->host_addr) + 1) };

	inet_ntop(AF_INET, &h, host, sizeof host);
	inet_ntop(AF_INET, &g, guest, sizeof guest);
	snprintf(buf, len, "sbx.ip=%s/%u sbx.gw=%s", guest, c->host_prefix, host);
}

/* bridge:NAME must name a bridge of the caller's namespace now: asked over
 * rtnetlink, not /sys, which may show another namespace's links. */
static void find_bridge(const struct config *cfg, struct net_plan *out)
{
	struct mnl_socket *nl = netlink_open();
	struct netlink_link link;
	int r;

	if (!nl)
		die(EXIT_TEMPORARY, NULL, "network: cannot look up bridge %s", cfg->net.bridge);
	r = netlink_link_query(nl, cfg->net.bridge, &link);
	netlink_close(nl);
	if (r < 0 && errno == ENODEV)
		die(EXIT_PERMANENT, NULL, "%s:%u: network: no link %s in sandboxd's network namespace",
		    cfg->file, cfg->net.line, cfg->net.bridge);
	if (r < 0)
		die_errno(EXIT_TEMPORARY, NULL, "network: look up bridge %s", cfg->net.bridge);
	if (strcmp(link.kind, "bridge"))
		die(EXIT_PERMANENT, NULL, "%s:%u: network: %s is not a bridge (link kind %s)",
		    cfg->file, cfg->net.line, cfg->net.bridge, link.kind[0] ? link.kind : "none");
	out->bridge_index = link.index;
	out->mtu = link.mtu;
}

void net_plan(const struct config *cfg, const char *driver, bool driver_has_net,
	      struct net_plan *out)
{
	const struct net_config *c = &cfg->net;

	*out = (struct net_plan){ .kind = c->kind, .tap_fd = -1, .mtu = TAP_MTU,
				  .host_netns_fd = -1 };
	snprintf(out->mac, sizeof out->mac, "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1],
		 c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
	if (c->kind == NET_NONE)
		return;
	if (!driver_has_net)
		die(EXIT_PERMANENT, NULL, "%s:%u: network: the %s driver has no network device yet "
		    "(vmm = qemu has)", cfg->file, c->line, driver);
	if (c->kind == NET_USER) {
		guest_args(c, out->guest_args, sizeof out->guest_args);
		return;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0)
		die_errno(EXIT_PERMANENT, NULL, "%s:%u: network: /dev/net/tun", cfg->file, c->line);
	if (c->kind == NET_BRIDGE)
		find_bridge(cfg, out);
	else
		guest_args(c, out->guest_args, sizeof out->guest_args);
}

void net_print(const struct net_plan *n, const struct config *cfg)
{
	if (n->kind == NET_NONE)
		printf("network: none (loopback only, in the VM's own network namespace)\n");
	else if (n->kind == NET_BRIDGE)
		printf("network: tap on bridge %s (index %u), mtu %u, guest mac %s\n",
		       cfg->net.bridge, n->bridge_index, n->mtu, n->mac);
	else if (n->kind == NET_USER)
		printf("network: user (passt in sandboxd's network namespace), %zu port%s forwarded, "
		       "guest mac %s, guest command line '%s'\n", cfg->net.nforwards,
		       cfg->net.nforwards == 1 ? "" : "s", n->mac, n->guest_args);
	else
		printf("network: routed tap, mtu %u, guest mac %s, guest command line '%s'\n", n->mtu,
		       n->mac, n->guest_args);
}

void net_setup_host(struct net_plan *n, const struct config *cfg, uid_t uid, gid_t gid)
{
	const struct net_config *c = &cfg->net;
	struct mnl_socket *nl;
	const char *step;
	unsigned index;
	int r;

	if (n->kind == NET_NONE)
		return;
	if (n->kind == NET_USER) {
		n->host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (n->host_netns_fd < 0)
			die_errno(EXIT_TEMPORARY, NULL, "network: open sandboxd's network namespace "
				  "for passt");
		return;
	}
	n->tap_fd = tap_open(TAP_PATTERN, uid, gid, n->tap_name, &step);
	if (n->tap_fd < 0)
		die_errno(EXIT_TEMPORARY, NULL, "network: %s", step);
	index = if_nametoindex(n->tap_name);
	if (!index)
		die_errno(EXIT_TEMPORARY, NULL, "network: find tap %s", n->tap_name);
	nl = netlink_open();
	if (!nl)
		exit(EXIT_TEMPORARY);
	/* MTU and master before the address and the link going up: the tap
	 * carries no traffic until it is whole. */
	r = netlink_link_set(nl, "set the MTU", n->tap_name, index, n->mtu, 0, 0);
	if (!r && c->kind == NET_BRIDGE)
		r = netlink_link_set(nl, "attach to the bridge", n->tap_name, index, 0,
				     n->bridge_index, 0);
	if (!r && c->kind == NET_TAP)
		r = netlink_addr_add(nl, "add the host address", n->tap_name, index, c->host_addr,
				     c->host_prefix);
	if (!r)
		r = netlink_link_set(nl, "bring up", n->tap_name, index, 0, 0, 1);
	netlink_close(nl);
	if (r < 0)
		exit(EXIT_TEMPORARY);	/* said, with the step and the kernel's reason */
	log_info(NULL, "network: tap %s up (%s), owned by uid %u, for the guest's %s", n->tap_name,
		 c->kind == NET_BRIDGE ? c->bridge : "routed", (unsigned)uid, n->mac);
}

/* Up, because a loopback that is down answers 127.0.0.1 with ENETUNREACH
 * where programs expect a refused connection, and because this one is the
 * VM's alone (systemd's PrivateNetwork= does the same). */
void net_loopback_up(void)
{
	struct mnl_socket *nl = netlink_open();
	unsigned index = if_nametoindex("lo");

	if (!nl || !index || netlink_link_set(nl, "bring up", "lo", index, 0, 0, 1) < 0)
		die(EXIT_TEMPORARY, NULL, "network: the VM's loopback");
	netlink_close(nl);
}
