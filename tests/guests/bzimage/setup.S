/* A minimal bzImage (Documentation/arch/x86/boot.rst): a boot sector whose
 * setup header asks for the 64-bit boot protocol, one empty setup sector,
 * then the protected-mode payload (head.S + bzinfo.c) loaded at 1 MiB.
 * No real-mode code: boot loaders must use the 64-bit entry. */
	.section .data
	.code16
	.globl _start
_start:
	.org 0x1f1
	.byte 1				/* setup_sects */
	.word 0				/* root_flags */
	.long (payload_end - payload + 15) / 16	/* syssize */
	.word 0, 0, 0			/* ram_size, vid_mode, root_dev */
	.word 0xaa55			/* boot_flag */
	.byte 0xeb, 0x66		/* jump */
	.ascii "HdrS"
	.word 0x020f			/* boot protocol 2.15 */
	.long 0				/* realmode_swtch */
	.word 0, 0			/* start_sys_seg, kernel_version */
	.byte 0				/* type_of_loader */
	.byte 0x01			/* loadflags: LOADED_HIGH */
	.word 0				/* setup_move_size */
	.long 0x100000			/* code32_start */
	.long 0, 0, 0			/* ramdisk_image, ramdisk_size, bootsect_kludge */
	.word 0				/* heap_end_ptr */
	.byte 0, 0			/* ext_loader_ver, ext_loader_type */
	.long 0				/* cmd_line_ptr */
	.long 0x7fffffff		/* initrd_addr_max */
	.long 0x200000			/* kernel_alignment */
	.byte 0, 0			/* relocatable_kernel, min_alignment */
	.word 0x0001			/* xloadflags: XLF_KERNEL_64 */
	.long 2047			/* cmdline_size */
	.long 0				/* hardware_subarch */
	.quad 0				/* hardware_subarch_data */
	.long 0, 0			/* payload_offset, payload_length */
	.quad 0				/* setup_data */
	.quad 0x100000			/* pref_address */
	.long 0x100000			/* init_size */
	.long 0, 0			/* handover_offset, kernel_info_offset */
	.org 1024
payload:
	.incbin PAYLOAD
payload_end:
