/* rtnetlink through libmnl (netlink.h). Every request asks for an ack and
 * is answered before the next one is sent, so a failure is the step's own;
 * the socket asks for extended acks (NETLINK_EXT_ACK) and capped ones (no
 * copy of our request in the error), whose NLMSGERR_ATTR_MSG is the
 * kernel's reason in words ("Device is not a bridge", ...). */
#include "netlink.h"

#include <errno.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"

struct mnl_socket *netlink_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int on = 1;

	if (!nl) {
		log_warn_errno(NULL, "network: open a route netlink socket");
		return NULL;
	}
	/* Without extended acks the kernel still answers with errno alone. */
	(void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &on, sizeof on);
	(void)mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, sizeof on);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		log_warn_errno(NULL, "network: bind the route netlink socket");
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

void netlink_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

static int ext_ack_attr(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The kernel's answer to request SEQ: 0, or its errno with *WHY set to
 * the extended ack's message (NULL when it gave none). -1: no answer. */
static int read_ack(struct mnl_socket *nl, unsigned seq, char *buf, size_t len, const char **why)
{
	const unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;

	*why = NULL;
	while ((n = mnl_socket_recvfrom(nl, buf, len)) > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int left = (int)n;

		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);

			if (h->nlmsg_seq != seq || h->nlmsg_pid != portid || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (mnl_nlmsg_get_payload_len(h) < sizeof *err)
				return EPROTO;
			/* The TLVs follow the error, or our request's copy in
			 * it if the kernel ignored NETLINK_CAP_ACK. */
			if (h->nlmsg_flags & NLM_F_ACK_TLVS)
				(void)mnl_attr_parse(h, sizeof *err + (h->nlmsg_flags & NLM_F_CAPPED
					? 0 : err->msg.nlmsg_len - sizeof err->msg), ext_ack_attr, why);
			return -err->error;
		}
	}
	return n < 0 ? errno : EPROTO;
}

/* Sends the request in BUF and waits for its ack; -1 (said) if refused. */
static int transact(struct mnl_socket *nl, struct nlmsghdr *h, const char *step, const char *dev)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const char *why;
	int e;

	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = (unsigned)time(NULL) ^ (unsigned)h->nlmsg_type;
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0) {
		log_warn_errno(NULL, "network: %s of %s: send to the kernel", step, dev);
		return -1;
	}
	e = read_ack(nl, h->nlmsg_seq, buf, sizeof buf, &why);
	if (!e)
		return 0;
	if (why && *why)
		log_warn(NULL, "network: %s of %s: %s (kernel: %s)", step, dev, strerror(e), why);
	else
		log_warn(NULL, "network: %s of %s: %s", step, dev, strerror(e));
	errno = e;
	return -1;
}

int netlink_link_set(struct mnl_socket *nl, const char *step, const char *dev, unsigned index,
		     unsigned mtu, unsigned master, int up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	h->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu)
		mnl_attr_put_u32(h, IFLA_MTU, mtu);
	if (master)
		mnl_attr_put_u32(h, IFLA_MASTER, master);
	return transact(nl, h, step, dev);
}

int netlink_addr_add(struct mnl_socket *nl, const char *step, const char *dev, unsigned index,
		     uint32_t addr, unsigned prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	h->nlmsg_type = RTM_NEWADDR;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(h, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	mnl_attr_put_u32(h, IFA_LOCAL, addr);
	mnl_attr_put_u32(h, IFA_ADDRESS, addr);
	if (prefix < 31) {
		const uint32_t host_bits = (uint32_t)0xffffffff >> prefix;
		mnl_attr_put_u32(h, IFA_BROADCAST, addr | htonl(host_bits));
	}
	return transact(nl, h, step, dev);
}

static int link_info_attr(const struct nlattr *attr, void *data)
{
	struct netlink_link *link = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(link->kind, sizeof link->kind, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct netlink_link *link = data;

	if (mnl_attr_get_type(attr) == IFLA_MTU && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		link->mtu = mnl_attr_get_u32(attr);
	if (mnl_attr_get_type(attr) == IFLA_LINKINFO && mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		(void)mnl_attr_parse_nested(attr, link_info_attr, data);
	return MNL_CB_OK;
}

static int link_reply(const struct nlmsghdr *h, void *data)
{
	struct netlink_link *link = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);

	link->index = (unsigned)ifi->ifi_index;
	return mnl_attr_parse(h, sizeof *ifi, link_attr, data);
}

int netlink_link_query(struct mnl_socket *nl, const char *name, struct netlink_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	ssize_t n;

	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = (unsigned)time(NULL);
	ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	*out = (struct netlink_link){ 0 };
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0 ||
	    (n = mnl_socket_recvfrom(nl, buf, sizeof buf)) < 0) {
		log_warn_errno(NULL, "network: look up link %s", name);
		return -1;
	}
	/* errno on failure: the kernel's, ENODEV for no such link */
	return mnl_cb_run(buf, (size_t)n, h->nlmsg_seq, mnl_socket_get_portid(nl), link_reply, out)
		       < 0 ? -1 : 0;
}
