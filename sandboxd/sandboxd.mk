# The manager: one binary, one module per concern.
SANDBOXD_SRCS := $(wildcard sandboxd/*.c)
SANDBOXD_OBJS := $(SANDBOXD_SRCS:%.c=$(B)/obj/%.o)
SANDBOXD_LIBS := -ljson-c

$(B)/obj/sandboxd/%.o: sandboxd/%.c $(wildcard sandboxd/*.h) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/sandboxd: $(SANDBOXD_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(SANDBOXD_LIBS)
