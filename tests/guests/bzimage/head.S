/* The bzImage payload, at 1 MiB: the 32-bit entry (code32_start) is not
 * supported and halts; the 64-bit entry at +0x200 gets %rsi = boot_params
 * and identity-mapped long mode from the loader. */
	.section .text.head, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
1:	hlt
	jmp 1b

	.code64
	.org 0x200
startup_64:
	cli
	movq $stack + 16384, %rsp
	movq %rsi, %rdi
	call bz_main
	movl $0xee, %edi
	call poweroff

	.bss
	.balign 16
stack:	.skip 16384
