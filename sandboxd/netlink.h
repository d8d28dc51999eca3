/* rtnetlink through libmnl: the few link and address changes sandboxd
 * makes, each one request and its acknowledgement. A refusal names the
 * step, the device and the kernel's extended-ack message when it gave one. */
#ifndef SANDBOXD_NETLINK_H
#define SANDBOXD_NETLINK_H

#include <stdint.h>

struct mnl_socket;

/* A route netlink socket with extended acks; NULL (logged) on failure. */
struct mnl_socket *netlink_open(void);
void netlink_close(struct mnl_socket *nl);

/* Each returns 0, or -1 with errno set and one warning naming STEP, DEV
 * and the kernel's reason. MTU 0: unchanged; MASTER 0: none. */
int netlink_link_set(struct mnl_socket *nl, const char *step, const char *dev, unsigned index,
		     unsigned mtu, unsigned master, int up);
/* ADDR in network byte order, with PREFIX bits. */
int netlink_addr_add(struct mnl_socket *nl, const char *step, const char *dev, unsigned index,
		     uint32_t addr, unsigned prefix);

/* What netlink_link_query says of a link. */
struct netlink_link {
	unsigned index, mtu;
	char kind[16];		/* IFLA_INFO_KIND: "bridge", ...; "" for none */
};

/* The link named NAME into *OUT; -1 with errno set (ENODEV: no such link;
 * only a failing socket is logged). Changes nothing: the plan asks it. */
int netlink_link_query(struct mnl_socket *nl, const char *name, struct netlink_link *out);

#endif
