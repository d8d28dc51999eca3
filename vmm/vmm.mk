# The bundled KVM VMM (vmm/README.md).
VMM_SRCS := $(filter-out vmm/fuzz_%.c,$(wildcard vmm/*.c))
VMM_OBJS := $(VMM_SRCS:%.c=$(B)/obj/%.o)

all: $(B)/vmm
INSTALL_LIBEXEC += $(B)/vmm
test-binaries: $(B)/vmm

$(B)/obj/vmm/%.o: vmm/%.c $(wildcard vmm/*.h) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/vmm: $(VMM_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

# The same VMM under ASan + UBSan, for the hostile-guest suite.
VMM_ASAN_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=%,$(CFLAGS_BASE)) \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
test-binaries: $(B)/vmm-asan

$(B)/vmm-asan: $(VMM_SRCS) $(wildcard vmm/*.h)
	$(CC) $(VMM_ASAN_CFLAGS) -pie -fsanitize=address,undefined -o $@ $(VMM_SRCS) -lpthread

# libFuzzer targets over virtio-mmio, virtqueues, virtio-blk requests and
# virtio-net's transmit and receive paths, and
# over the vhost-user frontend's replies (tests/fuzz/).  `make fuzz` runs it for FUZZ_SECONDS (default 1 h);
# tests/vmm-fuzz.bats runs it for 20 s in `make check`.
FUZZ_CC := clang
FUZZ_SRCS := tests/fuzz/fuzz_virtio.c vmm/virtq.c vmm/virtio_mmio.c vmm/virtio_blk.c \
	vmm/virtio_net.c vmm/vm.c vmm/guest_mem.c vmm/bus.c vmm/util.c
FUZZ_VU_SRCS := tests/fuzz/fuzz_vhost_user.c vmm/vhost_user.c vmm/guest_mem.c vmm/util.c
FUZZ_SECONDS ?= 3600
test-binaries: $(B)/fuzz-virtio $(B)/fuzz-vhost-user
.PHONY: fuzz

$(B)/fuzz-virtio: $(FUZZ_SRCS) $(wildcard vmm/*.h)
	@mkdir -p $(B)
	$(FUZZ_CC) -std=gnu17 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -Ivmm \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $(FUZZ_SRCS)

# The vhost-user frontend against a hostile backend (its replies from the input).
$(B)/fuzz-vhost-user: $(FUZZ_VU_SRCS) $(wildcard vmm/*.h)
	@mkdir -p $(B)
	$(FUZZ_CC) -std=gnu17 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -Ivmm \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $(FUZZ_VU_SRCS)

fuzz: $(B)/fuzz-virtio $(B)/fuzz-vhost-user
	mkdir -p $(B)/fuzz-corpus
	$(B)/fuzz-virtio -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
		-artifact_prefix=$(B)/ $(B)/fuzz-corpus tests/fuzz/corpus
	mkdir -p $(B)/fuzz-corpus-vhost-user
	$(B)/fuzz-vhost-user -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
		-artifact_prefix=$(B)/ $(B)/fuzz-corpus-vhost-user tests/fuzz/corpus-vhost-user

# tests/helpers/seccomp-dump: reads a thread's seccomp filter chain and
# evaluates it on made-up syscalls (tests/vmm-seccomp.bats).
test-binaries: $(B)/seccomp-dump

$(B)/seccomp-dump: tests/helpers/seccomp-dump.c vmm/vmm.mk
	@mkdir -p $(B)
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -o $@ $<
