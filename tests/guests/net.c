/* virtio-net: finds the network device (id 1) among the virtio-mmio
 * devices, reads its MAC, posts 8 receive buffers, and talks IPv4 over
 * Ethernet by polling, with its address and the host side's from the
 * command line as sandboxd passes them (sbx.ip=A.B.C.D/N sbx.gw=A.B.C.D):
 * answers ARP for its address, resolves the host side's MAC, sends an
 * ICMP echo request to it and checks the host kernel's reply, then (with
 * udp=PORT) sends "sbx-udp-ping N" to the host side's PORT and checks the
 * reply "SBX-UDP-PING N" of the responder the test runs there.  One line
 * per step, "net: done" and power-off 0; "net: FAIL ..." and 3 on failure.
 *
 * Other modes (mode=NAME):
 *   starve  sets the device up with its receive queue ready but posts no
 *           buffer, says "net: starving", then waits for Ctrl-Alt-Del (the
 *           VMM's SIGTERM) and powers off: the host floods it meanwhile;
 *   sink    the same, but takes every frame and posts its buffer again;
 *   bench   count=N echo requests, one at a time, each waited for; a line
 *           before and after for the host to timestamp (bench/vmm-net.sh),
 *           then how many replies came.
 * A freestanding guest has no clock it can trust to be the host's: waits
 * are bounded by TSC ticks, never reported as times. */
#include "lib/virtio.h"

#define VIRTIO_NET_F_MAC (1ULL << 5)
#define HDR 12			/* virtio_net_hdr_v1 */
#define BUFSZ 2048
#define WAIT_TICKS (1ULL << 32)	/* about 1-4 s at 1-4 GHz */
#define TRIES 5

enum { ETH_ARP = 0x0806, ETH_IP = 0x0800 };
enum { IP_ICMP = 1, IP_UDP = 17 };

static struct vq8 rxq, txq;
static uint8_t rxbuf[VQ8][BUFSZ] __attribute__((aligned(64)));
static uint8_t txbuf[BUFSZ] __attribute__((aligned(64)));
static struct vdev dev;
static uint8_t mac[6], gw_mac[6];
static uint32_t my_ip, gw_ip;
static uint16_t rx_seen, udp_port, seq;
static int have_gw_mac, echo_ok, udp_ok;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static __attribute__((noreturn)) void fail(const char *what)
{
	gprintf("net: FAIL %s\n", what);
	poweroff(3);
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

static uint16_t csum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0, i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* "A.B.C.D" (up to '/', ' ' or the end) */
static uint32_t parse_ip(const char *s)
{
	uint32_t ip = 0, i;

	for (i = 0; i < 4; i++) {
		ip = ip << 8 | (uint32_t)parse_num(s);
		while (*s >= '0' && *s <= '9')
			s++;
		if (i < 3 && *s++ != '.')
			fail("bad address on the command line");
	}
	return ip;
}

static void post_rx(uint16_t id)
{
	rxq.desc[id] = (struct vq_desc){ (uint64_t)rxbuf[id], BUFSZ, VQ_WRITE, 0 };
	rxq.avail.ring[rxq.avail.idx % VQ8] = id;
	barrier();
	rxq.avail.idx++;
	barrier();
	virtio_write(&dev, VIRTIO_REG_NOTIFY, 0);
}

/* Send the frame built in txbuf + HDR (LEN bytes after the Ethernet
 * header's 14) to DST with TYPE; wait until the device has taken it (the
 * bundled VMM does during the notify, QEMU a little later). */
static void send(const uint8_t *dst, uint16_t type, uint32_t len)
{
	uint16_t seen = txq.used.idx;
	uint64_t end;

	memset(txbuf, 0, HDR);
	memcpy(txbuf + HDR, dst, 6);
	memcpy(txbuf + HDR + 6, mac, 6);
	put16(txbuf + HDR + 12, type);
	txq.desc[0] = (struct vq_desc){ (uint64_t)txbuf, HDR + 14 + len, 0, 0 };
	txq.avail.ring[txq.avail.idx % VQ8] = 0;
	barrier();
	txq.avail.idx++;
	barrier();
	virtio_write(&dev, VIRTIO_REG_NOTIFY, 1);
	for (end = rdtsc() + WAIT_TICKS; *(volatile uint16_t *)&txq.used.idx == seen; pause())
		if (rdtsc() > end)
			fail("transmit chain not used");
}

static void send_arp(uint16_t op, const uint8_t *to_mac, uint32_t to_ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *a = txbuf + HDR + 14;

	put16(a, 1);			/* Ethernet */
	put16(a + 2, ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, mac, 6);
	put32(a + 14, my_ip);
	memcpy(a + 18, op == 1 ? (const uint8_t *)"\0\0\0\0\0\0" : to_mac, 6);
	put32(a + 24, to_ip);
	send(op == 1 ? bcast : to_mac, ETH_ARP, 28);
}

/* An IPv4 packet to the host side, PROTO, payload of LEN bytes already at
 * txbuf + HDR + 14 + 20. */
static void send_ip(uint8_t proto, uint32_t len)
{
	uint8_t *ip = txbuf + HDR + 14;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + len);
	put16(ip + 4, seq);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, my_ip);
	put32(ip + 16, gw_ip);
	put16(ip + 10, csum(ip, 20));
	send(gw_mac, ETH_IP, 20 + len);
}

static void send_echo(void)
{
	uint8_t *icmp = txbuf + HDR + 14 + 20;

	seq++;
	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, 0x5342);	/* id "SB" */
	put16(icmp + 6, seq);
	memcpy(icmp + 8, "sandboxd-net-echo", 17);
	put16(icmp + 2, csum(icmp, 25));
	send_ip(IP_ICMP, 25);
}

static void send_udp(void)
{
	uint8_t *udp = txbuf + HDR + 14 + 20;
	uint32_t n;

	seq++;
	memcpy(udp + 8, "sbx-udp-ping ", 13);
	for (n = 0; n < 4; n++)	/* seq as 4 decimal digits */
		udp[8 + 16 - n] = (uint8_t)('0' + seq / (n == 0 ? 1 : n == 1 ? 10 : n == 2 ? 100 : 1000) % 10);
	put16(udp, 40000);
	put16(udp + 2, udp_port);
	put16(udp + 4, 8 + 17);
	put16(udp + 6, 0);		/* no checksum (IPv4 allows it) */
	send_ip(IP_UDP, 8 + 17);
}

/* One received frame F of LEN bytes (without the virtio header). */
static void handle(const uint8_t *f, uint32_t len)
{
	const uint8_t *p = f + 14;

	if (len >= 14 + 28 && get16(f + 12) == ETH_ARP) {
		if (get16(p + 6) == 1 && get32(p + 24) == my_ip) {
			send_arp(2, p + 8, get32(p + 14));
			gprintf("net: answered ARP for %u.%u.%u.%u\n", my_ip >> 24, my_ip >> 16 & 0xff,
				my_ip >> 8 & 0xff, my_ip & 0xff);
		}
		if (get16(p + 6) == 2 && get32(p + 14) == gw_ip) {
			memcpy(gw_mac, p + 8, 6);
			have_gw_mac = 1;
		}
		return;
	}
	if (len < 14 + 20 + 8 || get16(f + 12) != ETH_IP || get32(p + 12) != gw_ip ||
	    get32(p + 16) != my_ip || (p[0] & 0xf) != 5)
		return;
	if (p[9] == IP_ICMP && p[20] == 0 && get16(p + 24) == 0x5342 && get16(p + 26) == seq &&
	    !memcmp(p + 28, "sandboxd-net-echo", 17))
		echo_ok++;
	if (p[9] == IP_UDP && get16(p + 20) == udp_port && get16(p + 22) == 40000 &&
	    len >= 14 + 20 + 8 + 17 && !memcmp(p + 28, "SBX-UDP-PING ", 13) &&
	    !memcmp(p + 41, txbuf + HDR + 14 + 20 + 8 + 13, 4))
		udp_ok++;
}

/* Handle what arrived until *FLAG becomes non-zero or WAIT_TICKS pass. */
static int wait_for(const int *flag)
{
	uint64_t end = rdtsc() + WAIT_TICKS;

	while (!*(volatile const int *)flag && rdtsc() < end) {
		while (*(volatile uint16_t *)&rxq.used.idx != rx_seen) {
			const struct vq_used_elem *e = &rxq.used.ring[rx_seen % VQ8];
			uint16_t id = (uint16_t)e->id;

			if (id >= VQ8 || e->len < HDR || e->len > BUFSZ)
				fail("bad used element");
			handle(rxbuf[id] + HDR, e->len - HDR);
			rx_seen++;
			post_rx(id);
		}
		pause();
	}
	return *flag;
}

static void find_device(const char *cmdline)
{
	int n;

	for (n = 0; !virtio_find(cmdline, n, &dev); n++)
		if (virtio_read(&dev, 8) == 1)
			break;
	if (virtio_read(&dev, 8) != 1 || !(virtio_init(&dev, 1, VIRTIO_NET_F_MAC) & VIRTIO_NET_F_MAC))
		fail("no virtio-net device offering VIRTIO_NET_F_MAC");
	for (n = 0; n < 6; n++)
		mac[n] = *(volatile uint8_t *)(dev.base + VIRTIO_REG_CONFIG + n);
	if (!virtio_queue(&dev, 0, VQ8, (uint64_t)rxq.desc, (uint64_t)&rxq.avail, (uint64_t)&rxq.used) ||
	    !virtio_queue(&dev, 1, VQ8, (uint64_t)txq.desc, (uint64_t)&txq.avail, (uint64_t)&txq.used))
		fail("queue refused");
	virtio_driver_ok(&dev);
	gprintf("net: device at 0x%lx, mac %02x:%02x:%02x:%02x:%02x:%02x\n", dev.base, mac[0], mac[1],
		mac[2], mac[3], mac[4], mac[5]);
}

/* starve: no receive buffer ever; sink: every frame taken and counted.
 * Either way until Ctrl-Alt-Del (its last scancode 0x53; cad.c has the
 * whole sequence). */
static void starve_or_sink(int sink)
{
	uint32_t frames = 0;
	uint16_t i;

	if (sink)
		for (i = 0; i < VQ8; i++)
			post_rx(i);
	puts(sink ? "net: sinking\n" : "net: starving\n");
	for (;;) {
		while (sink && *(volatile uint16_t *)&rxq.used.idx != rx_seen) {
			post_rx((uint16_t)rxq.used.ring[rx_seen % VQ8].id % VQ8);
			rx_seen++;
			frames++;
		}
		if ((inb(0x64) & 1) && inb(0x60) == 0x53)
			break;
		pause();
	}
	gprintf("net: Ctrl-Alt-Del after %u frames\n", frames);
	poweroff(0);
}

static void resolve_gw(void)
{
	int i;

	for (i = 0; i < TRIES && !have_gw_mac; i++) {
		send_arp(1, NULL, gw_ip);
		wait_for(&have_gw_mac);
	}
	if (!have_gw_mac)
		fail("no ARP reply from the host side");
	gprintf("net: host side has mac %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0], gw_mac[1],
		gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);
}

static void bench(uint32_t count)
{
	uint32_t i, replies = 0;

	puts("net: bench start\n");
	for (i = 0; i < count; i++) {
		echo_ok = 0;
		send_echo();
		replies += (uint32_t)wait_for(&echo_ok) > 0;
	}
	puts("net: bench end\n");
	gprintf("net: bench %u requests, %u replies\n", count, replies);
}

void guest_main(struct hvm_start_info *si)
{
	const char *cmdline = (const char *)si->cmdline_paddr;
	const char *ip = cmdline_find(cmdline, "sbx.ip"), *gw = cmdline_find(cmdline, "sbx.gw");
	const char *mode = cmdline_find(cmdline, "mode"), *port = cmdline_find(cmdline, "udp");
	const char *count = cmdline_find(cmdline, "count");
	uint16_t i;
	int tries;

	find_device(cmdline);
	if (mode && (!strncmp(mode, "starve", 6) || !strncmp(mode, "sink", 4)))
		starve_or_sink(mode[1] == 'i');
	if (!ip || !gw)
		fail("need sbx.ip=A.B.C.D/N sbx.gw=A.B.C.D");
	my_ip = parse_ip(ip);
	gw_ip = parse_ip(gw);
	for (i = 0; i < VQ8; i++)
		post_rx(i);
	resolve_gw();
	if (mode && !strncmp(mode, "bench", 5)) {
		bench(count ? (uint32_t)parse_num(count) : 1000);
		poweroff(0);
	}
	for (tries = 0; tries < TRIES && !echo_ok; tries++) {
		send_echo();
		wait_for(&echo_ok);
	}
	if (!echo_ok)
		fail("no ICMP echo reply from the host side");
	gprintf("net: echo reply from %u.%u.%u.%u seq %u\n", gw_ip >> 24, gw_ip >> 16 & 0xff,
		gw_ip >> 8 & 0xff, gw_ip & 0xff, seq);
	if (port) {
		udp_port = (uint16_t)parse_num(port);
		for (tries = 0; tries < TRIES && !udp_ok; tries++) {
			send_udp();
			wait_for(&udp_ok);
		}
		if (!udp_ok)
			fail("no UDP reply from the host side");
		gprintf("net: udp reply from port %u: SBX-UDP-PING %u\n", udp_port, seq);
	}
	puts("net: done\n");
	poweroff(0);
}
