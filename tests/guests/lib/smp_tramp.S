/* Application processors start here in real mode after a SIPI with vector
 * 8 (CS = 0x800, IP = 0): load the guest's GDT, enter protected mode and
 * join the boot path at ap_start32 (start.S). */
	.section .trampoline, "ax"
	.code16
	.globl ap_tramp
ap_tramp:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl tramp_gdt_ptr
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x18, $ap_start32

	.balign 4
tramp_gdt_ptr:
	.word 4 * 8 - 1
	.long gdt
