# SPDX-License-Identifier: GPL-2.0
#
# meshup: top-level build.
#   make            userspace tools and the module (against Debian's 6.1 headers)
#   make check      every test suite; ends with "N passed, N failed, N skipped"
#   make demo       the 12-node demo in QEMU
#   make bench      the benchmark suite
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make clean

O		?= build
KDIR		?= $(firstword $(wildcard /usr/src/linux-headers-6.1.*-amd64))
PKGS		:= libnl-genl-3.0 libnl-3.0 openssl json-c inih

CC		?= cc
CFLAGS		?= -O2 -g
CFLAGS		+= -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
		   -Wstrict-prototypes -Wno-unused-parameter -D_GNU_SOURCE \
		   -Iinclude/uapi -Iuserspace/lib
PKG_CFLAGS	 = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRC		:= $(sort $(wildcard userspace/lib/*.c))
CTL_SRC		:= $(sort $(wildcard userspace/meshupctl/*.c))
D_SRC		:= $(sort $(wildcard userspace/meshupd/*.c))
UNIT_SRC	:= $(sort $(wildcard tests/unit/test_*.c))
HDRS		:= $(wildcard include/uapi/linux/*.h userspace/lib/*.h userspace/meshupctl/*.h userspace/meshupd/*.h)

LIB		:= $(O)/libmeshup.a
LIB_OBJ		:= $(LIB_SRC:%.c=$(O)/%.o)
CTL_OBJ		:= $(CTL_SRC:%.c=$(O)/%.o)
D_OBJ		:= $(D_SRC:%.c=$(O)/%.o)
UNIT_BIN	:= $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all userspace module deps check demo bench fuzz clean unit
all: userspace module

userspace: $(O)/meshupctl $(O)/meshupd $(O)/tests/mu-evil

$(O)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/meshupctl: $(CTL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

$(O)/meshupd: $(D_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

# Unit tests: one cmocka binary per tests/unit/test_*.c; daemon objects other
# than main.o are linked in so that the daemon's logic is testable too.
$(O)/tests/%: tests/unit/%.c $(filter-out %/main.o,$(D_OBJ)) $(LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Iuserspace/meshupd -o $@ $< \
		$(filter-out %/main.o,$(D_OBJ)) $(LIB) $(PKG_LIBS) -lcmocka $(LDFLAGS)

unit: $(UNIT_BIN)

# The malicious neighbour of tests/mesh/33-malicious.sh (raw frames).
$(O)/tests/mu-evil: tests/tools/mu-evil.c include/uapi/linux/meshup.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS) $(LDFLAGS)

# The module, built in place against Debian's 6.1 headers.
module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	@sh scripts/deps.sh

check: deps
	@bash tests/run

demo: deps
	@bash scripts/demo

bench: deps
	@bash bench/run

fuzz: deps
	@bash tests/fuzz/run $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(O) build-*
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
