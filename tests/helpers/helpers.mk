# Small C helpers the tests run. The probe is static: it runs inside
# services whose Landlock rules need not name the dynamic loader and its
# libraries, and the same binary serves as a setuid copy.
HELPERS_DIR := tests/helpers

test-binaries: $(B)/probe

$(B)/probe: $(HELPERS_DIR)/probe.c $(HELPERS_DIR)/helpers.mk $(FLAGS_STAMP)
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -static -pthread -o $@ $<
