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
