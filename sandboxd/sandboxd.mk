# The manager: one binary, one module per concern.
SANDBOXD_SRCS := $(wildcard sandboxd/*.c virtiofsd-glue/*.c)
SANDBOXD_OBJS := $(SANDBOXD_SRCS:%.c=$(B)/obj/%.o)
SANDBOXD_LIBS := -ljson-c -lseccomp -lcap-ng -lmnl

# Installed builds find their profiles under DATADIR.
SANDBOXD_DEFS := -DSANDBOXD_PROFILE_DIR='"$(DATADIR)/profiles"' -DSANDBOXD_VERSION='"$(VERSION)"' \
	-DSANDBOXD_VMM_BINARY='"$(LIBEXECDIR)/vmm"'

$(B)/obj/%.o: %.c $(wildcard sandboxd/*.h virtiofsd-glue/*.h) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANDBOXD_DEFS) -c -o $@ $<

$(B)/sandboxd: $(SANDBOXD_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(SANDBOXD_LIBS)
