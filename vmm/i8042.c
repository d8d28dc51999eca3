/* i8042 keyboard controller: what Linux needs to reset the machine (command
 * 0xfe, or output-port bit 0 cleared) and a keyboard that can type
 * Ctrl-Alt-Del (set 1 scancodes, as the controller's translation gives them).
 * No mouse: AUX commands are accepted and never answered. */
#include <stdint.h>

#include "bus.h"
#include "devices.h"
#include "kvm.h"
#include "vm.h"
#include "vmm.h"

#define I8042_DATA 0x60
#define I8042_CMD 0x64
#define KBD_IRQ 1

#define STATUS_OBF 0x01
#define STATUS_SYS 0x04
#define STATUS_CMD 0x08
#define MODE_KBD_INT 0x01
#define MODE_SYS 0x04
#define MODE_KBD_DISABLED 0x10
#define MODE_AUX_DISABLED 0x20
#define MODE_XLATE 0x40

#define QUEUE_SIZE 16

static struct i8042 {
	uint8_t mode;
	uint8_t status_cmd;	/* STATUS_CMD when the last write went to 0x64 */
	uint8_t pending;	/* controller command waiting for its data byte */
	uint8_t q[QUEUE_SIZE];
	unsigned int q_head, q_len;
} kbc;

static void i8042__raise(void)
{
	if (kbc.q_len && (kbc.mode & MODE_KBD_INT))
		kvm__irq_pulse(KBD_IRQ);
}

static void i8042__queue(uint8_t b)
{
	if (kbc.q_len == QUEUE_SIZE)
		return;
	kbc.q[(kbc.q_head + kbc.q_len++) % QUEUE_SIZE] = b;
	if (kbc.q_len == 1)
		i8042__raise();
}

static uint8_t i8042__pop(void)
{
	uint8_t b;

	if (!kbc.q_len)
		return 0;
	b = kbc.q[kbc.q_head];
	kbc.q_head = (kbc.q_head + 1) % QUEUE_SIZE;
	kbc.q_len--;
	i8042__raise();
	return b;
}

static void i8042__reset_machine(void)
{
	vm__request_exit(VMM_EXIT_OK);
}

static void i8042__command(uint8_t cmd)
{
	switch (cmd) {
	case 0x20: i8042__queue(kbc.mode); break;
	case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
		kbc.pending = cmd;
		break;
	case 0xa7: kbc.mode |= MODE_AUX_DISABLED; break;
	case 0xa8: kbc.mode &= (uint8_t)~MODE_AUX_DISABLED; break;
	case 0xa9: case 0xab: i8042__queue(0x00); break;	/* interface tests pass */
	case 0xaa: i8042__queue(0x55); break;			/* self test passed */
	case 0xad: kbc.mode |= MODE_KBD_DISABLED; break;
	case 0xae: kbc.mode &= (uint8_t)~MODE_KBD_DISABLED; break;
	case 0xfe: i8042__reset_machine(); break;
	default: break;
	}
}

/* A byte for the keyboard itself: acknowledge, and answer reset and ID. */
static void i8042__keyboard(uint8_t b)
{
	i8042__queue(0xfa);
	if (b == 0xff) {
		i8042__queue(0xaa);
	} else if (b == 0xf2) {
		i8042__queue(0xab);
		i8042__queue(0x41);
	}
}

static void i8042__data(uint8_t b)
{
	uint8_t cmd = kbc.pending;

	kbc.pending = 0;
	switch (cmd) {
	case 0x60: kbc.mode = b; break;
	case 0xd1:
		if (!(b & 1))
			i8042__reset_machine();
		break;
	case 0xd2: i8042__queue(b); break;	/* echo as keyboard input */
	case 0xd3: case 0xd4: break;		/* no mouse */
	default: i8042__keyboard(b); break;
	}
}

static void i8042__io(void *dev, uint64_t off, uint8_t *data, uint32_t len, bool is_write)
{
	(void)dev;
	(void)len;
	if (off == I8042_CMD - I8042_DATA) {
		if (is_write) {
			kbc.status_cmd = STATUS_CMD;
			i8042__command(data[0]);
		} else {
			data[0] = (kbc.q_len ? STATUS_OBF : 0) | STATUS_SYS | kbc.status_cmd;
		}
	} else if (off == 0) {
		if (is_write) {
			kbc.status_cmd = 0;
			i8042__data(data[0]);
		} else {
			data[0] = i8042__pop();
		}
	} else if (!is_write) {
		data[0] = 0xff;
	}
}

void i8042__ctrl_alt_del(void)
{
	static const uint8_t cad[] = { 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d };
	unsigned int i;

	bus__lock();
	for (i = 0; i < ARRAY_SIZE(cad); i++)
		i8042__queue(cad[i]);
	bus__unlock();
}

int i8042__init(void)
{
	kbc.mode = MODE_KBD_INT | MODE_SYS | MODE_XLATE;
	return bus__register(BUS_PIO, I8042_DATA, I8042_CMD - I8042_DATA + 1, i8042__io, &kbc);
}
