# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall, with PREFIX (default /usr/local) and
# DESTDIR (a staging root, as packagers use):
#
#   make && sudo make install          # then: systemctl daemon-reload
#   make install DESTDIR=/tmp/stage PREFIX=/usr
#   sudo make uninstall                # the same PREFIX as the install
#
# What is installed, and for whom:
#   sbin/mgmd, bin/mgmctl       the daemon and its CLI (mgmctl also for the
#                               members of mgmd's socket-group, hence bin)
#   lib/libmgm.{a,so.*}         the MGM controller library (with the fast
#                               path's datapath layer) and libmgmclient,
#   lib/libmgmclient.{a,so.*}   the MGM API over mgmd's socket
#   lib/libmgmcompat.{a,so.*}   <mgm.h> with the Win32 names (RRAS sources)
#   include/mgm/*.h             their headers (mgm_fwd.h: the map layout),
#   include/mgm/compat/mgm.h    and the Win32 <mgm.h> (-I.../mgm/compat)
#   lib/pkgconfig/mgm{,client,compat}.pc
#   lib/bpf/mgm_fwd.bpf.o       the forwarder, for `ip link ... xdp obj`
#                               (mgmd embeds its own copy: no path to find)
#   man pages, the systemd unit, bash completion for mgmctl,
#   share/doc/mgm/mgmd.conf.example, and /etc/mgmd.conf from it unless
#   there is one already (SYSCONFDIR is /etc whatever PREFIX is: mgmd
#   reads /etc/mgmd.conf by default).
# The tools under build/ (mcsend, mcsink, mgm-dp, mgm-script, mgm-remote,
# the benchmarks) are for tests and development and are not installed.
#
# uninstall removes exactly the files of the lists below (the same lists
# install uses), /etc/mgmd.conf only if it is still the example unchanged,
# and the directories of mgm's own that are then empty.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
DOCDIR      ?= $(DATADIR)/doc/mgm
BPFDIR      ?= $(LIBDIR)/bpf
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
UNITDIR     ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
SYSCONFDIR  ?= /etc

VERSION   := 0.1.0
SOVERSION := 0
INSTALL   ?= install

MAN_PAGES := $(wildcard doc/man/*.[1-8])
PUB_HDRS  := $(wildcard include/mgm/*.h) include/mgm_fwd.h
DIST      := $(OUT)/dist

# Installed file = source file : mode.  Both install and uninstall read
# these lists, so uninstall removes exactly what install put.
INST_FILES := \
	$(SBINDIR)/mgmd=$(OUT)/mgmd:755 \
	$(BINDIR)/mgmctl=$(OUT)/mgmctl:755 \
	$(LIBDIR)/libmgm.a=$(OUT)/libmgm.a:644 \
	$(LIBDIR)/libmgm.so.$(VERSION)=$(OUT)/libmgm.so:755 \
	$(LIBDIR)/libmgmclient.a=$(OUT)/libmgmclient.a:644 \
	$(LIBDIR)/libmgmclient.so.$(VERSION)=$(OUT)/libmgmclient.so:755 \
	$(LIBDIR)/libmgmcompat.a=$(OUT)/libmgmcompat.a:644 \
	$(LIBDIR)/libmgmcompat.so.$(VERSION)=$(OUT)/libmgmcompat.so:755 \
	$(INCLUDEDIR)/mgm/compat/mgm.h=include/mgm/compat/mgm.h:644 \
	$(foreach h,$(PUB_HDRS),$(INCLUDEDIR)/mgm/$(notdir $(h))=$(h):644) \
	$(PKGCONFIGDIR)/mgm.pc=$(DIST)/mgm.pc:644 \
	$(PKGCONFIGDIR)/mgmclient.pc=$(DIST)/mgmclient.pc:644 \
	$(PKGCONFIGDIR)/mgmcompat.pc=$(DIST)/mgmcompat.pc:644 \
	$(BPFDIR)/mgm_fwd.bpf.o=$(OUT)/mgm_fwd.bpf.o:644 \
	$(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))=$(m):644) \
	$(UNITDIR)/mgmd.service=$(DIST)/mgmd.service:644 \
	$(COMPLETIONDIR)/mgmctl=dist/mgmctl.bash-completion:644 \
	$(DOCDIR)/mgmd.conf.example=dist/mgmd.conf:644

# Link = target (relative, in the link's directory): the soname links.
INST_LINKS := \
	$(LIBDIR)/libmgm.so.$(SOVERSION)=libmgm.so.$(VERSION) \
	$(LIBDIR)/libmgm.so=libmgm.so.$(SOVERSION) \
	$(LIBDIR)/libmgmclient.so.$(SOVERSION)=libmgmclient.so.$(VERSION) \
	$(LIBDIR)/libmgmclient.so=libmgmclient.so.$(SOVERSION) \
	$(LIBDIR)/libmgmcompat.so.$(SOVERSION)=libmgmcompat.so.$(VERSION) \
	$(LIBDIR)/libmgmcompat.so=libmgmcompat.so.$(SOVERSION)

# Directories of mgm's own, removed by uninstall once empty.
INST_DIRS := $(INCLUDEDIR)/mgm/compat $(INCLUDEDIR)/mgm $(DOCDIR)

# The paths of this install, written into the unit and the .pc files.
SUBST := sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@BPFDIR@|$(BPFDIR)|g' \
	-e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g'

.PHONY: install uninstall install-dist

# Made at every install: PREFIX may differ from the last one.
install-dist:
	$(Q)mkdir -p $(DIST)
	$(Q)for f in mgm.pc mgmclient.pc mgmcompat.pc mgmd.service; do \
		$(SUBST) dist/$$f.in >$(DIST)/$$f || exit 1; \
	done

install: $(OUT)/mgmd $(OUT)/mgmctl $(OUT)/libmgm.a $(OUT)/libmgm.so \
	 $(OUT)/libmgmclient.a $(OUT)/libmgmclient.so $(OUT)/libmgmcompat.a \
	 $(OUT)/libmgmcompat.so $(OUT)/mgm_fwd.bpf.o \
	 install-dist
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)for e in $(INST_FILES); do \
		dst=$(DESTDIR)$${e%%=*}; src=$${e#*=}; \
		$(INSTALL) -D -m $${src##*:} $${src%:*} $$dst || exit 1; \
	done
	$(Q)for e in $(INST_LINKS); do \
		ln -sfn $${e#*=} $(DESTDIR)$${e%%=*} || exit 1; \
	done
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/mgmd.conf ] || \
		$(INSTALL) -D -m 644 dist/mgmd.conf $(DESTDIR)$(SYSCONFDIR)/mgmd.conf
	$(Q)[ -n "$(DESTDIR)" ] || ! command -v ldconfig >/dev/null || ldconfig

uninstall:
	$(call msg,UNINST,$(DESTDIR)$(PREFIX))
	$(Q)! cmp -s dist/mgmd.conf $(DESTDIR)$(SYSCONFDIR)/mgmd.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/mgmd.conf
	$(Q)for e in $(INST_FILES) $(INST_LINKS); do \
		rm -f $(DESTDIR)$${e%%=*}; \
	done
	$(Q)for d in $(INST_DIRS); do \
		[ ! -d $(DESTDIR)$$d ] || rmdir $(DESTDIR)$$d 2>/dev/null || true; \
	done
	$(Q)[ -n "$(DESTDIR)" ] || ! command -v ldconfig >/dev/null || ldconfig
