/* The network keys (sandboxd.conf(5)): network, mac, host_address,
 * forward, and how they fit together, checked once the whole file is read. */
#include "config_parser.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* A host interface name the kernel would take: 1..15 bytes, no '/', ':'
 * or space (dev_valid_name), and not "." or "..". */
static bool is_ifname(const char *s)
{
	return textfile_is_word(s, ALNUM "_.-", IFNAMSIZ - 1) && strcmp(s, ".") && strcmp(s, "..");
}

int config_parse_network(struct parser *p, const struct key *k, const char *v)
{
	struct net_config *net = &p->cfg->net;

	(void)k;
	net->line = p->line;
	if (!strcmp(v, "none"))
		net->kind = NET_NONE;
	else if (!strcmp(v, "tap"))
		net->kind = NET_TAP;
	else if (!strcmp(v, "user"))
		net->kind = NET_USER;
	else if (!strncmp(v, "bridge:", 7) && is_ifname(v + 7)) {
		net->kind = NET_BRIDGE;
		return config_store(p, &net->bridge, v + 7);
	} else
		return config_expected(p, "none, tap, user or bridge:NAME (NAME a host bridge, "
				       "1..15 characters of [A-Za-z0-9_.-])", v);
	return 0;
}

/* Six two-digit hex bytes separated by ':', a unicast address. */
int config_parse_mac(struct parser *p, const struct key *k, const char *v)
{
	static const char what[] = "a unicast MAC address XX:XX:XX:XX:XX:XX (hex; the first "
				   "byte even)";
	struct net_config *net = &p->cfg->net;
	unsigned b[6];
	int end = 0;

	(void)k;
	if (strlen(v) != 17 ||
	    sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6
	    || end != 17 || strspn(v, "0123456789abcdefABCDEF:") != 17 || (b[0] & 1))
		return config_expected(p, what, v);
	for (int i = 0; i < 6; i++)
		net->mac[i] = (uint8_t)b[i];
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return config_expected(p, what, v);
	net->mac_line = p->line;
	return 0;
}

/* A.B.C.D/N, N 1..30: the tap's address on the host; the guest's is the
 * next one (sandboxd.conf(5)), so both must be hosts of the prefix. */
int config_parse_host_address(struct parser *p, const struct key *k, const char *v)
{
	struct net_config *net = &p->cfg->net;
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(v, '/'), *end;
	struct in_addr in;
	uint64_t prefix;
	uint32_t host, mask;

	(void)k;
	if (!slash || (size_t)(slash - v) >= sizeof addr)
		return config_expected(p, "A.B.C.D/N, N 1..30", v);
	snprintf(addr, sizeof addr, "%.*s", (int)(slash - v), v);
	if (inet_pton(AF_INET, addr, &in) != 1 || !textfile_scan_u64(slash + 1, 10, &prefix, &end)
	    || *end || prefix < 1 || prefix > 30)
		return config_expected(p, "A.B.C.D/N, N 1..30", v);
	host = ntohl(in.s_addr);
	mask = ~(uint32_t)0 << (32 - prefix);
	if ((host & ~mask) == 0 || (host & ~mask) >= (~mask) - 1)
		return fail(p, "host_address: %s leaves no room for the guest's address, the next one "
			    "in /%u (neither may be the prefix's first or broadcast address)", v,
			    (unsigned)prefix);
	net->host_addr = in.s_addr;
	net->host_prefix = (unsigned)prefix;
	net->host_address_line = p->line;
	return 0;
}

/* A port 1..65535 up to END_CHAR ('\0' or ':'); the rest after it in *REST. */
static bool scan_port(const char *s, char end_char, uint16_t *port, const char **rest)
{
	uint64_t v;
	const char *end;

	if (!textfile_scan_u64(s, 10, &v, &end) || end == s || *end != end_char || v < 1 ||
	    v > 65535)
		return false;
	*port = (uint16_t)v;
	*rest = end_char ? end + 1 : end;
	return true;
}

/* tcp:HOSTPORT:GUESTPORT, or tcp:ADDR:HOSTPORT:GUESTPORT to listen on
 * another host address than 127.0.0.1. */
int config_parse_forward(struct parser *p, const struct key *k, const char *v)
{
	static const char what[] = "tcp:HOSTPORT:GUESTPORT or tcp:A.B.C.D:HOSTPORT:GUESTPORT "
				   "(ports 1..65535)";
	struct net_config *net = &p->cfg->net;
	struct net_forward f = { .addr = htonl(INADDR_LOOPBACK), .line = p->line };
	const char *rest = v + 4;
	char addr[INET_ADDRSTRLEN];
	const char *colon;

	(void)k;
	if (strncmp(v, "tcp:", 4))
		return config_expected(p, what, v);
	/* Three fields after "tcp:": the first is the address. */
	if ((colon = strchr(rest, ':')) && strchr(colon + 1, ':')) {
		struct in_addr in;
		if ((size_t)(colon - rest) >= sizeof addr)
			return config_expected(p, what, v);
		snprintf(addr, sizeof addr, "%.*s", (int)(colon - rest), rest);
		if (inet_pton(AF_INET, addr, &in) != 1)
			return config_expected(p, what, v);
		f.addr = in.s_addr;
		rest = colon + 1;
	}
	if (!scan_port(rest, ':', &f.host_port, &rest) || !scan_port(rest, '\0', &f.guest_port, &rest))
		return config_expected(p, what, v);
	for (size_t i = 0; i < net->nforwards; i++)
		if (net->forwards[i].host_port == f.host_port && net->forwards[i].addr == f.addr)
			return fail(p, "forward: host port %u is forwarded already on line %u",
				    (unsigned)f.host_port, net->forwards[i].line);
	if (net->nforwards == CONFIG_MAX_FORWARDS)
		return fail(p, "forward: at most %d", CONFIG_MAX_FORWARDS);
	snprintf(f.host_port_text, sizeof f.host_port_text, "%u", (unsigned)f.host_port);
	net->forwards[net->nforwards++] = f;
	return 0;
}

/* The default MAC: locally administered, unicast (02:...), the rest a
 * hash (FNV-1a) of the VM's name, so that a VM keeps its address. */
static void mac_from_name(const char *name, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	mac[0] = 0x02;
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}

int config_net_finish(struct parser *p)
{
	struct net_config *net = &p->cfg->net;

	if (net->kind == NET_TAP && !net->host_addr)
		return fail_at(p, net->line, "network = tap needs host_address = A.B.C.D/N (the "
			       "tap's address on the host)");
	if (net->host_addr && net->kind != NET_TAP && net->kind != NET_USER)
		return fail_at(p, net->host_address_line, "host_address: only with network = tap "
			       "or user (a bridge's addresses are the host's business)");
	if (net->nforwards && net->kind != NET_USER)
		return fail_at(p, net->forwards[0].line, "forward: only with network = user (passt "
			       "forwards the port)");
	/* user: the gateway passt plays on the guest's link (QEMU's slirp
	 * network); the guest takes the next address, as on a tap. */
	if (net->kind == NET_USER && !net->host_addr) {
		net->host_addr = htonl(0x0a000202);	/* 10.0.2.2 */
		net->host_prefix = 24;
	}
	if (net->mac_line && net->kind == NET_NONE)
		return fail_at(p, net->mac_line, "mac: the VM has no network (network = none)");
	if (!net->mac_line)
		mac_from_name(p->cfg->name, net->mac);
	return 0;
}
