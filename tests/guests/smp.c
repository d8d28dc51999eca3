/* N vCPUs: count the processors in the MP table, wake the others with
 * INIT-SIPI-SIPI through the local APIC (vector 8: lib/smp_tramp.S), each
 * announces itself; "smp: all N cpus up" once every one did. */
#include "lib/guest.h"

#define LAPIC 0xfee00000UL
#define LAPIC_ID 0x20
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_INIT 0x00004500u	/* INIT, level assert */
#define ICR_SIPI 0x00004600u	/* start-up */
#define SIPI_VECTOR 0x08	/* 0x8000 */

static volatile uint32_t console_lock, cpus_up;

static void locked_printf(const char *fmt, ...)
{
	va_list ap;

	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
		pause();
	va_start(ap, fmt);
	vgprintf(fmt, ap);
	va_end(ap);
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

static uint32_t apic_id(void)
{
	return mmio_read32(LAPIC + LAPIC_ID) >> 24;
}

void ap_main(uint32_t index)
{
	locked_printf("smp: cpu %u up (APIC id %u)\n", index + 1, apic_id());
	__atomic_fetch_add(&cpus_up, 1, __ATOMIC_RELEASE);
}

static uint8_t sum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* Enabled processors in the MP table, 0 if there is none. */
static uint32_t mptable_cpus(void)
{
	uint64_t a;

	for (a = 0xf0000; a < 0x100000; a += 16) {
		const uint8_t *mpf = (const uint8_t *)a, *mpc, *e, *end;
		uint32_t n = 0;

		if (memcmp(mpf, "_MP_", 4) || sum(mpf, 16))
			continue;
		mpc = (const uint8_t *)(uint64_t)*(const uint32_t *)(mpf + 4);
		if (memcmp(mpc, "PCMP", 4) || sum(mpc, *(const uint16_t *)(mpc + 4))) {
			puts("smp: MP table checksum wrong\n");
			return 0;
		}
		end = mpc + *(const uint16_t *)(mpc + 4);
		for (e = mpc + 44; e < end; e += *e == 0 ? 20 : 8)
			if (*e == 0 && (e[3] & 1))
				n++;
		return n;
	}
	return 0;
}

void guest_main(struct hvm_start_info *si)
{
	uint32_t n = mptable_cpus(), spins;

	(void)si;
	if (!n) {
		puts("smp: no MP table\n");
		poweroff(3);
	}
	locked_printf("smp: MP table lists %u cpus; cpu 0 is the BSP (APIC id %u)\n", n, apic_id());
	mmio_write32(LAPIC + LAPIC_SVR, 0x1ff);
	mmio_write32(LAPIC + LAPIC_ICR_HI, 0);
	mmio_write32(LAPIC + LAPIC_ICR_LO, ICR_ALL_BUT_SELF | ICR_INIT);
	mmio_write32(LAPIC + LAPIC_ICR_LO, ICR_ALL_BUT_SELF | ICR_SIPI | SIPI_VECTOR);
	mmio_write32(LAPIC + LAPIC_ICR_LO, ICR_ALL_BUT_SELF | ICR_SIPI | SIPI_VECTOR);
	for (spins = 0; __atomic_load_n(&cpus_up, __ATOMIC_ACQUIRE) < n - 1; spins++) {
		if (spins == 50000000) {
			locked_printf("smp: only %u of %u cpus came up\n", cpus_up + 1, n);
			poweroff(4);
		}
		pause();
	}
	locked_printf("smp: all %u cpus up\n", n);
	poweroff(0);
}
