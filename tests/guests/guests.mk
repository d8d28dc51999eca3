# Freestanding test guests for the bundled VMM (tests/guests/README.md):
# PVH ELFs linked at 1 MiB, and one bzImage.
GUEST_DIR := tests/guests
GUEST_OUTD := $(B)/guests
GUEST_CC := gcc
GUEST_CFLAGS := -std=gnu17 -Wall -Wextra -Werror -O2 -ffreestanding -fno-builtin \
	-mgeneral-regs-only -mno-red-zone -fno-pic -fno-pie -nostdlib \
	-fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -mcmodel=small -m64
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

GUEST_NAMES := hello reset triple poweroff cad echo smp blk hostile fs net ready
TEST_GUESTS := $(GUEST_NAMES:%=$(GUEST_OUTD)/%.elf)
GUEST_LIB_OBJS := $(GUEST_OUTD)/lib/start.o $(GUEST_OUTD)/lib/lib.o $(GUEST_OUTD)/lib/virtio.o
GUEST_HDRS := $(wildcard $(GUEST_DIR)/lib/*.h)
.SECONDARY: $(GUEST_NAMES:%=$(GUEST_OUTD)/%.o) $(GUEST_LIB_OBJS) $(GUEST_OUTD)/lib/smp_tramp.o

test-binaries: $(TEST_GUESTS)

$(GUEST_OUTD)/%.o: $(GUEST_DIR)/%.c $(GUEST_HDRS) $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUTD)/%.o: $(GUEST_DIR)/%.S $(GUEST_DIR)/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUTD)/%.elf: $(GUEST_OUTD)/%.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/lib/guest.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/lib/guest.ld -o $@ $< $(GUEST_LIB_OBJS) $(GUEST_EXTRA_OBJS)

# The fs guest: its FUSE transport and its bench mode in files of their own.
FS_OBJS := $(GUEST_OUTD)/fuse.o $(GUEST_OUTD)/fsbench.o
.SECONDARY: $(FS_OBJS)
$(GUEST_OUTD)/fs.o $(FS_OBJS): $(GUEST_DIR)/fuse.h
$(GUEST_OUTD)/fs.elf: $(FS_OBJS)
$(GUEST_OUTD)/fs.elf: GUEST_EXTRA_OBJS := $(FS_OBJS)

# The SMP guest also carries the real-mode AP trampoline at 0x8000.
$(GUEST_OUTD)/smp.elf: $(GUEST_OUTD)/lib/smp_tramp.o
$(GUEST_OUTD)/smp.elf: GUEST_EXTRA_OBJS := $(GUEST_OUTD)/lib/smp_tramp.o

# The bzImage guest: payload linked at 1 MiB, flattened, behind a setup header.
BZ_OBJS := $(GUEST_OUTD)/bzimage/head.o $(GUEST_OUTD)/bzinfo.o $(GUEST_OUTD)/lib/lib.o
TEST_GUESTS += $(GUEST_OUTD)/bzinfo.bzImage
test-binaries: $(GUEST_OUTD)/bzinfo.bzImage
.SECONDARY: $(BZ_OBJS)

$(GUEST_OUTD)/bzinfo.payload: $(BZ_OBJS) $(GUEST_DIR)/bzimage/bz.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/bzimage/bz.ld -o $@.elf $(BZ_OBJS)
	objcopy -O binary $@.elf $@

$(GUEST_OUTD)/bzinfo.bzImage: $(GUEST_DIR)/bzimage/setup.S $(GUEST_OUTD)/bzinfo.payload
	$(GUEST_CC) -c -DPAYLOAD='"$(GUEST_OUTD)/bzinfo.payload"' -o $@.o $<
	objcopy -O binary -j .data $@.o $@

# Debian's kernel as an ELF for the PVH path, unpacked from the bzImage that
# `make guest` fetches (vmm/guest-image/guest.mk has the rule for it).
$(GUEST_OUTD)/vmlinux: $(B)/guest/vmlinuz $(GUEST_DIR)/extract-vmlinux.sh
	@mkdir -p $(dir $@)
	sh $(GUEST_DIR)/extract-vmlinux.sh $< $@
test-binaries: $(if $(wildcard vmm/guest-image/guest.mk),$(GUEST_OUTD)/vmlinux)
