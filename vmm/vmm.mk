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
