/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal Coordinator for the benchmarks (they run as root in the test
 * VM, without bindoxd): become the Coordinator on @device, accept the
 * registration of @service_name, answer LOOKUPs of it (other names: ENOENT;
 * UNREGISTER: EPERM), and return once @lookups LOOKUPs are answered. Writes an
 * int32_t to @ctl first: 0 once it is the Coordinator, else the negative
 * errno (-EBUSY: another process is the Coordinator; use that one).
 * Meant for a forked child; returns 0 or a negative errno.
 */
#ifndef BENCH_COORD_H
#define BENCH_COORD_H

int bench_coordinator(const char *device, const char *service_name, unsigned int lookups,
		      int ctl);

#endif
