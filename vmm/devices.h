/* Legacy devices on the I/O bus; each *__init registers its ranges (-errno).
 * Functions called from the main loop take the bus lock themselves. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stddef.h>
#include <stdint.h>

/* 8250 UART at COM1 (0x3f8, IRQ 4): guest output to OUT_FD.  Input is fed
 * by the main loop; WAKE_FD (an eventfd) is signalled when the guest makes
 * room again after serial8250__receive found the buffer full. */
int serial8250__init(int out_fd, int wake_fd);
/* Take up to N bytes of console input; returns how many were taken. */
size_t serial8250__receive(const uint8_t *buf, size_t n);
size_t serial8250__room(void);
/* 8250 UART at COM2 (0x2f8, IRQ 3), output only: the guest's bytes to
 * OUT_FD, made non-blocking; what its reader has no room for is dropped,
 * so a guest writing without end never stalls a vCPU.  sandboxd reads the
 * guest's readiness line there (sandboxd(8), READINESS). */
int serial8250__init_com2(int out_fd);

/* i8042 at 0x60/0x64 (IRQ 1): guest reset (0xfe) ends the VM with 0;
 * i8042__ctrl_alt_del queues Ctrl-Alt-Del scancodes (SIGTERM). */
int i8042__init(void);
void i8042__ctrl_alt_del(void);

/* Test-guest power-off port, see README.md. */
#define DEBUG_EXIT_PORT 0x501
int debug_exit__init(void);

/* ACPI sleep control (ACPI_PM_PORT) and status (+1) registers. */
#define ACPI_PM_PORT 0x600
#define ACPI_SLP_TYP_S5 5
int acpi_pm__init(void);

#endif
