/* PVH entry of the test guests (xen/include/public/arch-x86/hvm/start_info.h):
 * entered in flat 32-bit protected mode, paging off, %ebx = hvm_start_info.
 * Identity-map 4 GiB with 2 MiB pages, switch to long mode, call
 * guest_main(start_info).  ap_start32 is where application processors come
 * from the SIPI trampoline (smp_tramp.S). */

#define MSR_EFER 0xc0000080
#define STACK_SIZE 16384

	.section .note.pvh, "a"
	.balign 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_start32

.macro ENABLE_LONG_MODE target
	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $0x100, %eax		/* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG | PE */
	movl %eax, %cr0
	ljmp $0x08, $\target
.endm

	.section .text.start, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	movl %ebx, %esi
	lgdt gdt_ptr
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss

	/* pml4[0] -> pdpt; pdpt[0..3] -> pd[0..3]; pd: 2048 x 2 MiB */
	movl $pdpt + 3, pml4
	movl $pdpt, %edi
	movl $pd + 3, %eax
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $8, %edi
	addl $4096, %eax
	loop 1b
	movl $pd, %edi
	movl $0x83, %eax		/* present, writable, 2 MiB page */
	xorl %edx, %edx
	movl $2048, %ecx
2:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $8, %edi
	addl $0x200000, %eax
	adcl $0, %edx
	loop 2b

	ENABLE_LONG_MODE start64

	.globl ap_start32
ap_start32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	ENABLE_LONG_MODE ap_start64

	.code64
start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $stack + STACK_SIZE, %rsp
	movl %esi, %edi			/* zero-extends: start_info */
	call guest_main
	movl $0xee, %edi
	call poweroff

	/* Each AP takes the next slot of ap_stacks and calls ap_main(index). */
ap_start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl $1, %eax
	lock xaddl %eax, ap_next
	movl %eax, %edi
	incl %eax
	shll $12, %eax
	addq $ap_stacks, %rax
	movq %rax, %rsp
	call ap_main
	call halt_forever

	.weak ap_main
ap_main:
	ret

	.section .rodata
	.balign 8
	.globl gdt
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
	.quad 0x00cf9a000000ffff	/* 0x18: flat 32-bit code */
gdt_end:
	.globl gdt_ptr
gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.balign 4
ap_next:
	.long 0

	.bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
stack:	.skip STACK_SIZE
	.globl ap_stacks
ap_stacks:
	.skip 64 * 4096
