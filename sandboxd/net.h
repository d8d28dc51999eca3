/* The VM's network (sandboxd.conf(5) "network"): every VM has a network
 * namespace of its own (main.c clones PID 1 into it), holding only its
 * loopback unless the config gives it a tap, which the outer process
 * creates in the caller's namespace before that clone, or passt (user),
 * the one service that runs in the caller's namespace (passt.c): the
 * outer opens that namespace before the clone, for passt to join. */
#ifndef SANDBOXD_NET_H
#define SANDBOXD_NET_H

#include <net/if.h>
#include <stdbool.h>

#include "config.h"

/* The network as planned, and the tap once the outer made it. */
struct net_plan {
	enum net_kind kind;
	unsigned bridge_index;	/* bridge:NAME: the bridge, found by the plan */
	unsigned mtu;		/* the tap's: the bridge's, or 1500 */
	char guest_args[80];	/* for the guest's command line; "" for none */
	char mac[18];		/* the guest's, XX:XX:XX:XX:XX:XX */
	int tap_fd;		/* -1 until net_setup_host */
	char tap_name[IFNAMSIZ];
	int host_netns_fd;	/* user: the caller's network namespace; -1 */
};

/* The plan's step: checks that this host and driver can give CFG's VM its
 * network (the bridge exists and is one, /dev/net/tun, a driver with a
 * network device: DRIVER_HAS_NET); dies with 100 if not. Creates nothing.
 * (passt itself is the plan's passt step.) */
void net_plan(const struct config *cfg, const char *driver, bool driver_has_net,
	      struct net_plan *out);

/* --check: one line. */
void net_print(const struct net_plan *n, const struct config *cfg);

/* In the caller's network namespace, before PID 1 is cloned into its own:
 * the tap, owned by UID/GID, configured by rtnetlink (MTU, master,
 * address, up); its fd in N->tap_fd. For user, that namespace itself, in
 * N->host_netns_fd. Dies with 111 naming the step. */
void net_setup_host(struct net_plan *n, const struct config *cfg, uid_t uid, gid_t gid);

/* PID 1, first thing in the VM's new network namespace: loopback up. */
void net_loopback_up(void);

#endif
