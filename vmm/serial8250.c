/* 8250/16550A UARTs, enough for Linux's 8250 driver and polled output:
 * THR/RBR with a receive FIFO, IER, IIR, LCR/DLAB, MCR (loopback ignored),
 * LSR, MSR, SCR.  The interrupt line follows the pending state.  COM1 is
 * the console (input and output); COM2 only sends, and never waits: it is
 * the guest's readiness port (README.md), and what the guest writes there
 * must not stall a vCPU however much it is. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "bus.h"
#include "devices.h"
#include "kvm.h"
#include "vmm.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define COM2_BASE 0x2f8
#define COM2_IRQ 3

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IIR_NO_INT 0x01
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_FIFO 0xc0
#define UART_LCR_DLAB 0x80
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MCR_OUT2 0x08
#define UART_MSR_DCD_DSR_CTS 0xb0

#define RX_SIZE 256

struct serial8250 {
	int irq;
	int out_fd, wake_fd;	/* wake_fd: COM1's only (input) */
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thri_pending;	/* THR empty interrupt not yet read from IIR */
	bool rx_was_full;
	uint8_t rx[RX_SIZE];
	unsigned int rx_head, rx_len;
	int irq_level;
};

static struct serial8250 com1, com2;

static uint8_t serial8250__iir(const struct serial8250 *uart)
{
	if ((uart->ier & UART_IER_RDI) && uart->rx_len)
		return UART_IIR_RDI | UART_IIR_FIFO;
	if ((uart->ier & UART_IER_THRI) && uart->thri_pending)
		return UART_IIR_THRI | UART_IIR_FIFO;
	return UART_IIR_NO_INT | UART_IIR_FIFO;
}

static void serial8250__update_irq(struct serial8250 *uart)
{
	int level = !(serial8250__iir(uart) & UART_IIR_NO_INT);

	if (level != uart->irq_level) {
		uart->irq_level = level;
		kvm__irq_line(uart->irq, level);
	}
}

/* COM1 waits for its reader; COM2's fd is non-blocking, and a byte its
 * reader has no room for is lost. */
static void serial8250__tx(struct serial8250 *uart, uint8_t c)
{
	while (write(uart->out_fd, &c, 1) < 0 && errno == EINTR)
		;
	uart->thri_pending = true;
}

static uint8_t serial8250__rx(struct serial8250 *uart)
{
	uint8_t c;
	uint64_t one = 1;

	if (!uart->rx_len)
		return 0;
	c = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % RX_SIZE;
	uart->rx_len--;
	if (uart->rx_was_full) {
		uart->rx_was_full = false;
		if (write(uart->wake_fd, &one, sizeof(one)) < 0)
			warn_errno("serial: wake console input");
	}
	return c;
}

static uint8_t serial8250__read(struct serial8250 *uart, unsigned int reg)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t iir;

	switch (reg) {
	case 0: return dlab ? uart->dll : serial8250__rx(uart);
	case 1: return dlab ? uart->dlm : uart->ier;
	case 2:
		iir = serial8250__iir(uart);
		if ((iir & 0x0f) == UART_IIR_THRI)
			uart->thri_pending = false;	/* reading IIR acknowledges THRE */
		return iir;
	case 3: return uart->lcr;
	case 4: return uart->mcr;
	case 5: return UART_LSR_THRE | UART_LSR_TEMT | (uart->rx_len ? UART_LSR_DR : 0);
	case 6: return UART_MSR_DCD_DSR_CTS;
	default: return uart->scr;
	}
}

static void serial8250__write(struct serial8250 *uart, unsigned int reg, uint8_t v)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab)
			uart->dll = v;
		else
			serial8250__tx(uart, v);
		break;
	case 1:
		if (dlab) {
			uart->dlm = v;
		} else {
			if (!(uart->ier & UART_IER_THRI) && (v & UART_IER_THRI))
				uart->thri_pending = true;	/* enabling THRI raises it at once */
			uart->ier = v & 0x0f;
		}
		break;
	case 2: uart->fcr = v; break;
	case 3: uart->lcr = v; break;
	case 4: uart->mcr = v; break;
	case 7: uart->scr = v; break;
	default: break;
	}
}

static void serial8250__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	struct serial8250 *uart = dev;

	(void)len;
	if (is_write)
		serial8250__write(uart, (unsigned int)off, data[0]);
	else
		data[0] = serial8250__read(uart, (unsigned int)off);
	serial8250__update_irq(uart);
}

size_t serial8250__room(void)
{
	size_t room;

	bus__lock();
	room = RX_SIZE - com1.rx_len;
	if (!room)
		com1.rx_was_full = true;
	bus__unlock();
	return room;
}

size_t serial8250__receive(const uint8_t *buf, size_t n)
{
	size_t i;

	bus__lock();
	for (i = 0; i < n && com1.rx_len < RX_SIZE; i++, com1.rx_len++)
		com1.rx[(com1.rx_head + com1.rx_len) % RX_SIZE] = buf[i];
	if (com1.rx_len == RX_SIZE)
		com1.rx_was_full = true;
	serial8250__update_irq(&com1);
	bus__unlock();
	return i;
}

static int serial8250__register(struct serial8250 *uart, uint16_t base, int irq, int out_fd,
				int wake_fd)
{
	uart->irq = irq;
	uart->out_fd = out_fd;
	uart->wake_fd = wake_fd;
	uart->mcr = UART_MCR_OUT2;
	return bus__register(BUS_PIO, base, 8, serial8250__io, uart);
}

int serial8250__init(int out_fd, int wake_fd)
{
	return serial8250__register(&com1, COM1_BASE, COM1_IRQ, out_fd, wake_fd);
}

int serial8250__init_com2(int out_fd)
{
	int flags = fcntl(out_fd, F_GETFL);

	if (flags < 0 || (!(flags & O_NONBLOCK) && fcntl(out_fd, F_SETFL, flags | O_NONBLOCK) < 0))
		return -errno;
	return serial8250__register(&com2, COM2_BASE, COM2_IRQ, out_fd, -1);
}
